"""Aggregate improvement over the baseline across datasets, with bootstrap uncertainty.

Normalized score: the relative improvement over the baseline on each dataset,
``sign · (method − baseline) / |baseline|`` (relative error reduction for RMSE, log-loss, MAE;
relative gain for accuracy, AUC, R²), computed from the mean over the paired splits; on a dataset
whose fixed-scale baseline is near 0 (R² ≈ 0) the absolute difference instead
(``bench.stats.scores.relative_scale``).

- Median and IQM (interquartile mean, the 25 %-trimmed mean; Agarwal et al. 2021, "Deep RL at
  the edge of the statistical precipice") across datasets.
- Probability of improvement: the chance that a split of the method beats a split of the
  baseline on the same dataset (ties count ½), averaged over datasets.
- Percentile bootstrap CIs of all three with a two-stage resampling: datasets with replacement,
  and the splits within each dataset with replacement.
- Performance profile: for each method the fraction of datasets on which its relative shortfall
  from the best method, ``sign · (best − method) / |best|``, is at most τ.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy

from bench.seeding import derive_seed
from bench.stats.per_dataset import paired_splits
from bench.stats.scores import Scores


@dataclass(frozen=True)
class Estimate:
    value: float
    low: float
    high: float


@dataclass(frozen=True)
class AggregateImprovement:
    method: str
    n_datasets: int
    median: Estimate
    iqm: Estimate
    probability_of_improvement: Estimate
    note: str = ""


def iqm(values: np.ndarray, axis: int = -1) -> np.ndarray | float:
    """Interquartile mean: the mean of the middle 50 % (scipy's 25 %-trimmed mean)."""
    return scipy.stats.trim_mean(values, 0.25, axis=axis)


def probability_of_improvement(method: np.ndarray, baseline: np.ndarray) -> float:
    """P(method split beats baseline split) on one dataset, oriented values, ties count ½."""
    m = np.asarray(method, dtype=float)[:, None]
    b = np.asarray(baseline, dtype=float)[None, :]
    return float(np.mean((m > b) + 0.5 * (m == b)))


def aggregate_improvements(scores: Scores, *, alpha: float, n_bootstrap: int = 2000,
                           ) -> tuple[AggregateImprovement, ...]:
    """Median, IQM and probability of improvement of every method over the baseline."""
    return tuple(_aggregate(scores, m, alpha=alpha, n_bootstrap=n_bootstrap)
                 for m in scores.methods[1:])


def _aggregate(scores: Scores, method: str, *, alpha: float,
               n_bootstrap: int) -> AggregateImprovement:
    pairs = [paired_splits(scores, d, method) for d in scores.datasets]
    usable = [p for p in pairs if p is not None and math.isfinite(p.scale)]
    left_out = len(pairs) - len(usable)
    note = f"{left_out} dataset(s) without paired runs left out" if left_out else ""
    nan = Estimate(math.nan, math.nan, math.nan)
    if not usable:
        return AggregateImprovement(method, 0, nan, nan, nan, note or "no paired runs")
    base = [p.sign * p.baseline for p in usable]
    other = [p.sign * p.method for p in usable]
    rel = np.array([(o.mean() - b.mean()) / p.scale for o, b, p in zip(other, base, usable,
                                                                        strict=True)])
    poi = np.array([probability_of_improvement(o, b) for o, b in zip(other, base, strict=True)])
    rng = np.random.default_rng(derive_seed("bootstrap", method, n_bootstrap))
    absolute = [p.absolute for p in usable]
    boot_rel, boot_poi = _bootstrap(base, other, absolute, rng, n_bootstrap)
    q = [100 * alpha / 2, 100 * (1 - alpha / 2)]

    def estimate(point: float, sample: np.ndarray) -> Estimate:
        low, high = np.percentile(sample, q)
        return Estimate(float(point), float(low), float(high))

    return AggregateImprovement(
        method, len(usable),
        median=estimate(np.median(rel), np.median(boot_rel, axis=1)),
        iqm=estimate(iqm(rel), iqm(boot_rel, axis=1)),
        probability_of_improvement=estimate(poi.mean(), boot_poi.mean(axis=1)),
        note=note,
    )


def _bootstrap(base: list[np.ndarray], other: list[np.ndarray], absolute: list[bool],
               rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """n × N matrices of per-dataset relative improvement and P(improvement), datasets and
    the splits within them resampled with replacement (absolute differences where
    ``absolute``)."""
    n_datasets = len(base)
    rel = np.empty((n, n_datasets))
    poi = np.empty((n, n_datasets))
    for i, (b, o, plain) in enumerate(zip(base, other, absolute, strict=True)):
        idx = rng.integers(0, b.size, size=(n, b.size))
        bs, os_ = b[idx], o[idx]
        scale = 1.0 if plain else np.abs(bs.mean(axis=1))
        rel[:, i] = (os_.mean(axis=1) - bs.mean(axis=1)) / scale
        wins = (os_[:, :, None] > bs[:, None, :]) + 0.5 * (os_[:, :, None] == bs[:, None, :])
        poi[:, i] = wins.mean(axis=(1, 2))
    picks = rng.integers(0, n_datasets, size=(n, n_datasets))
    rows = np.arange(n)[:, None]
    return rel[rows, picks], poi[rows, picks]


def performance_profile(means: pd.DataFrame, signs: pd.Series) -> pd.DataFrame:
    """dataset × method relative shortfall from the best method on that dataset (≥ 0)."""
    oriented = means.mul(signs.reindex(means.index), axis=0)
    best = oriented.max(axis=1)
    best_raw = means.where(oriented.eq(best, axis=0)).bfill(axis=1).iloc[:, 0]
    scale = best_raw.abs().where(best_raw.abs() > 0)
    return oriented.rsub(best, axis=0).div(scale, axis=0)


def profile_curve(shortfall: pd.Series, taus: np.ndarray) -> np.ndarray:
    """ρ(τ): fraction of all datasets with shortfall ≤ τ (a missing method never counts)."""
    s = shortfall.to_numpy(dtype=float)
    return np.array([np.sum(s <= t) / s.size for t in taus])
