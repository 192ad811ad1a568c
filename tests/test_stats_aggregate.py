"""``bench.stats.aggregate``: median, IQM and probability of improvement across datasets with
bootstrap CIs, and the performance profile — against scipy and hand computations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from bench.stats import collect_scores
from bench.stats.aggregate import (
    aggregate_improvements,
    iqm,
    performance_profile,
    probability_of_improvement,
    profile_curve,
)
from tests.helpers import analysis_of, frame


def test_iqm_is_the_mean_of_the_middle_half() -> None:
    assert iqm(np.array([1.0, 2, 3, 4, 5, 6, 7, 100])) == pytest.approx(4.5)


def test_iqm_is_scipys_quarter_trimmed_mean() -> None:
    x = np.random.default_rng(0).normal(size=13)
    assert iqm(x) == pytest.approx(stats.trim_mean(x, 0.25))


def test_probability_of_improvement_counts_ties_half() -> None:
    # method splits 3, 1; baseline splits 2, 1: pairs (3>2), (3>1), (1<2), (1=1) -> 2.5 / 4.
    assert probability_of_improvement(np.array([3.0, 1]), np.array([2.0, 1])) == 0.625


def _profile() -> pd.DataFrame:
    means = pd.DataFrame({"a": [0.9, 10.0], "b": [0.8, 12.0]}, index=["acc", "err"])
    return performance_profile(means, pd.Series({"acc": 1.0, "err": -1.0}))


def test_profile_best_method_has_no_shortfall() -> None:
    assert _profile().loc["acc", "a"] == 0


def test_profile_shortfall_is_relative_to_the_best() -> None:
    assert _profile().loc["acc", "b"] == pytest.approx(0.1 / 0.9)


def test_profile_of_an_error_metric_prefers_the_lower_value() -> None:
    assert _profile().loc["err", "a"] == 0


def test_profile_shortfall_of_an_error_metric() -> None:
    assert _profile().loc["err", "b"] == pytest.approx(0.2)


def test_profile_curve_is_the_fraction_within_tau() -> None:
    curve = profile_curve(pd.Series([0.0, 0.05, 0.2, np.nan]), np.array([0.0, 0.1, 1.0]))
    np.testing.assert_allclose(curve, [0.25, 0.5, 0.75])  # a missing method never counts


def _aggregate(method: str = "pca/raw+emb"):
    return next(g for g in analysis_of(8).aggregate if g.method == method)


def test_median_is_the_median_of_the_relative_improvements() -> None:
    rel = analysis_of(8).relative["pca/raw+emb"].to_numpy()
    assert _aggregate().median.value == pytest.approx(np.median(rel))


def test_iqm_of_the_relative_improvements_matches_scipy() -> None:
    rel = analysis_of(8).relative["pca/raw+emb"].to_numpy()
    assert _aggregate().iqm.value == pytest.approx(stats.trim_mean(rel, 0.25))


def test_median_lies_in_its_bootstrap_interval() -> None:
    m = _aggregate().median
    assert m.low <= m.value <= m.high


def test_probability_of_improvement_interval_is_within_zero_and_one() -> None:
    p = _aggregate().probability_of_improvement
    assert 0 <= p.low <= p.high <= 1


def test_aggregates_are_repeatable() -> None:
    scores = collect_scores(frame(5, seed=1))
    first = aggregate_improvements(scores, alpha=0.05, n_bootstrap=100)
    assert first == aggregate_improvements(scores, alpha=0.05, n_bootstrap=100)


def test_one_aggregate_per_method_but_the_baseline() -> None:
    scores = collect_scores(frame(3))
    got = aggregate_improvements(scores, alpha=0.05, n_bootstrap=50)
    assert [g.method for g in got] == ["ae/emb", "pca/raw+emb"]
