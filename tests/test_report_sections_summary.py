"""``bench.report.sections.summary``: the summary and aggregate tables render the analysis's
method summaries (nothing re-derived)."""

from __future__ import annotations

import math

import pytest

from bench.report import formatting as fmt
from bench.report.document import Heading, Paragraph
from bench.report.sections.summary import (
    aggregate_table,
    counts_text,
    probability_ci,
    summary_blocks,
    summary_table,
)
from bench.schema import Verdict
from bench.stats import ReportOptions, analyze
from bench.stats.aggregate import Estimate
from tests.helpers import analysis_of, frame


@pytest.fixture(scope="module")
def analysis():
    return analysis_of(12, 3)


def test_summary_table_cells_come_from_method_summaries(analysis) -> None:
    table = summary_table(analysis)
    medians = [row[5].text for row in table.rows]
    assert medians == [fmt.percent(s.median_relative_improvement) for s in analysis.summaries]


def test_summary_table_marks_follow_the_verdict(analysis) -> None:
    marks = [row[5].mark for row in summary_table(analysis).rows]
    assert marks == ["loss", "win"]  # ae/emb, pca/raw+emb


def test_summary_caption_names_the_holm_family(analysis) -> None:
    assert "Holm family: the 2 comparisons with `raw`" in summary_table(analysis).caption


def test_counts_text_appends_missing_tests() -> None:
    counts = {Verdict.WIN: 1, Verdict.TIE: 2, Verdict.LOSS: 0, Verdict.NA: 3}
    text = counts_text(counts, (Verdict.WIN, Verdict.TIE, Verdict.LOSS), Verdict.NA)
    assert text == "1 / 2 / 0 (3 n/a)"


def test_counts_text_without_missing_tests() -> None:
    counts = {Verdict.WIN: 1, Verdict.TIE: 2, Verdict.LOSS: 0, Verdict.NA: 0}
    assert counts_text(counts, (Verdict.WIN, Verdict.TIE, Verdict.LOSS), Verdict.NA) == "1 / 2 / 0"


def test_aggregate_table_shows_the_bootstrap_median_with_its_interval(analysis) -> None:
    g = analysis.summaries[0].aggregate.median
    assert aggregate_table(analysis).rows[0][2].text == fmt.percent_ci(g.value, g.low, g.high)


def test_probability_ci_has_two_decimals() -> None:
    assert probability_ci(Estimate(0.625, 0.5, 0.75)) == "0.62 [0.50, 0.75]"


def test_probability_ci_of_nothing_is_a_dash() -> None:
    assert probability_ci(Estimate(math.nan, math.nan, math.nan)) == fmt.DASH


def test_blocks_are_the_heading_and_both_tables(analysis) -> None:
    assert [type(b).__name__ for b in summary_blocks(analysis)] == ["Heading", "Table", "Table"]


def test_without_other_methods_there_is_nothing_to_compare() -> None:
    only_raw = analyze(frame(3, methods=(("none", "raw", 0.0),)),
                       ReportOptions(n_bootstrap=200, bayes_samples=2000))
    assert summary_blocks(only_raw) == [Heading("Against `raw`"),
                                        Paragraph("No method other than `raw` to compare.")]
