"""The report's Power section: its blocks, the numbers they show and the low-df warning."""

from __future__ import annotations

import pytest

from bench.report.content import RunInfo, build_document
from bench.report.document import Heading, Paragraph, Table
from bench.report.sections.power import power_blocks
from bench.stats import ReportOptions, analyze
from tests.helpers import frame

FAST = ReportOptions(n_bootstrap=200, bayes_samples=2000)


def _table(blocks, key: str) -> Table:
    return next(b for b in blocks if isinstance(b, Table) and b.key == key)


def test_power_section_shows_each_minimum_detectable_effect() -> None:
    a = analyze(frame(6, folds=3), FAST)
    blocks = power_blocks(a)
    assert blocks[0] == Heading("Power")
    per = _table(blocks, "power_per_dataset")
    assert [c.title for c in per.columns][3:] == [f"`{m}`" for m in a.scores.methods[1:]]
    r = next(r for r in a.power.per_dataset if (r.dataset, r.method) == ("d0", "ae/emb"))
    row = next(row for row in per.rows if row[0].text == "d0")
    assert row[3].text == f"{r.detectable * 100:.2f}%"
    assert row[2].bold  # df 2 < 5
    across = _table(blocks, "power_across")
    w = next(w for w in a.power.across if w.method == "ae/emb")
    assert across.rows[0][3].text == f"{w.detectable * 100:.2f}%"


@pytest.mark.parametrize(("folds", "warned"), [(3, True), (6, False)])
def test_a_tie_with_few_degrees_of_freedom_is_too_little_data(folds: int, warned: bool) -> None:
    blocks = power_blocks(analyze(frame(4, folds=folds), FAST))
    text = " ".join(b.text for b in blocks if isinstance(b, Paragraph))
    assert ("too little data to tell" in text) == warned


def test_too_few_datasets_for_the_wilcoxon_test_is_said() -> None:
    blocks = power_blocks(analyze(frame(4, folds=3), FAST))
    assert "none (N = 4: no p-value below α = 0.05 is attainable)" in \
        _table(blocks, "power_across").rows[0][3].text


def test_power_section_is_part_of_the_report() -> None:
    doc = build_document(analyze(frame(6), FAST), RunInfo())
    assert Heading("Power") in doc.blocks
    assert "power_per_dataset" in {t.key for t in doc.tables}
