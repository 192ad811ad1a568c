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

#: Relative differences smaller than this count as ties (floating-point noise, not a result).
TIE_TOLERANCE = 1e-12
DEFAULT_METRICS = {"classification": "accuracy", "regression": "rmse"}


def method_name(encoder: str, feature_set: str) -> str:
    return "raw" if feature_set == "raw" else f"{encoder}/{feature_set}"


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
    chosen = {**DEFAULT_METRICS, **(metrics or {})}
    frame = frame.assign(method=[method_name(e, f) for e, f in
                                 zip(frame["encoder"], frame["feature_set"], strict=True)])
    ok = frame[frame["status"] == "ok"]
    per_dataset = {}
    for dataset, rows in ok.groupby("dataset", sort=True):
        kind = "regression" if rows["task"].iloc[0] == "regression" else "classification"
        per_dataset[dataset] = chosen[kind]
    metric_of_row = ok["dataset"].map(per_dataset)
    value = pd.Series(np.nan, index=ok.index)
    for metric in set(per_dataset.values()):
        mask = metric_of_row == metric
        value[mask] = ok.loc[mask, metric]
    values = ok.assign(value=value)
    grouped = values.groupby(["dataset", "method"])["value"]
    means = grouped.mean().unstack("method")
    stds = grouped.std(ddof=1).unstack("method")
    improvements = _relative_improvements(means, per_dataset, baseline)
    comparisons = tuple(
        _compare(improvements[m], m) for m in improvements.columns if m != baseline
    )
    return BaselineComparison(
        baseline=baseline,
        metrics=per_dataset,
        means=means,
        stds=stds,
        improvements=improvements,
        comparisons=comparisons,
        failures=frame[frame["status"] != "ok"].drop(columns="method"),
        alpha=alpha,
    )


def _relative_improvements(
    means: pd.DataFrame, metrics: dict[str, str], baseline: str
) -> pd.DataFrame:
    if baseline not in means.columns:
        return pd.DataFrame(index=means.index)
    base = means[baseline]
    sign = pd.Series({d: 1.0 if HIGHER_IS_BETTER[m] else -1.0 for d, m in metrics.items()})
    sign = sign.reindex(means.index)
    scale = base.abs().where(base.abs() > 0, 1.0)
    return means.sub(base, axis=0).mul(sign, axis=0).div(scale, axis=0)


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
