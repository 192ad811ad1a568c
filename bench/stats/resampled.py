"""Nadeau–Bengio corrected resampled t-test, and Holm's step-down correction.

Cross-validation runs share training rows, so their score differences are positively correlated
and the plain paired t-test underestimates the variance (inflated type-I error). Nadeau & Bengio
(2003, *Inference for the Generalization Error*, Machine Learning 52) replace ``s²/J`` by
``(1/J + n_test/n_train) · s²``:

    t = d̄ / sqrt((1/J + n_test/n_train) · s²),   J − 1 degrees of freedom,

where ``d`` are the J paired differences, ``s²`` their sample variance (ddof = 1), and
``n_test/n_train`` the test-to-training size ratio (``1/(k − 1)`` for k-fold CV).

NOTE[DIFF]: some published implementations use ``n_train/n_test``, divide ``s²`` by J twice, or
use the uncorrected ``1/J`` alone; tests/test_stats_resampled.py checks this one against a hand
computation and against baycomp's correlated t-test, whose posterior is the same Student
distribution.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy

ALTERNATIVES = ("two-sided", "greater", "less")


@dataclass(frozen=True)
class ResampledTTest:
    """Result of :func:`corrected_resampled_ttest`; ``statistic``/``p_value`` are NaN when the
    test is undefined (fewer than two differences, or zero variance)."""

    statistic: float
    p_value: float
    df: int
    mean: float
    se: float


def corrected_resampled_ttest(
    differences: np.ndarray,
    *,
    n_train: float,
    n_test: float,
    alternative: str = "two-sided",
) -> ResampledTTest:
    """Test whether the mean of the paired ``differences`` (one per resampling run) is zero."""
    if alternative not in ALTERNATIVES:
        raise ValueError(f"alternative must be one of {ALTERNATIVES}, got {alternative!r}")
    if n_train <= 0 or n_test <= 0:
        raise ValueError(f"n_train and n_test must be positive, got {n_train} and {n_test}")
    d = np.asarray(differences, dtype=float).ravel()
    if not np.all(np.isfinite(d)):
        raise ValueError("differences must be finite (drop unpaired or failed runs first)")
    j = d.size
    mean = float(d.mean()) if j else math.nan
    if j < 2:
        return ResampledTTest(math.nan, math.nan, max(j - 1, 0), mean, math.nan)
    var = float(d.var(ddof=1))
    se = math.sqrt((1.0 / j + n_test / n_train) * var)
    if se == 0.0:
        return ResampledTTest(math.nan, math.nan, j - 1, mean, 0.0)
    t = mean / se
    dist = scipy.stats.t(df=j - 1)
    if alternative == "two-sided":
        p = 2.0 * float(dist.sf(abs(t)))
    elif alternative == "greater":
        p = float(dist.sf(t))
    else:
        p = float(dist.cdf(t))
    return ResampledTTest(float(t), min(p, 1.0), j - 1, mean, se)


def holm(p_values: np.ndarray) -> np.ndarray:
    """Holm (1979) step-down adjusted p-values; NaN entries stay NaN and are not counted.

    Adjusted p_(i) = max_{j ≤ i} min(1, (m − j + 1) · p_(j)) over the sorted finite p-values.
    """
    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    finite = np.flatnonzero(np.isfinite(p))
    m = finite.size
    if m == 0:
        return out
    order = finite[np.argsort(p[finite], kind="stable")]
    scaled = np.minimum(1.0, (m - np.arange(m)) * p[order])
    out[order] = np.maximum.accumulate(scaled)
    return out
