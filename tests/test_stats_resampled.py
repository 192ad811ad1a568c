"""The Nadeau–Bengio corrected resampled t-test against a hand computation and baycomp; Holm
against statsmodels."""

from __future__ import annotations

import math

import baycomp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.multitest import multipletests

from bench.stats import ResampledTTest, corrected_resampled_ttest, holm


def test_matches_a_hand_computation() -> None:
    # J = 5 differences, n_train = 80, n_test = 20 (5-fold CV on 100 rows).
    d = np.array([0.02, 0.01, 0.03, -0.01, 0.02])
    # mean 0.014; deviations 0.006, -0.004, 0.016, -0.024, 0.006; sum of squares 920e-6;
    # s² = 920e-6 / 4 = 230e-6; corrected variance (1/5 + 20/80) · s² = 0.45 · 230e-6.
    se = math.sqrt(0.45 * 230e-6)
    t = 0.014 / se
    assert t == pytest.approx(1.376125, abs=1e-6)
    res = corrected_resampled_ttest(d, n_train=80, n_test=20)
    assert isinstance(res, ResampledTTest)
    assert res.df == 4
    assert res.mean == pytest.approx(0.014)
    assert res.se == pytest.approx(se, rel=1e-12)
    assert res.statistic == pytest.approx(t, rel=1e-12)
    assert res.p_value == pytest.approx(2 * stats.t.sf(t, 4), rel=1e-12)
    assert res.p_value == pytest.approx(0.2408, abs=1e-4)
    # The uncorrected paired t-test is overconfident; the n_train/n_test mix-up is far off.
    naive = stats.ttest_1samp(d, 0.0)
    assert naive.statistic == pytest.approx(0.014 / math.sqrt(230e-6 / 5))
    assert res.statistic < naive.statistic
    assert res.statistic != pytest.approx(0.014 / math.sqrt((1 / 5 + 80 / 20) * 230e-6))


def test_one_sided_alternatives() -> None:
    d = np.array([0.02, 0.01, 0.03, -0.01, 0.02])
    two = corrected_resampled_ttest(d, n_train=80, n_test=20)
    greater = corrected_resampled_ttest(d, n_train=80, n_test=20, alternative="greater")
    less = corrected_resampled_ttest(d, n_train=80, n_test=20, alternative="less")
    assert greater.p_value == pytest.approx(two.p_value / 2)
    assert greater.p_value + less.p_value == pytest.approx(1.0)


@settings(max_examples=40, deadline=None)
@given(repeats=st.integers(1, 3), folds=st.integers(2, 10), seed=st.integers(0, 10_000),
       shift=st.floats(-0.05, 0.05))
def test_agrees_with_baycomp_correlated_ttest(repeats: int, folds: int, seed: int,
                                              shift: float) -> None:
    """baycomp's posterior is Student(d̄, (1/n + 1/(k − 1)) s², n − 1), so its P(left) is our
    one-sided p for k-fold CV (n_test/n_train = 1/(k − 1))."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.6, 0.9, repeats * folds)
    y = x + shift + rng.normal(0, 0.02, x.size)
    p_left, p_right = baycomp.two_on_single(x, y, rope=0, runs=repeats)
    ours = corrected_resampled_ttest(y - x, n_train=(folds - 1) * 50, n_test=50,
                                     alternative="greater")
    assert ours.p_value == pytest.approx(p_left, abs=1e-9)
    assert 1 - ours.p_value == pytest.approx(p_right, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-1, 1, allow_nan=False), min_size=2, max_size=30),
       st.integers(1, 1000), st.integers(1, 1000))
def test_p_value_is_a_probability(values: list[float], n_train: int, n_test: int) -> None:
    res = corrected_resampled_ttest(np.array(values), n_train=n_train, n_test=n_test)
    assert math.isnan(res.p_value) or 0.0 <= res.p_value <= 1.0
    assert res.df == len(values) - 1


def test_undefined_cases_give_nan_not_errors() -> None:
    one = corrected_resampled_ttest(np.array([0.1]), n_train=10, n_test=5)
    assert math.isnan(one.statistic)
    assert math.isnan(one.p_value)
    assert one.df == 0
    constant = corrected_resampled_ttest(np.full(6, 0.02), n_train=10, n_test=5)
    assert math.isnan(constant.p_value)
    assert constant.se == 0.0
    assert constant.mean == 0.02
    with pytest.raises(ValueError, match="alternative"):
        corrected_resampled_ttest(np.ones(3), n_train=10, n_test=5, alternative="bigger")
    with pytest.raises(ValueError, match="positive"):
        corrected_resampled_ttest(np.ones(3), n_train=0, n_test=5)
    with pytest.raises(ValueError, match="finite"):
        corrected_resampled_ttest(np.array([0.1, np.nan]), n_train=10, n_test=5)


# statsmodels' multipletests runs gc.collect() on every call (~0.3 s here): few examples.
@settings(max_examples=5, deadline=None)
@given(st.lists(st.floats(0, 1, allow_nan=False), min_size=1, max_size=25))
def test_holm_matches_statsmodels(p: list[float]) -> None:
    expected = multipletests(np.array(p), method="holm")[1]
    np.testing.assert_allclose(holm(np.array(p)), expected, rtol=0, atol=1e-12)


def test_holm_keeps_nan_out_of_the_family() -> None:
    adjusted = holm(np.array([0.01, np.nan, 0.04, 0.03]))
    assert math.isnan(adjusted[1])
    np.testing.assert_allclose(adjusted[[0, 2, 3]],
                               multipletests([0.01, 0.04, 0.03], method="holm")[1])
    assert np.isnan(holm(np.array([np.nan]))).all()
