"""The corrected resampled t-test against a hand computation and baycomp's correlated t-test."""

from __future__ import annotations

import numpy as np
import pytest
from baycomp import CorrelatedTTest
from scipy import stats

from bench.stats.resampled import corrected_resampled_ttest


def test_hand_computation() -> None:
    # d = [1, 2, 3, 4, 5, 6]: mean 3.5, s² = 3.5, J = 6, n_test/n_train = 50/100.
    # se = sqrt((1/6 + 1/2) * 3.5) = sqrt(7/3); t = 3.5 / sqrt(7/3) = 2.29128784747792.
    result = corrected_resampled_ttest(np.arange(1.0, 7.0), n_train=100, n_test=50)
    assert result.mean == 3.5 and result.df == 5
    assert result.se == pytest.approx(np.sqrt(7 / 3), rel=1e-12)
    assert result.statistic == pytest.approx(2.29128784747792, rel=1e-12)
    assert result.p_value == pytest.approx(2 * stats.t.sf(2.29128784747792, 5), rel=1e-12)
    less = corrected_resampled_ttest(np.arange(1.0, 7.0), n_train=100, n_test=50,
                                     alternative="less")
    greater = corrected_resampled_ttest(np.arange(1.0, 7.0), n_train=100, n_test=50,
                                        alternative="greater")
    assert less.p_value + greater.p_value == pytest.approx(1.0)
    assert greater.p_value == pytest.approx(result.p_value / 2)


@pytest.mark.parametrize(("folds", "runs"), [(3, 2), (5, 1), (10, 3)])
def test_agrees_with_baycomp_correlated_ttest(folds: int, runs: int) -> None:
    """baycomp's posterior P(mean < 0) with rope 0 is the one-sided p-value of H1: mean > 0."""
    rng = np.random.default_rng(folds * 10 + runs)
    x = rng.normal(0.80, 0.02, folds * runs)
    y = x + rng.normal(0.004, 0.01, folds * runs)
    n = 300  # K-fold: n_test / n_train = 1 / (K - 1), the ratio baycomp assumes
    ours = corrected_resampled_ttest(y - x, n_train=n * (folds - 1) // folds,
                                     n_test=n // folds, alternative="greater")
    mean, var, df = CorrelatedTTest.compute_statistics(x, y, runs)
    assert ours.mean == pytest.approx(mean) and ours.df == df
    assert ours.se == pytest.approx(np.sqrt(var), rel=1e-9)
    p_left, _ = CorrelatedTTest.probs(x, y, rope=0, runs=runs)
    assert ours.p_value == pytest.approx(p_left, rel=1e-9)


def test_constant_differences_and_bad_input() -> None:
    assert corrected_resampled_ttest(np.zeros(6), n_train=10, n_test=5).p_value == 1.0
    worse = corrected_resampled_ttest(np.full(6, -0.1), n_train=10, n_test=5, alternative="less")
    assert worse.p_value == 0.0 and worse.statistic == -np.inf
    with pytest.raises(ValueError, match="alternative must be"):
        corrected_resampled_ttest(np.ones(3), n_train=1, n_test=1, alternative="smaller")
    with pytest.raises(ValueError, match="at least 2 finite"):
        corrected_resampled_ttest(np.array([1.0]), n_train=1, n_test=1)
