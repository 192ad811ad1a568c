"""``bench.report.sections.across``: ranks, Friedman, pairwise Wilcoxon–Holm, cliques, CD
diagram, Nemenyi and the performance profile, rendered from the analysis."""

from __future__ import annotations

import pytest

from bench.report.document import Figure, Heading, Paragraph, Table
from bench.report.sections.across import across_blocks
from tests.helpers import analysis_of


@pytest.fixture(scope="module")
def blocks():
    return across_blocks(analysis_of(12, 3))


def _table(blocks, key: str) -> Table:
    return next(b for b in blocks if isinstance(b, Table) and b.key == key)


def test_the_section_has_its_heading(blocks) -> None:
    assert blocks[0] == Heading("Across datasets")


def test_ranks_are_listed_best_first(blocks) -> None:
    a = analysis_of(12, 3)
    order = [row[0].text for row in _table(blocks, "ranks").rows]
    assert order == [f"`{m}`" for m in a.ranks.average_ranks.sort_values(kind="stable").index]


def test_the_best_average_rank_is_bold(blocks) -> None:
    assert [row[1].bold for row in _table(blocks, "ranks").rows] == [True, False, False]


def test_the_friedman_paragraph_states_both_statistics(blocks) -> None:
    text = next(b.text for b in blocks if isinstance(b, Paragraph))
    assert "Friedman test over N = 12 datasets and k = 3 methods" in text


def test_one_pairwise_row_per_pair(blocks) -> None:
    assert len(_table(blocks, "wilcoxon_pairwise").rows) == 3


def test_pairwise_caption_names_its_holm_family(blocks) -> None:
    assert "Holm family: all 3 pairs of methods" in _table(blocks, "wilcoxon_pairwise").caption


def test_pairwise_caption_contrasts_the_baseline_family(blocks) -> None:
    caption = _table(blocks, "wilcoxon_pairwise").caption
    assert "the Holm family is only the 2 comparisons with `raw`" in caption


def test_the_nemenyi_table_is_a_detail(blocks) -> None:
    assert _table(blocks, "nemenyi").detail


def test_both_figures_are_placed(blocks) -> None:
    keys = [b.key for b in blocks if isinstance(b, Figure)]
    assert keys == ["cd_diagram", "performance_profile"]


def test_profile_counts_datasets_within_each_threshold(blocks) -> None:
    shortfall = analysis_of(12, 3).shortfall
    best = [row[1].text for row in _table(blocks, "performance_profile").rows]
    assert best == [f"{int((shortfall[m] <= 0).sum())} / 12" for m in shortfall.columns]


def test_one_dataset_gives_no_tests_across_datasets() -> None:
    blocks = across_blocks(analysis_of(1))
    assert [type(b).__name__ for b in blocks] == ["Heading", "Paragraph"]
