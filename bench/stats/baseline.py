"""Every (encoder, feature set) against the ``raw`` baseline, across datasets.

Each dataset contributes one number per method: the mean of its primary metric over repeats ×
folds × seeds. Datasets of different tasks use different metrics (accuracy, RMSE), whose raw
differences are not comparable, so the across-dataset test runs on the *relative improvement*
over the baseline, oriented so that positive is better:
``(method - baseline) / |baseline|`` for higher-is-better metrics and
``(baseline - method) / |baseline|`` for lower-is-better ones (relative error reduction).
The test is scipy's Wilcoxon signed-rank (``zero_method="pratt"``; exact p for small N).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from bench.metrics import HIGHER_IS_BETTER
from bench.stats.pairwise import relative_to_baseline
from bench.stats.scores import DEFAULT_METRICS, collect_scores, method_name

__all__ = ["DEFAULT_METRICS", "BaselineComparison", "MethodComparison", "compare_to_baseline",
           "method_name"]

#: Relative differences smaller than this count as ties (floating-point noise, not a result).
TIE_TOLERANCE = 1e-12


@dataclass(frozen=True)
class MethodComparison:
    """One method against the baseline over the datasets where both have results."""

    method: str
    n_datasets: int
    wins: int
    ties: int
    losses: int
    median_improvement: float
    statistic: float
    p_value: float
    note: str = ""


@dataclass(frozen=True)
class BaselineComparison:
    """Per-dataset means and the across-dataset comparison of every method with the baseline."""

    baseline: str
    metrics: dict[str, str]  # dataset -> metric used
    means: pd.DataFrame  # dataset x method, mean primary metric
    stds: pd.DataFrame  # dataset x method, standard deviation over runs
    improvements: pd.DataFrame  # dataset x method, relative improvement over baseline
    comparisons: tuple[MethodComparison, ...]
    failures: pd.DataFrame  # rows whose status is not ok
    alpha: float = 0.05

    def higher_is_better(self, dataset: str) -> bool:
        return HIGHER_IS_BETTER[self.metrics[dataset]]


def compare_to_baseline(
    frame: pd.DataFrame,
    *,
    metrics: dict[str, str] | None = None,
    baseline: str = "raw",
    alpha: float = 0.05,
) -> BaselineComparison:
    """Compare every method in ``frame`` (result rows) with ``baseline``."""
    scores = collect_scores(frame, metrics=metrics, baseline=baseline)
    means = scores.means()
    signs = pd.Series({d: scores.sign(d) for d in scores.datasets}, dtype=float)
    improvements = relative_to_baseline(means, signs, baseline)
    comparisons = tuple(_compare(improvements[m], m) for m in scores.methods[1:])
    return BaselineComparison(
        baseline=baseline, metrics=scores.metrics, means=means, stds=scores.stds(),
        improvements=improvements, comparisons=comparisons, failures=scores.failures,
        alpha=alpha,
    )


def _compare(delta: pd.Series, method: str) -> MethodComparison:
    d = delta.dropna().to_numpy(dtype=float)
    wins = int(np.sum(d > TIE_TOLERANCE))
    losses = int(np.sum(d < -TIE_TOLERANCE))
    ties = len(d) - wins - losses
    median = float(np.median(d)) if len(d) else float("nan")
    note = ""
    if len(delta) > len(d):
        note = f"{len(delta) - len(d)} dataset(s) without results for both methods left out"
    if len(d) < 2:
        return MethodComparison(method, len(d), wins, ties, losses, median, float("nan"),
                                float("nan"), _join(note, "too few datasets for a test"))
    if wins + losses == 0:
        return MethodComparison(method, len(d), wins, ties, losses, median, float("nan"),
                                float("nan"), _join(note, "all differences are zero"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scipy warns that exact p is unavailable with ties
        res = stats.wilcoxon(np.where(np.abs(d) <= TIE_TOLERANCE, 0.0, d), zero_method="pratt")
    return MethodComparison(method, len(d), wins, ties, losses, median, float(res.statistic),
                            float(res.pvalue), note)


def _join(*parts: str) -> str:
    return "; ".join(p for p in parts if p)
