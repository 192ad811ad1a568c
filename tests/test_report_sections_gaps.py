"""``bench.report.sections.gaps``: failed and missing rows, grouped, with their errors."""

from __future__ import annotations

import numpy as np
import pytest

from bench.report.document import Heading, Paragraph, Table
from bench.report.sections.gaps import gaps_blocks
from bench.stats import ReportOptions, analyze
from tests.helpers import analysis_of, frame


@pytest.fixture(scope="module")
def failed():
    f = frame(3)
    broken = (f["dataset"] == "d0") & (f["encoder"] == "ae") & (f["fold"] == 1)
    f.loc[broken, ["status", "error"]] = ["error", "RuntimeError: boom"]
    f.loc[broken, "accuracy"] = np.nan
    return gaps_blocks(analyze(f, ReportOptions(n_bootstrap=100, bayes_samples=1000)))


def test_a_complete_run_says_so() -> None:
    assert gaps_blocks(analysis_of(6)) == [
        Heading("Failures and missing data"),
        Paragraph("All units finished with status `ok` and a value for their primary metric.")]


def test_failures_are_grouped_with_their_count(failed) -> None:
    (table,) = [b for b in failed if isinstance(b, Table)]
    assert [c.text for c in table.rows[0]] == ["d0", "`ae/emb`", "error", "2",
                                               "RuntimeError: boom"]


def test_the_caption_counts_every_failed_row(failed) -> None:
    (table,) = [b for b in failed if isinstance(b, Table)]
    assert table.caption.startswith("Failed result rows (2), grouped")


def test_the_notes_come_first(failed) -> None:
    assert type(failed[1]).__name__ == "Bullets"
