"""``bench.report.sections.facts``: the run's facts and how the numbers are computed."""

from __future__ import annotations

import pytest

from bench.report.document import Bullets, Formula, Heading
from bench.report.info import RunInfo
from bench.report.sections.facts import CORRECTED_T_LATEX, facts_blocks, method_blocks
from tests.helpers import analysis_of

INFO = RunInfo(suite="quick", run_id="quick-1", device="cpu (test)",
               inferred_tasks={"b": "regression", "a": "multiclass"})


@pytest.fixture(scope="module")
def items() -> tuple[str, ...]:
    heading, bullets = facts_blocks(analysis_of(6), INFO)
    assert heading == Heading("Run")
    assert isinstance(bullets, Bullets)
    return bullets.items


def test_suite_and_run_are_listed(items) -> None:
    assert items[:2] == ("**suite**: quick", "**run**: `quick-1`")


def test_methods_name_the_baseline(items) -> None:
    assert "**methods**: `raw`, `ae/emb`, `pca/raw+emb` (baseline `raw`)" in items


def test_inferred_tasks_are_named_in_order(items) -> None:
    assert ("**tasks inferred** (`--infer-tasks`; not set in the suite): a (multiclass, "
            "inferred), b (regression, inferred)") in items


def test_result_rows_are_counted(items) -> None:
    assert items[-1] == "**result rows**: 108 (0 failed, 0 without a primary-metric value)"


def test_missing_facts_are_left_out() -> None:
    _, bullets = facts_blocks(analysis_of(6), RunInfo())
    assert [i for i in bullets.items if i.startswith(("**suite**", "**run**", "**device**"))] == []


def test_the_method_shows_the_corrected_t_formula() -> None:
    formulas = [b for b in method_blocks(analysis_of(6)) if isinstance(b, Formula)]
    assert [f.latex for f in formulas] == [CORRECTED_T_LATEX]


def test_the_method_states_the_rope() -> None:
    assert "ROPE, ±1% of the baseline" in method_blocks(analysis_of(6))[1].text
