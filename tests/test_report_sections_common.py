"""``bench.report.sections.common``: metric arrows, dataset and design descriptions, marks."""

from __future__ import annotations

import pytest

from bench.report.sections.common import arrow, dataset_counts, design, verdict_mark
from tests.helpers import analysis_of


@pytest.mark.parametrize(("metric", "text"), [("accuracy", "↑"), ("rmse", "↓"),
                                              ("log_loss", "↓"), ("r2", "↑")])
def test_arrow_points_to_better(metric: str, text: str) -> None:
    assert arrow(metric) == text


@pytest.mark.parametrize(("verdict", "mark"), [("win", "win"), ("loss", "loss"), ("tie", ""),
                                               ("n/a", "")])
def test_verdict_mark(verdict: str, mark: str) -> None:
    assert verdict_mark(verdict) == mark


def test_an_unknown_verdict_is_an_error() -> None:
    with pytest.raises(ValueError, match="'maybe' is not a valid Verdict"):
        verdict_mark("maybe")


def test_dataset_counts_per_metric() -> None:
    assert dataset_counts(analysis_of(6)) == "6 (4 on accuracy ↑; 2 on rmse ↓)"


def test_design_lists_repeats_folds_and_seeds() -> None:
    assert design(analysis_of(6)) == (
        "1 repeat(s) × 3 folds × 2 seed(s) (seeds 0, 1) per dataset and method")
