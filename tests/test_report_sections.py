"""``bench.report.sections`` and ``build_document``: the answer comes first, each section renders
its numbers from the analysis objects."""

from __future__ import annotations

import re

import pytest

from bench.report import formatting as fmt
from bench.report.content import RunInfo, build_document
from bench.report.document import Heading, Paragraph
from bench.report.sections.answer import answer_text
from bench.report.sections.summary import counts_text, summary_table
from bench.schema import Verdict
from bench.stats import ReportOptions, analyze
from tests.test_stats_analysis import frame

FAST = ReportOptions(n_bootstrap=200, bayes_samples=2000)


@pytest.fixture(scope="module")
def analysis():
    return analyze(frame(12, seed=3), FAST)


def _headings(analysis) -> list[str]:
    doc = build_document(analysis, RunInfo(suite="s"))
    return [b.text for b in doc.blocks if isinstance(b, Heading) and b.level == 2]


def test_document_opens_with_the_answer(analysis) -> None:
    assert _headings(analysis)[0] == "Answer"


def test_document_ends_with_the_citation(analysis) -> None:
    assert _headings(analysis)[-1] == "How to cite these numbers"


def test_answer_paragraph_follows_its_heading(analysis) -> None:
    blocks = build_document(analysis, RunInfo()).blocks
    assert blocks[1] == Paragraph(answer_text(analysis))


def test_answer_names_the_winner_and_the_loser(analysis) -> None:
    text = answer_text(analysis)
    assert "1 of 2 methods beats `raw`" in text
    assert "Significantly worse than `raw` (same test): `ae/emb`" in text


def test_answer_without_other_methods_says_so() -> None:
    text = answer_text(analyze(frame(3, methods=(("none", "raw", 0.0),)), FAST))
    assert text.startswith("Only `raw` has results")


def test_answer_is_three_to_five_sentences(analysis) -> None:
    sentences = re.split(r"(?<=\.)\s+(?=[A-Z0-9`])", answer_text(analysis))
    assert 3 <= len(sentences) <= 5


def test_summary_table_cells_come_from_method_summaries(analysis) -> None:
    table = summary_table(analysis)
    medians = [row[5].text for row in table.rows]
    assert medians == [fmt.percent(s.median_relative_improvement) for s in analysis.summaries]


def test_summary_table_marks_follow_the_verdict(analysis) -> None:
    marks = [row[5].mark for row in summary_table(analysis).rows]
    assert marks == ["loss", "win"]  # ae/emb, pca/raw+emb


def test_counts_text_appends_missing_tests() -> None:
    counts = {Verdict.WIN: 1, Verdict.TIE: 2, Verdict.LOSS: 0, Verdict.NA: 3}
    text = counts_text(counts, (Verdict.WIN, Verdict.TIE, Verdict.LOSS), Verdict.NA)
    assert text == "1 / 2 / 0 (3 n/a)"
