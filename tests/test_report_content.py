"""``bench.report.content.build_document``: the sections in order, the answer first and the
citation last, the title naming the suite."""

from __future__ import annotations

from bench.report.content import RunInfo, build_document
from bench.report.document import Heading, Paragraph
from bench.report.sections.answer import answer_text
from tests.helpers import analysis_of


def _headings(analysis) -> list[str]:
    doc = build_document(analysis, RunInfo(suite="s"))
    return [b.text for b in doc.blocks if isinstance(b, Heading) and b.level == 2]


def test_document_opens_with_the_answer() -> None:
    assert _headings(analysis_of(12, 3))[0] == "Answer"


def test_document_ends_with_the_citation() -> None:
    assert _headings(analysis_of(12, 3))[-1] == "How to cite these numbers"


def test_answer_paragraph_follows_its_heading() -> None:
    blocks = build_document(analysis_of(12, 3), RunInfo()).blocks
    assert blocks[1] == Paragraph(answer_text(analysis_of(12, 3)))


def test_sections_come_in_the_order_of_the_evidence() -> None:
    headings = _headings(analysis_of(12, 3))
    order = ["Answer", "Run", "Against `raw` across datasets", "Per dataset", "Across datasets",
             "Leakage audit", "Failures and missing data", "How the numbers are computed",
             "How to cite these numbers"]
    assert [h for h in headings if h in order] == order


def test_title_names_the_suite() -> None:
    assert build_document(analysis_of(12, 3), RunInfo(suite="quick")).title == (
        "EmbedBench report — quick")


def test_title_without_a_suite() -> None:
    assert build_document(analysis_of(12, 3), RunInfo()).title == "EmbedBench report"
