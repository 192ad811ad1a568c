"""``bench.report.sections.leakage``: the leakage audit section renders the audit's rows."""

from __future__ import annotations

import pytest

from bench.report.document import Document, Heading, Paragraph, Table
from bench.report.markdown import render_markdown
from bench.report.sections.leakage import leakage_blocks
from bench.stats.leakage import LeakageAudit
from tests.test_stats_leakage import worked_audit


def render_leakage_markdown(audit: LeakageAudit) -> str:
    """The audit section as the report renders it."""
    return render_markdown(Document("audit", tuple(leakage_blocks(audit))))


@pytest.fixture(scope="module")
def text() -> str:
    return render_leakage_markdown(worked_audit())


def test_the_section_has_its_heading() -> None:
    assert leakage_blocks(worked_audit())[0] == Heading("Leakage audit")


def test_one_table_row_per_comparison() -> None:
    (table,) = [b for b in leakage_blocks(worked_audit()) if isinstance(b, Table)]
    assert len(table.rows) == 3


def test_a_row_names_metric_direction_and_both_encoders(text: str) -> None:
    assert "| d2 | rmse ↓ | emb | `mlp_naive` | `mlp` (crossfit)" in text


def test_the_inflation_is_a_signed_percentage(text: str) -> None:
    assert "+20.00%" in text


def test_the_median_inflation_closes_the_section() -> None:
    last = leakage_blocks(worked_audit())[-1]
    assert last.text.startswith("Median inflation across datasets: `mlp_naive` vs `mlp` (emb):")


def test_without_a_pair_the_section_says_how_to_add_one() -> None:
    blocks = leakage_blocks(LeakageAudit(()))
    assert isinstance(blocks[1], Paragraph)


def test_without_a_pair_the_section_explains_why() -> None:
    assert "no naive/leak-free pair" in render_leakage_markdown(LeakageAudit(()))
