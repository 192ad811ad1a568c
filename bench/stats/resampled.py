"""Nadeau & Bengio's corrected resampled t-test for paired cross-validation differences.

Folds of a K-fold (× repeats) design share training rows, so their differences are correlated
and the plain paired t-test is far too confident. Nadeau & Bengio (2003, "Inference for the
generalization error", Machine Learning 52) inflate the variance of the mean by replacing
``1/J`` with ``1/J + n_test/n_train``::

    t = mean(d) / sqrt((1/J + n_test/n_train) * s²),   J − 1 degrees of freedom

``baycomp.CorrelatedTTest`` uses the same correction (its posterior is this t distribution), and
the tests check the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

ALTERNATIVES = ("two-sided", "less", "greater")


@dataclass(frozen=True)
class ResampledTTest:
    """The corrected t statistic of ``differences``, its p-value, df, mean and standard error."""

    statistic: float
    p_value: float
    df: int
    mean: float
    se: float


def corrected_resampled_ttest(
    differences: np.ndarray, *, n_train: int, n_test: int, alternative: str = "two-sided"
) -> ResampledTTest:
    """Test whether the mean of ``differences`` (one per fold × repeat × seed) differs from 0.

    ``alternative="less"`` tests mean < 0, ``"greater"`` mean > 0. When every difference is the
    same the standard error is 0: the statistic is ±inf (or NaN for all zeros) and the p-value
    0 or 1 accordingly, instead of a division warning.
    """
    if alternative not in ALTERNATIVES:
        raise ValueError(f"alternative must be one of {ALTERNATIVES}, however: {alternative!r}")
    d = np.asarray(differences, dtype="float64").ravel()
    if d.size < 2 or not np.all(np.isfinite(d)):
        raise ValueError(f"need at least 2 finite differences, however: {d.size} given")
    if n_train < 1 or n_test < 1:
        raise ValueError(f"n_train and n_test must be >= 1, however: {n_train}, {n_test}")
    j, mean = d.size, float(d.mean())
    # np.ptp, not the variance: the variance of equal floats can come out as 1e-34, not 0.
    se = 0.0 if np.ptp(d) == 0 else float(np.sqrt((1.0 / j + n_test / n_train) * d.var(ddof=1)))
    df = j - 1
    if se == 0.0:
        statistic = float(np.sign(mean) * np.inf) if mean != 0 else float("nan")
        return ResampledTTest(statistic, _degenerate_p(mean, alternative), df, mean, se)
    t = mean / se
    if alternative == "less":
        p = stats.t.cdf(t, df)
    elif alternative == "greater":
        p = stats.t.sf(t, df)
    else:
        p = 2 * stats.t.sf(abs(t), df)
    return ResampledTTest(float(t), float(min(p, 1.0)), df, mean, se)


def _degenerate_p(mean: float, alternative: str) -> float:
    """p-value when all differences are equal: certain, except for an all-zero two-sided test."""
    if alternative == "less":
        return 0.0 if mean < 0 else 1.0
    if alternative == "greater":
        return 0.0 if mean > 0 else 1.0
    return 0.0 if mean != 0 else 1.0
