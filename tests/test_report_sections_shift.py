"""The "Embedding shift" section: per-encoder median and maximum, flags, and what they mean."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bench.report.document import Heading, Paragraph, Table
from bench.report.sections.shift import shift_blocks
from bench.stats import ReportOptions, analyze
from bench.store import load
from tests.helpers import METHODS, frame

FAST = ReportOptions(n_bootstrap=200, bayes_samples=2000)
WITH_MLP = (*METHODS, ("mlp", "emb", 0.0))


def _analysis(shifted: str | None):  # noqa: ANN202 - an Analysis
    f = frame(4, seed=1, methods=WITH_MLP)
    rng = np.random.default_rng(0)
    f["shift_auc"] = np.where(f["feature_set"] == "raw", np.nan, 0.5 + rng.uniform(-0.02, 0.02, len(f)))
    if shifted:
        f.loc[f["encoder"] == shifted, "shift_auc"] = 0.93
    return analyze(f, FAST)


@pytest.fixture(scope="module")
def blocks():  # noqa: ANN201
    return shift_blocks(_analysis("mlp"))


def test_the_section_has_its_heading(blocks) -> None:  # noqa: ANN001
    assert blocks[0] == Heading("Embedding shift")


def test_one_table_row_per_encoder(blocks) -> None:  # noqa: ANN001
    (table,) = [b for b in blocks if isinstance(b, Table)]
    assert [r[0].text for r in table.rows] == ["`ae`", "`mlp`", "`pca`"]


def test_the_median_of_a_flagged_encoder_is_bold(blocks) -> None:  # noqa: ANN001
    (table,) = [b for b in blocks if isinstance(b, Table)]
    assert [r[4].bold for r in table.rows] == [False, True, False]


def test_the_flag_names_the_encoder_and_says_what_it_means(blocks) -> None:  # noqa: ANN001
    text = blocks[-1].text
    assert text.startswith("**Flagged** (median shift AUC above 0.6): `mlp` (0.93)")


def test_the_flag_says_scores_are_not_the_embedding_s_worth(blocks) -> None:  # noqa: ANN001
    assert "do not read their scores as the embedding's worth" in blocks[-1].text


def test_no_flag_says_so() -> None:
    assert shift_blocks(_analysis(None))[-1] == Paragraph(
        "No encoder has a median shift AUC above 0.6.")


def test_rows_without_the_diagnostic_say_why() -> None:
    blocks = shift_blocks(analyze(frame(4, seed=1), FAST))
    assert "before results schema version 2" in blocks[-1].text


def test_a_real_version_1_run_reports_that_it_has_no_diagnostic() -> None:
    v1 = Path(__file__).parent / "data" / "runs" / "quick-cpu-v1"
    blocks = shift_blocks(analyze(load(v1), FAST))
    assert "before results schema version 2" in blocks[-1].text
