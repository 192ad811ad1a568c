"""``bench.stats.pairwise``: the Bayesian signed-rank test matches baycomp, Wilcoxon matches scipy,
Holm over pairs and over the comparisons with the baseline."""

from __future__ import annotations

import math

import baycomp
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from bench.stats import holm
from bench.stats.pairwise import (
    bayes_signed_rank,
    pairwise_wilcoxon,
    signed_rank_probabilities,
    versus_baseline,
    wilcoxon,
)
from tests.helpers import analysis_of


@settings(max_examples=6, deadline=None)
@given(n=st.integers(2, 15), seed=st.integers(0, 10_000), rope=st.sampled_from([0.0, 0.01]))
def test_signed_rank_equals_baycomp(n: int, seed: int, rope: float) -> None:
    d = np.random.default_rng(seed).normal(0.005, 0.02, n)
    ours = signed_rank_probabilities(d, rope=rope, nsamples=3000, prior=0.5, random_state=seed)
    ref = baycomp.two_on_multiple(np.zeros(n), d, rope=rope, nsamples=3000, random_state=seed)
    np.testing.assert_allclose(ours, ref, atol=1e-9)


def test_bayes_signed_rank_is_repeatable_and_oriented() -> None:
    better = np.array([0.03, 0.05, 0.02, 0.04, 0.06, 0.03])
    a = bayes_signed_rank(better, "x", rope=0.01, nsamples=5000)
    assert a == bayes_signed_rank(better, "x", rope=0.01, nsamples=5000)
    assert a.p_better > 0.9
    assert a.p_worse < 0.05
    assert sum((a.p_worse, a.p_equivalent, a.p_better)) == pytest.approx(1.0)
    flipped = bayes_signed_rank(-better, "x", rope=0.01, nsamples=5000)
    assert flipped.p_worse == pytest.approx(a.p_better, abs=0.02)
    assert "fewer than 2" in bayes_signed_rank(np.array([0.1]), "x", rope=0.01).note


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(-1, 1, allow_nan=False, width=32), min_size=2, max_size=30))
def test_wilcoxon_matches_scipy(values: list[float]) -> None:
    d = np.array(values, dtype=float)
    res = wilcoxon(d)
    if np.all(d == 0):
        assert math.isnan(res.p_value)
        assert "zero" in res.note
        return
    ties = np.any(d == 0) or len(np.unique(np.abs(d))) < d.size
    assert 0.0 <= res.p_value <= 1.0
    ref = stats.wilcoxon(d, zero_method="pratt")
    assert res.statistic == pytest.approx(ref.statistic, abs=1e-9)
    if not ties or d.size <= 8:  # scipy: exact, or its permutation test (slow beyond N = 8)
        assert res.p_value == pytest.approx(ref.pvalue, abs=1e-9)


@pytest.mark.parametrize("d", [
    [0.0, 0.01, -0.02, 0.03, 0.03, 0.05, 0.06, -0.01, 0.02, 0.04],
    [0.0, 0.0, 0.1, 0.1, -0.1, 0.2, 0.3, 0.3, 0.3, -0.4, 0.5],
    [0.2, -0.2, 0.2, -0.2, 0.2, 0.2, 0.0, 0.7],
])
def test_wilcoxon_with_ties_or_zeros_is_scipys_exact_permutation_test(d: list[float]) -> None:
    res = wilcoxon(np.array(d))
    assert res.exact
    ref = stats.wilcoxon(d, zero_method="pratt", method=stats.PermutationMethod(n_resamples=np.inf))
    assert res.p_value == pytest.approx(ref.pvalue, rel=1e-9)


def test_wilcoxon_above_fifty_datasets_is_scipys_normal_approximation() -> None:
    d = np.round(np.random.default_rng(0).normal(0.1, 1.0, 60), 1)
    res = wilcoxon(d)
    assert not res.exact
    ref = stats.wilcoxon(d, zero_method="pratt", method="asymptotic")
    assert res.p_value == pytest.approx(ref.pvalue, rel=1e-12)


def test_wilcoxon_small_n_is_exact_and_says_so() -> None:
    res = wilcoxon(np.array([0.01, 0.02, 0.03, 0.04, 0.05]))
    assert res.exact
    assert res.p_value == pytest.approx(2 / 2**5)
    assert "smallest attainable p is 0.0625" in res.note
    assert "fewer than 2" in wilcoxon(np.array([0.3])).note


def _relative(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    data = {"raw": np.zeros(9), "a": rng.normal(0.02, 0.02, 9), "b": rng.normal(0, 0.02, 9),
            "c": rng.normal(-0.03, 0.02, 9)}
    return pd.DataFrame(data, index=[f"d{i}" for i in range(9)])


def test_pairwise_wilcoxon_holm_and_method_order() -> None:
    rel = _relative(0)
    rows = pairwise_wilcoxon(rel)
    assert len(rows) == 6
    np.testing.assert_allclose([r.p_holm for r in rows], holm(np.array([r.p_value for r in rows])))
    reordered = {frozenset((r.first, r.second)): r.p_holm
                 for r in pairwise_wilcoxon(rel[["c", "raw", "b", "a"]])}
    for r in rows:
        assert reordered[frozenset((r.first, r.second))] == pytest.approx(r.p_holm, abs=1e-12)
    control = versus_baseline(rel, "raw")
    assert [r.first for r in control] == ["a", "b", "c"]
    ref = stats.wilcoxon(rel["a"], zero_method="pratt").pvalue
    assert control[0].p_value == pytest.approx(ref, abs=1e-12)


def test_versus_baseline_is_scipys_wilcoxon_on_the_relative_improvements() -> None:
    a = analysis_of(8)
    rel = a.relative["pca/raw+emb"].to_numpy()
    w = next(w for w in a.versus_baseline if w.first == "pca/raw+emb")
    assert w.p_value == pytest.approx(stats.wilcoxon(rel, zero_method="pratt").pvalue)
