"""Ranks, Friedman / Iman–Davenport, Nemenyi and cliques: Demšar (2006)'s worked example,
scipy and scikit-posthocs as references, and property tests."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import scikit_posthocs as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import stats

from bench.stats.ranks import (
    cliques,
    friedman,
    nemenyi,
    nemenyi_critical_difference,
    rank_matrix,
)

# Demšar, "Statistical Comparisons of Classifiers over Multiple Data Sets", JMLR 7 (2006) 1–30,
# Table 6: AUC of C4.5 (m = 0, cf = 0.25), C4.5+m, C4.5+cf and C4.5+m+cf on 14 UCI data sets.
# Taken from the paper (https://www.jmlr.org/papers/volume7/demsar06a/demsar06a.pdf; a text copy:
# https://is.muni.cz/el/fi/podzim2020/PA164/projekt/Statistical_Comparison_of_Classifiers_over_Multiple_Data_Sets.txt);
# the same matrix is reproduced by many test suites on GitHub. NOTE: on "voting" the paper prints
# 0.975 for both C4.5+cf and C4.5+m+cf but ranks them 2 and 3, so the unrounded AUCs differ;
# 0.9751 encodes that order (with an exact tie the average ranks would be 2.929 and 1.929).
DEMSAR_METHODS = ["C4.5", "C4.5+m", "C4.5+cf", "C4.5+m+cf"]
DEMSAR_AUC = np.array([
    [0.763, 0.768, 0.771, 0.798],  # adult (sample)
    [0.599, 0.591, 0.590, 0.569],  # breast cancer
    [0.954, 0.971, 0.968, 0.967],  # breast cancer wisconsin
    [0.628, 0.661, 0.654, 0.657],  # cmc
    [0.882, 0.888, 0.886, 0.898],  # ionosphere
    [0.936, 0.931, 0.916, 0.931],  # iris
    [0.661, 0.668, 0.609, 0.685],  # liver disorders
    [0.583, 0.583, 0.563, 0.625],  # lung cancer
    [0.775, 0.838, 0.866, 0.875],  # lymphography
    [1.000, 1.000, 1.000, 1.000],  # mushroom
    [0.940, 0.962, 0.965, 0.962],  # primary tumor
    [0.619, 0.666, 0.614, 0.669],  # rheum
    [0.972, 0.981, 0.9751, 0.975],  # voting
    [0.957, 0.978, 0.946, 0.970],  # wine
])
# The ranks printed in parentheses in Table 6.
DEMSAR_RANKS = np.array([
    [4, 3, 2, 1], [1, 2, 3, 4], [4, 1, 2, 3], [4, 1, 3, 2], [4, 2, 3, 1], [1, 2.5, 4, 2.5],
    [3, 2, 4, 1], [2.5, 2.5, 4, 1], [4, 3, 2, 1], [2.5, 2.5, 2.5, 2.5], [4, 2.5, 1, 2.5],
    [3, 2, 4, 1], [4, 1, 2, 3], [3, 1, 4, 2],
])
HIGHER = np.ones(14, dtype=bool)


def test_demsar_ranks_friedman_and_iman_davenport() -> None:
    ranks = rank_matrix(DEMSAR_AUC, HIGHER)
    np.testing.assert_array_equal(ranks, DEMSAR_RANKS)
    np.testing.assert_allclose(ranks.mean(axis=0), [3.143, 2.000, 2.893, 1.964], atol=5e-4)
    res = friedman(ranks)
    assert res.chi2 == pytest.approx(9.28, abs=5e-3)
    assert res.f == pytest.approx(3.69, abs=5e-3)
    assert (res.df1, res.df2) == (3, 39)
    # "The critical value of F(3, 39) for α = 0.05 is 2.85, so we reject the null-hypothesis."
    assert stats.f.ppf(0.95, 3, 39) == pytest.approx(2.85, abs=5e-3)
    assert res.f_p < 0.05
    assert res.chi2_tie_corrected == pytest.approx(
        stats.friedmanchisquare(*DEMSAR_AUC.T).statistic, rel=1e-12)


def test_demsar_critical_differences_and_nemenyi() -> None:
    assert nemenyi_critical_difference(4, 14, 0.05) == pytest.approx(1.25, abs=5e-3)
    assert nemenyi_critical_difference(4, 14, 0.10) == pytest.approx(1.12, abs=5e-3)
    p = nemenyi(rank_matrix(DEMSAR_AUC, HIGHER), DEMSAR_METHODS)
    # "even the difference between the best and the worst ... is smaller than CD" at 0.05;
    # at 0.10, C4.5 is worse than C4.5+m and C4.5+m+cf.
    off_diagonal = p.to_numpy()[~np.eye(4, dtype=bool)]
    assert (off_diagonal > 0.05).all()
    significant = {(a, b) for a in DEMSAR_METHODS for b in DEMSAR_METHODS
                   if a < b and p.loc[a, b] < 0.10}
    assert significant == {("C4.5", "C4.5+m"), ("C4.5", "C4.5+m+cf")}


@pytest.mark.parametrize("alpha, qs", [
    (0.05, [1.960, 2.343, 2.569, 2.728, 2.850, 2.949, 3.031, 3.102, 3.164]),
    (0.10, [1.645, 2.052, 2.291, 2.459, 2.589, 2.693, 2.780, 2.855, 2.920]),
])
def test_nemenyi_q_matches_demsar_table_5a(alpha: float, qs: list[float]) -> None:
    for k, q in zip(range(2, 11), qs, strict=True):
        n = 7
        cd = nemenyi_critical_difference(k, n, alpha)
        assert cd / math.sqrt(k * (k + 1) / (6 * n)) == pytest.approx(q, abs=1.5e-3)


def test_friedman_equals_scipy_without_ties_and_tie_corrected_with_ties() -> None:
    rng = np.random.default_rng(0)
    for _ in range(10):
        n, k = rng.integers(3, 20), rng.integers(3, 8)
        scores = rng.normal(size=(n, k))
        res = friedman(rank_matrix(scores, np.ones(n, bool)))
        ref = stats.friedmanchisquare(*scores.T)
        assert res.chi2 == pytest.approx(ref.statistic, abs=1e-9)
        assert res.chi2_p == pytest.approx(ref.pvalue, abs=1e-9)
        tied = np.round(scores, 0)
        if np.all(tied == tied[:, :1]):
            continue
        res = friedman(rank_matrix(tied, np.ones(n, bool)))
        ref = stats.friedmanchisquare(*tied.T)
        assert res.chi2_tie_corrected == pytest.approx(ref.statistic, abs=1e-9)
        assert res.chi2_tie_corrected_p == pytest.approx(ref.pvalue, abs=1e-9)


def test_nemenyi_matches_scikit_posthocs_on_random_scores() -> None:
    rng = np.random.default_rng(1)
    for _ in range(5):
        n, k = rng.integers(3, 15), rng.integers(3, 7)
        scores = rng.normal(size=(n, k))
        methods = [f"m{i}" for i in range(k)]
        ours = nemenyi(rank_matrix(scores, np.ones(n, bool)), methods)
        ref = sp.posthoc_nemenyi_friedman(scores)
        np.testing.assert_allclose(ours.to_numpy(), ref.to_numpy(), atol=1e-9)


def test_degenerate_rank_matrices() -> None:
    tied = friedman(rank_matrix(np.ones((5, 4)), np.ones(5, bool)))
    assert tied.chi2 == 0
    assert tied.f == 0
    assert tied.f_p == pytest.approx(1.0)
    assert math.isnan(tied.chi2_tie_corrected)
    agree = friedman(rank_matrix(np.tile([1.0, 2.0, 3.0], (4, 1)), np.ones(4, bool)))
    assert math.isinf(agree.f)
    assert agree.f_p == 0.0
    assert "identically" in agree.note
    one = friedman(rank_matrix(np.array([[1.0, 2.0, 3.0]]), np.ones(1, bool)))
    assert math.isnan(one.chi2)
    assert "at least 2 datasets" in one.note
    two_methods = friedman(rank_matrix(np.ones((5, 2)), np.ones(5, bool)))
    assert "3 methods" in two_methods.note


def test_cliques_are_maximal_contiguous_runs() -> None:
    ranks = pd.Series({"a": 1.0, "b": 2.0, "c": 3.0, "d": 4.0})
    nd = pd.DataFrame(True, index=list("abcd"), columns=list("abcd"))
    assert cliques(ranks, nd) == (("a", "b", "c", "d"),)
    nd.loc["a", "c"] = nd.loc["c", "a"] = False
    nd.loc["a", "d"] = nd.loc["d", "a"] = False
    assert cliques(ranks, nd) == (("a", "b"), ("b", "c", "d"))
    none = pd.DataFrame(False, index=list("abcd"), columns=list("abcd"))
    assert cliques(ranks, none) == ()


# Scores on a 0.001 grid: ties happen (as with accuracies), and adding an integer keeps every
# order and every tie (monotone rounding; the grid spacing dwarfs the rounding error).
score_matrices = st.integers(2, 12).flatmap(lambda n: st.integers(3, 6).flatmap(
    lambda k: arrays(np.int64, (n, k), elements=st.integers(0, 1000)).map(lambda a: a / 1000)))


@settings(max_examples=40, deadline=None)
@given(scores=score_matrices, shift=st.integers(-100, 100), seed=st.integers(0, 1000))
def test_rank_statistics_properties(scores: np.ndarray, shift: int, seed: int) -> None:
    n, k = scores.shape
    higher = np.ones(n, dtype=bool)
    ranks = rank_matrix(scores, higher)
    res = friedman(ranks)
    for p in (res.chi2_p, res.f_p):
        assert 0.0 <= p <= 1.0
    # Invariant to adding a constant to every score, and to the method order.
    np.testing.assert_array_equal(rank_matrix(scores + shift, higher), ranks)
    perm = np.random.default_rng(seed).permutation(k)
    permuted = friedman(rank_matrix(scores[:, perm], higher))
    assert permuted.chi2 == pytest.approx(res.chi2, abs=1e-9)
    np.testing.assert_allclose(rank_matrix(scores[:, perm], higher), ranks[:, perm])
    # Metric direction: negated scores of a lower-is-better metric rank the same.
    np.testing.assert_array_equal(rank_matrix(-scores, ~higher), ranks)
    nem = nemenyi(ranks, [f"m{i}" for i in range(k)]).to_numpy()
    assert np.all((nem >= 0) & (nem <= 1))
    assert np.all(ranks.sum(axis=1) == pytest.approx(k * (k + 1) / 2))
