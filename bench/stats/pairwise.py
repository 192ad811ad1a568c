"""Pairwise comparisons across datasets on relative differences.

Datasets of different tasks use metrics of different scales (accuracy, RMSE), so the raw
difference of two methods is not comparable across datasets. Each difference is oriented
(positive = first method better) and divided by the baseline's mean on that dataset:
``sign · (A − B) / |baseline|``. That is the relative improvement of A over B in units of the
baseline score — a change of units of a metric (RMSE in cm instead of m) leaves it unchanged; for
error metrics it is the relative error reduction. Where a fixed-scale metric's baseline is near 0
(R² ≈ 0) the difference stays absolute (``bench.stats.scores.relative_scale``).

Pairing: A and B are compared on each dataset over the runs (repeat, fold, seed) where both
succeeded, never with means over different sets of runs.

- Wilcoxon signed-rank (``zero_method="pratt"``; for N ≤ 50 the exact p over all sign flips,
  conditional on ties and zeros, else scipy's normal approximation), Holm across all pairs (the
  CD diagram's cliques) or across the comparisons with the baseline (the summary table).
- Bayesian signed-rank test (baycomp ``two_on_multiple``, 1-D) of each method vs the baseline,
  with the same relative ROPE as the per-dataset tests.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd
import scipy

from bench.seeding import derive_seed
from bench.stats.resampled import holm
from bench.stats.scores import Scores

EXACT_MAX_N = 50  # exact p up to here (as scipy's method="auto"), normal approximation above


@dataclass(frozen=True)
class WilcoxonResult:
    first: str
    second: str
    n: int
    statistic: float
    p_value: float
    p_holm: float
    exact: bool
    median_difference: float  # relative, positive = first better
    note: str = ""


def wilcoxon(differences: np.ndarray, first: str = "a", second: str = "b") -> WilcoxonResult:
    """Two-sided Wilcoxon signed-rank test of paired per-dataset differences (NaN-free)."""
    d = np.asarray(differences, dtype=float)
    n = d.size
    median = float(np.median(d)) if n else math.nan
    if n < 2:
        return WilcoxonResult(first, second, n, math.nan, math.nan, math.nan, False, median,
                              "fewer than 2 datasets: no test")
    if np.all(d == 0):
        return WilcoxonResult(first, second, n, math.nan, math.nan, math.nan, False, median,
                              "all differences are zero")
    exact = n <= EXACT_MAX_N
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scipy warns that exact p is unavailable with ties
        res = scipy.stats.wilcoxon(d, zero_method="pratt", method="asymptotic")
    p_value = signed_rank_permutation_p(d) if exact else float(res.pvalue)
    note = ""
    floor = 2.0 / 2.0**n
    if floor >= 0.05:
        note = f"N = {n}: the smallest attainable p is {floor:.3g}"
    return WilcoxonResult(first, second, n, float(res.statistic), p_value, math.nan,
                          exact, median, note)


def signed_rank_permutation_p(d: np.ndarray) -> float:
    """Exact two-sided p of the signed-rank statistic (Pratt) over all 2^m sign flips of the m
    nonzero differences, conditional on their ranks (ties share the average rank).

    NOTE[DIFF]: what ``scipy.stats.wilcoxon(method="auto")`` computes by enumeration for N ≤ 13
    with ties or zeros (seconds per call at N = 13), counted here by dynamic programming over the
    doubled ranks, so it stays exact up to N = 50 in microseconds; without ties or zeros it is
    scipy's exact distribution. tests/test_stats_pairwise.py checks both against scipy.
    """
    ranks = scipy.stats.rankdata(np.abs(d), method="average")
    nonzero = d != 0
    weights = np.rint(2 * ranks[nonzero]).astype(int)
    observed = int(np.rint(2 * ranks[d > 0].sum()))
    counts = np.zeros(int(weights.sum()) + 1)
    counts[0] = 1.0
    for w in weights:
        counts[w:] = counts[w:] + counts[:-w].copy()
    counts /= counts.sum()
    upper, lower = counts[observed:].sum(), counts[:observed + 1].sum()
    return float(min(1.0, 2.0 * min(upper, lower)))


def relative_to_baseline(scores: Scores) -> pd.DataFrame:
    """dataset × method: sign · (method − baseline) / scale, each method paired with the
    baseline on the runs where both succeeded (NaN where there are none)."""
    values = [[scores.relative_difference(d, m, scores.baseline) for m in scores.methods]
              for d in scores.datasets]
    return pd.DataFrame(values, index=list(scores.datasets), columns=list(scores.methods),
                        dtype=float)


def paired_differences(scores: Scores, datasets: tuple[str, ...],
                       ) -> dict[tuple[str, str], np.ndarray]:
    """(A, B) -> relative difference A − B per dataset, each on the runs where both succeeded
    (datasets where they share no run are left out)."""
    out = {}
    for a, b in combinations(scores.methods, 2):
        d = np.array([scores.relative_difference(name, a, b) for name in datasets], dtype=float)
        out[(a, b)] = d[np.isfinite(d)]
    return out


def pairwise_wilcoxon(relative: pd.DataFrame) -> tuple[WilcoxonResult, ...]:
    """All pairs of methods (columns), Holm-adjusted over the pairs; NaN rows are dropped pairwise."""
    return wilcoxon_pairs({(a, b): (relative[a] - relative[b]).dropna().to_numpy()
                           for a, b in combinations(relative.columns, 2)})


def wilcoxon_pairs(differences: dict[tuple[str, str], np.ndarray]) -> tuple[WilcoxonResult, ...]:
    """A Wilcoxon test per pair of its differences, Holm-adjusted over the pairs."""
    return _holm_rows([wilcoxon(d, a, b) for (a, b), d in differences.items()])


def versus_baseline(relative: pd.DataFrame, baseline: str) -> tuple[WilcoxonResult, ...]:
    """Each method vs the baseline (the relative improvement itself), Holm over the methods."""
    rows = [wilcoxon(relative[m].dropna().to_numpy(), m, baseline)
            for m in relative.columns if m != baseline]
    return _holm_rows(rows)


def _holm_rows(rows: list[WilcoxonResult]) -> tuple[WilcoxonResult, ...]:
    adjusted = holm(np.array([r.p_value for r in rows]))
    return tuple(WilcoxonResult(r.first, r.second, r.n, r.statistic, r.p_value, float(p),
                                r.exact, r.median_difference, r.note)
                 for r, p in zip(rows, adjusted, strict=True))


@dataclass(frozen=True)
class BayesSignedRank:
    method: str
    n: int
    p_worse: float
    p_equivalent: float
    p_better: float
    note: str = ""


def bayes_signed_rank(improvement: np.ndarray, method: str, *, rope: float,
                      nsamples: int = 50_000, prior: float = 0.5) -> BayesSignedRank:
    """Bayesian signed-rank test (Benavoli et al. 2014) of per-dataset relative improvements.

    NOTE[DIFF]: the same posterior sample as ``baycomp.two_on_multiple(0, d, rope,
    random_state=seed)`` — the same Dirichlet draws, the same decision per draw — but computed
    with one matrix product per chunk instead of baycomp's Python loop over 50 000 draws (seconds
    per method). tests/test_stats_pairwise.py checks equality with baycomp. The seed derives from
    the method name, so the Monte Carlo estimate is repeatable.
    """
    d = np.asarray(improvement, dtype=float)
    if d.size < 2:
        return BayesSignedRank(method, d.size, math.nan, math.nan, math.nan,
                               "fewer than 2 datasets: no test")
    worse, equivalent, better = signed_rank_probabilities(
        d, rope=rope, nsamples=nsamples, prior=prior,
        random_state=derive_seed("bayes-signed-rank", method))
    return BayesSignedRank(method, d.size, worse, equivalent, better)


def signed_rank_probabilities(d: np.ndarray, *, rope: float, nsamples: int, prior: float,
                              random_state: int) -> tuple[float, float, float]:
    """(P(worse), P(equivalent), P(better)) as baycomp's ``SignedRankTest`` computes them."""
    diff = np.concatenate(([0.0], d))  # the prior's pseudo-observation at 0
    sums = diff[:, None] + diff[None, :]
    weights = np.ones(diff.size)
    weights[0] = prior
    draws = np.random.RandomState(random_state).dirichlet(weights, nsamples)
    if rope > 0:
        below, above = _heaviside(-sums, 2 * rope), _heaviside(sums, 2 * rope)
    else:
        above = _heaviside(sums, 0.0)
        below = None
    wins = np.zeros(3, dtype=np.int64)
    for start in range(0, nsamples, 10_000):
        w = draws[start:start + 10_000]
        right = _quadratic_forms(w, above)
        left = _quadratic_forms(w, below) if below is not None else 1.0 - right
        middle = 1.0 - left - right if below is not None else np.zeros_like(right)
        winners = np.argmax(np.stack([left, middle, right], axis=1), axis=1)
        wins += np.bincount(winners, minlength=3)
    worse, equivalent, better = wins / nsamples
    return float(worse), float(equivalent), float(better)


def _quadratic_forms(w: np.ndarray, m: np.ndarray) -> np.ndarray:
    """``w_i' m w_i`` for every row ``w_i``. ``w m`` by einsum, not ``w @ m``: the product is
    small (k ≤ a few dozen datasets), and a threaded BLAS call costs several times the arithmetic
    on a busy machine. The row sums are ``np.sum``'s, as before."""
    return np.sum(np.einsum("ij,jk->ik", w, m) * w, axis=1)


def _heaviside(a: np.ndarray, thresh: float) -> np.ndarray:
    return (a > thresh).astype(float) + 0.5 * (a == thresh).astype(float)
