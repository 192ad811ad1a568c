"""Power, stated instead of implied: the smallest effect the design could detect.

A "tie" (no significant difference) is only informative if the test could have seen an effect of
interest. For each comparison this module gives the *minimum detectable effect* (MDE): the
smallest true improvement that the test declares significant with probability ``power`` (80 %) at
the report's α, two-sided.

- Per dataset: the Nadeau–Bengio corrected resampled t-test over J splits. With ``s`` the observed
  standard deviation of the split differences and ``r = n_test/n_train``, the standard error is
  ``se = s · sqrt(1/J + r)``, and the test statistic follows a noncentral t with J − 1 degrees of
  freedom and noncentrality ``δ/se``. The MDE is the δ at which
  ``P(|T| > t_{1−α/2, J−1}) = power``, solved exactly on the noncentral t (scipy), then divided
  by the dataset's scale (relative to the baseline's mean, like every difference in the report).
- Across datasets: the Wilcoxon signed-rank test over N datasets, if the per-dataset relative
  improvements were normal with the observed spread ``σ`` (their SD across datasets) and a shift
  δ. Its critical value is exact for N ≤ 50 (the null distribution of W+, as scipy uses it) and
  the normal approximation above, as in scipy's ``method="auto"``. The power is estimated by
  Monte Carlo with common random numbers: W+ ≥ w_crit exactly when the w_crit-th largest Walsh
  average ``(x_i + x_j)/2, i ≤ j`` is positive, so each simulated standard-normal sample z gives
  the shift ``−σ · A_(w_crit)(z)`` above which it rejects, and the MDE is the ``power`` quantile of
  those shifts (the lower rejection tail, negligible for a positive shift, is ignored: slightly
  conservative).

Power is computed at the unadjusted α: with Holm's correction the detectable effects are larger.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import scipy

from bench.seeding import derive_seed
from bench.stats.per_dataset import paired_splits
from bench.stats.scores import Scores

POWER = 0.8
MIN_DF = 5  # fewer degrees of freedom per dataset: a tie means "too little data to tell"
WILCOXON_EXACT_MAX_N = 50  # scipy's method="auto" is exact up to here
N_SIMULATIONS = 4000


@dataclass(frozen=True)
class DatasetPower:
    """Minimum detectable effect of the corrected t-test of one method vs the baseline."""

    dataset: str
    method: str
    n_splits: int  # J
    df: int
    ratio: float  # n_test / n_train of the pair
    sd: float  # SD of the split differences, metric units
    detectable: float  # relative (or absolute where ``absolute``); NaN when not computable
    absolute: bool = False
    note: str = ""


@dataclass(frozen=True)
class WilcoxonPower:
    """Minimum detectable median relative improvement of the Wilcoxon test across datasets."""

    method: str
    n_datasets: int
    sd: float  # SD of the per-dataset relative improvements
    detectable: float  # inf: no effect can be detected with this many datasets; NaN: unknown
    note: str = ""


@dataclass(frozen=True)
class PowerAnalysis:
    alpha: float
    power: float
    per_dataset: tuple[DatasetPower, ...]
    across: tuple[WilcoxonPower, ...]

    @property
    def low_df_datasets(self) -> tuple[str, ...]:
        """Datasets whose per-dataset tests have fewer than ``MIN_DF`` degrees of freedom."""
        low = {p.dataset for p in self.per_dataset if p.n_splits > 0 and p.df < MIN_DF}
        return tuple(sorted(low))


def t_power(effect: float, *, sd: float, n_splits: int, ratio: float, alpha: float) -> float:
    """Power of the two-sided corrected resampled t-test at a true mean difference ``effect``."""
    df = n_splits - 1
    critical = float(scipy.stats.t.ppf(1 - alpha / 2, df))
    return _power_at(effect / (sd * math.sqrt(1.0 / n_splits + ratio)), df, critical)


def _power_at(nc: float, df: int, critical: float) -> float:
    """P(|T| > critical) for T noncentral t(df, nc). P(T < −c | nc) = P(T > c | −nc): scipy's
    nct.cdf returns NaN far in the tail for df = 1."""
    return float(np.sum(scipy.stats.nct.sf(critical, df, [nc, -nc])))


def t_detectable_effect(*, sd: float, n_splits: int, ratio: float, alpha: float,
                        power: float = POWER) -> float:
    """Smallest mean difference (units of ``sd``'s metric) detected with probability ``power``."""
    if n_splits < 2 or not (sd > 0 and math.isfinite(sd)) or not (ratio >= 0):
        return math.nan
    se = sd * math.sqrt(1.0 / n_splits + ratio)
    nc = _detectable_noncentrality(n_splits - 1, alpha, power)
    return nc * se


@lru_cache(maxsize=256)
def _detectable_noncentrality(df: int, alpha: float, power: float) -> float:
    """The noncentrality at which the two-sided t-test with ``df`` has ``power``."""
    critical = float(scipy.stats.t.ppf(1 - alpha / 2, df))

    def gap(nc: float) -> float:
        return _power_at(nc, df, critical) - power

    high = 1.0
    while gap(high) < 0:
        high *= 2.0
    return float(scipy.optimize.brentq(gap, 0.0, high, xtol=1e-12))


def signed_rank_null(n: int) -> np.ndarray:
    """P(W+ = w), w = 0 … n(n+1)/2, under H0 (no ties, no zeros): subsets of {1…n} by sum."""
    counts = np.zeros(n * (n + 1) // 2 + 1)
    counts[0] = 1.0
    for k in range(1, n + 1):
        counts[k:] = counts[k:] + counts[:-k].copy()
    return counts / 2.0**n


def wilcoxon_critical_value(n: int, alpha: float) -> float:
    """Smallest W+ that the two-sided test rejects at ``p < alpha`` (inf when none does)."""
    total = n * (n + 1) // 2
    if n > WILCOXON_EXACT_MAX_N:
        mean, sd = total / 2.0, math.sqrt(n * (n + 1) * (2 * n + 1) / 24.0)
        w = math.floor(mean + sd * float(scipy.stats.norm.isf(alpha / 2))) + 1
        return float(w) if w <= total else math.inf
    upper = np.cumsum(signed_rank_null(n)[::-1])[::-1]  # P(W+ >= w)
    lower = 1.0 - upper + signed_rank_null(n)  # P(W+ <= w)
    p = np.minimum(1.0, 2.0 * np.minimum(upper, lower))
    rejected = np.flatnonzero((p < alpha) & (np.arange(total + 1) > total / 2))
    return float(rejected[0]) if rejected.size else math.inf


@lru_cache(maxsize=64)
def wilcoxon_detectable_shift(n: int, alpha: float, power: float = POWER,
                              n_simulations: int = N_SIMULATIONS) -> float:
    """Smallest shift δ/σ of normal data that the signed-rank test detects with ``power``."""
    w_crit = wilcoxon_critical_value(n, alpha) if n >= 1 else math.inf
    if not math.isfinite(w_crit):
        return math.inf
    k = int(w_crit)  # reject iff the k-th largest Walsh average of x is > 0
    rng = np.random.default_rng(derive_seed("wilcoxon-power", n, n_simulations))
    i, j = np.triu_indices(n)
    shifts = []
    for start in range(0, n_simulations, 500):
        z = rng.standard_normal((min(500, n_simulations - start), n))
        walsh = (z[:, i] + z[:, j]) / 2.0
        kth = -np.partition(-walsh, k - 1, axis=1)[:, k - 1]
        shifts.append(-kth)
    return float(np.quantile(np.concatenate(shifts), power))


def power_analysis(scores: Scores, relative: pd.DataFrame, *, alpha: float,
                   power: float = POWER) -> PowerAnalysis:
    """Minimum detectable effects of every per-dataset test and every across-dataset test."""
    per = tuple(_dataset_power(scores, d, m, alpha=alpha, power=power)
                for m in scores.methods[1:] for d in scores.datasets)
    across = tuple(_wilcoxon_power(relative[m].dropna().to_numpy(), m, alpha=alpha, power=power)
                   for m in scores.methods[1:])
    return PowerAnalysis(alpha=alpha, power=power, per_dataset=per, across=across)


def _dataset_power(scores: Scores, dataset: str, method: str, *, alpha: float,
                   power: float) -> DatasetPower:
    pairs = paired_splits(scores, dataset, method)
    if pairs is None:
        return DatasetPower(dataset, method, 0, 0, math.nan, math.nan, math.nan,
                            note="no paired runs")
    d = pairs.differences
    j = d.size
    sd = float(np.std(d, ddof=1)) if j >= 2 else math.nan
    note = ""
    if j < 2:
        note = "one split only"
    elif sd == 0:
        note = "zero variance"
    elif not math.isfinite(pairs.ratio):
        note = "n_train/n_test unknown"
    delta = t_detectable_effect(sd=sd, n_splits=j, ratio=pairs.ratio, alpha=alpha, power=power)
    return DatasetPower(dataset, method, j, max(j - 1, 0), pairs.ratio, sd,
                        delta / pairs.scale, pairs.absolute, note)


def _wilcoxon_power(improvements: np.ndarray, method: str, *, alpha: float,
                    power: float) -> WilcoxonPower:
    n = improvements.size
    sd = float(np.std(improvements, ddof=1)) if n >= 2 else math.nan
    if n < 2:
        return WilcoxonPower(method, n, sd, math.nan, "fewer than 2 datasets")
    shift = wilcoxon_detectable_shift(n, alpha, power)
    if not math.isfinite(shift):
        return WilcoxonPower(method, n, sd, math.inf,
                             f"N = {n}: no p-value below α = {alpha} is attainable")
    if sd == 0:
        return WilcoxonPower(method, n, sd, math.nan, "zero spread across datasets")
    return WilcoxonPower(method, n, sd, shift * sd)
