"""Across datasets: average ranks, Friedman / Iman–Davenport, Nemenyi, critical difference.

Input is one averaged score per dataset and method (Demšar 2006, JMLR 7:1–30). Ranks are
scale-free, so classification and regression datasets (accuracy, RMSE, ...) mix safely; rank 1 is
the best method on a dataset, ties get the average rank.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy


@dataclass(frozen=True)
class FriedmanResult:
    """Friedman's χ²_F from average ranks (Demšar's eq., no tie correction) and the
    Iman–Davenport F_F built on it; scipy's tie-corrected χ² is kept for reference."""

    n_datasets: int
    n_methods: int
    chi2: float
    chi2_p: float
    f: float  # Iman–Davenport F_F
    f_p: float
    df1: int
    df2: int
    chi2_tie_corrected: float
    chi2_tie_corrected_p: float
    note: str = ""


def oriented(scores: np.ndarray, higher_is_better: np.ndarray) -> np.ndarray:
    """Scores flipped so that higher is better on every dataset (rows)."""
    sign = np.where(np.asarray(higher_is_better, dtype=bool), 1.0, -1.0)
    return np.asarray(scores, dtype=float) * sign[:, None]


def rank_matrix(scores: np.ndarray, higher_is_better: np.ndarray) -> np.ndarray:
    """Rank of every method (columns) on every dataset (rows): 1 = best, ties averaged."""
    return scipy.stats.rankdata(-oriented(scores, higher_is_better), axis=1, method="average")


def friedman(ranks: np.ndarray) -> FriedmanResult:
    """Friedman test and Iman–Davenport correction from an N × k rank matrix."""
    n, k = ranks.shape
    if n < 2 or k < 3:
        nan = math.nan
        why = "needs at least 2 datasets and 3 methods"
        return FriedmanResult(n, k, nan, nan, nan, nan, k - 1, (k - 1) * (n - 1), nan, nan, why)
    mean = ranks.mean(axis=0)
    chi2 = 12.0 * n / (k * (k + 1)) * (float(np.sum(mean**2)) - k * (k + 1) ** 2 / 4.0)
    chi2 = max(chi2, 0.0)  # rounding can give -1e-15 when every rank is tied
    df1, df2 = k - 1, (k - 1) * (n - 1)
    denominator = n * (k - 1) - chi2
    note = ""
    if denominator <= 1e-12:
        f, f_p = math.inf, 0.0
        note = "every dataset ranks the methods identically: F_F is infinite"
    else:
        f = (n - 1) * chi2 / denominator
        f_p = float(scipy.stats.f.sf(f, df1, df2))
    corrected, corrected_p = _scipy_friedman(ranks)
    return FriedmanResult(n, k, chi2, float(scipy.stats.chi2.sf(chi2, df1)), f, f_p, df1, df2,
                          corrected, corrected_p, note)


def _scipy_friedman(ranks: np.ndarray) -> tuple[float, float]:
    if np.all(ranks == ranks[:, :1]):
        return math.nan, math.nan  # scipy divides by zero when every rank is tied
    res = scipy.stats.friedmanchisquare(*ranks.T)
    return float(res.statistic), float(res.pvalue)


def nemenyi_critical_difference(n_methods: int, n_datasets: int, alpha: float) -> float:
    """CD = q_α · sqrt(k(k + 1) / (6N)), q_α the studentized range quantile / √2."""
    if n_methods < 2 or n_datasets < 1:
        return math.nan
    q = float(scipy.stats.studentized_range.ppf(1 - alpha, n_methods, np.inf)) / math.sqrt(2.0)
    return q * math.sqrt(n_methods * (n_methods + 1) / (6.0 * n_datasets))


def nemenyi(ranks: np.ndarray, methods: list[str]) -> pd.DataFrame:
    """Pairwise Nemenyi p-values, for reference next to Wilcoxon–Holm.

    ``q = |R_i − R_j| / sqrt(k(k + 1) / (6N))`` on the average ranks, ``p`` from the studentized
    range distribution at ``q·√2`` with infinite degrees of freedom: scikit-posthocs'
    ``posthoc_nemenyi_friedman`` formula (the test checks it against that function), without
    importing scikit-posthocs, which loads matplotlib's pyplot.
    """
    ranks = np.asarray(ranks, dtype=float)
    n, k = ranks.shape
    p = np.ones((k, k))
    if n > 0 and k > 1:
        mean = ranks.mean(axis=0)
        upper = np.triu_indices(k, 1)
        q = np.abs(mean[upper[0]] - mean[upper[1]]) / math.sqrt(k * (k + 1.0) / (6.0 * n))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            p[upper] = scipy.stats.studentized_range.sf(q * math.sqrt(2.0), k, np.inf)
        p[(upper[1], upper[0])] = p[upper]
    return pd.DataFrame(p, index=methods, columns=methods)


def cliques(average_ranks: pd.Series, not_different: pd.DataFrame) -> tuple[tuple[str, ...], ...]:
    """Maximal runs of methods, consecutive in rank order, with no significant pair inside.

    Contiguous groups (as in Demšar's diagrams) rather than graph cliques: a bar drawn over a
    rank interval must not seem to include a method it does not.
    """
    order = list(average_ranks.sort_values(kind="stable").index)
    groups: list[tuple[int, int]] = []
    for i in range(len(order)):
        j = i
        while j + 1 < len(order) and all(bool(not_different.loc[order[m], order[j + 1]])
                                         for m in range(i, j + 1)):
            j += 1
        if j > i and not any(a <= i and j <= b for a, b in groups):
            groups.append((i, j))
    return tuple(tuple(order[a:b + 1]) for a, b in groups)
