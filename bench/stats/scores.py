"""From result rows to the scores every analysis uses: one primary metric per dataset.

A *method* is an (encoder, feature set) pair, named ``encoder/feature_set``, plus ``raw`` (the
encoder-free feature set). A *run* is one (repeat, fold, seed) of a method on a dataset. Rows
whose status is not ``ok`` are kept apart as failures, ``ok`` rows whose primary metric is NaN
(e.g. ROC AUC on a test fold with one class) as ``no_value``: both are reported, never silently
dropped.

Relative normalisation: differences are oriented (positive = better) and divided by the
baseline's mean on the dataset, ``sign · (method − baseline) / |mean(baseline)|``. For error
metrics (RMSE, MAE, log-loss; lower is better) that is the relative error reduction, for
accuracy, AUC and R² the relative gain. A metric whose zero is not a natural origin (R²: 0 is
the mean predictor) can have a baseline near 0, where a ratio explodes; for such a dataset
(:data:`FIXED_SCALE_METRICS` with ``|mean(baseline)| < NEAR_ZERO``) the differences stay
absolute, in metric units, and :func:`relative_scale` says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

import numpy as np
import pandas as pd

from bench.errors import ConfigError, DataError
from bench.schema import (
    CLASSIFICATION_METRICS,
    HIGHER_IS_BETTER,
    KEY_COLUMNS,
    NO_ENCODER,
    RAW_METHOD,
    REGRESSION_METRICS,
    RUN_COLUMNS,
    FeatureSet,
    Status,
)

DEFAULT_METRICS = {"classification": "accuracy", "regression": "rmse"}
REQUIRED_COLUMNS = (*KEY_COLUMNS, "task", "status")
RUN_KEYS = list(RUN_COLUMNS)
#: Unit-free metrics bounded above by 1, whose value near 0 makes a relative change meaningless.
FIXED_SCALE_METRICS = frozenset({"accuracy", "balanced_accuracy", "roc_auc", "r2"})
NEAR_ZERO = 0.05


class Scale(NamedTuple):
    """The unit of a dataset's differences: ``value`` (|baseline mean|, or 1 when ``absolute``)."""

    value: float  # NaN when undefined (a baseline mean of exactly 0 on a unit-bearing metric)
    absolute: bool  # True: differences are in metric units, not relative


def relative_scale(metric: str, baseline_mean: float) -> Scale:
    """|baseline mean|; absolute units (1.0) near 0 on a fixed-scale metric; NaN if undefined."""
    size = abs(float(baseline_mean))
    if not math.isfinite(size):
        return Scale(math.nan, False)
    if metric in FIXED_SCALE_METRICS and size < NEAR_ZERO:
        return Scale(1.0, True)
    return Scale(size, False) if size > 0 else Scale(math.nan, False)


def method_name(encoder: str, feature_set: str) -> str:
    """``raw`` for the shared baseline; ``<encoder>/raw`` is raw features on the rows an encoder
    leaves XGBoost (``mlp`` in ``holdout`` mode), which is not the same baseline."""
    if feature_set == FeatureSet.RAW and encoder == NO_ENCODER:
        return RAW_METHOD
    return f"{encoder}/{feature_set}"


def task_family(task: str) -> str:
    return "regression" if task == "regression" else "classification"


@dataclass(frozen=True)
class Scores:
    """Primary-metric value of every successful run, and everything that was left out."""

    baseline: str
    methods: tuple[str, ...]  # the baseline first, then the others sorted
    metrics: dict[str, str]  # dataset -> primary metric
    tasks: dict[str, str]  # dataset -> task
    runs: pd.DataFrame  # dataset, method, repeat, fold, seed, value, n_train, n_test
    dataset_folds: dict[str, int]  # dataset -> folds of its own design (OpenML: 10, ...)
    failures: pd.DataFrame  # result rows whose status is not ok
    no_value: pd.DataFrame  # ok rows whose primary metric is NaN
    repeats: tuple[int, ...]
    folds: tuple[int, ...]
    seeds: tuple[int, ...]

    @property
    def datasets(self) -> tuple[str, ...]:
        return tuple(self.metrics)

    def higher_is_better(self, dataset: str) -> bool:
        return HIGHER_IS_BETTER[self.metrics[dataset]]

    def sign(self, dataset: str) -> float:
        """+1 where higher is better, −1 where lower is: ``sign · (a − b) > 0`` means a is better."""
        return 1.0 if self.higher_is_better(dataset) else -1.0

    def means(self) -> pd.DataFrame:
        """dataset × method mean over runs (NaN where a method has no run)."""
        return self._grouped().mean().unstack("method").reindex(
            index=list(self.datasets), columns=list(self.methods))

    def stds(self) -> pd.DataFrame:
        """dataset × method standard deviation over runs (ddof = 1)."""
        return self._grouped().std(ddof=1).unstack("method").reindex(
            index=list(self.datasets), columns=list(self.methods))

    def counts(self) -> pd.DataFrame:
        return self._grouped().count().unstack("method").reindex(
            index=list(self.datasets), columns=list(self.methods)).fillna(0).astype(int)

    def scale(self, dataset: str) -> Scale:
        """Unit of the dataset's differences, from the baseline's mean over its runs."""
        return self._scales.get(dataset, Scale(math.nan, False))

    @cached_property
    def _scales(self) -> dict[str, Scale]:
        return {d: relative_scale(self.metrics[d],
                                  runs.split_mean(runs.values[:, runs.columns[self.baseline]]))
                for d, runs in self.by_dataset.items() if self.baseline in runs.columns}

    def paired_means(self, dataset: str, methods: tuple[str, ...]) -> PairedMeans:
        """Mean of each of ``methods`` on the runs where all of them succeeded (seeds averaged
        within a split first), and how many runs of theirs that left out."""
        runs = self.by_dataset.get(dataset)
        nan = np.full(len(methods), np.nan)
        if runs is None or any(m not in runs.columns for m in methods):
            return PairedMeans(nan, 0, 0)
        block = runs.values[:, [runs.columns[m] for m in methods]]
        common = ~np.isnan(block).any(axis=1)
        dropped = int((~np.isnan(block[~common])).sum())
        if not common.any():
            return PairedMeans(nan, 0, dropped)
        means = np.array([runs.split_mean(col, common) for col in block.T])
        return PairedMeans(means, int(common.sum()), dropped)

    def relative_difference(self, dataset: str, first: str, second: str) -> float:
        """``sign · (first − second) / scale`` on the runs where both succeeded (NaN if none)."""
        pm = self.paired_means(dataset, (first, second))
        scale = self.scale(dataset)
        return self.sign(dataset) * float(pm.values[0] - pm.values[1]) / scale.value

    def _grouped(self):
        return self.runs.groupby(["dataset", "method"], sort=True)["value"]

    @cached_property
    def by_dataset(self) -> dict[str, DatasetRuns]:
        """dataset -> its runs as arrays, built once: the paired analyses look pairs up here
        instead of filtering ``runs`` for every (dataset, method)."""
        out = {}
        for dataset, rows in self.runs.groupby("dataset", sort=True):
            # one pivot for the three columns: run × (column, method)
            table = rows.pivot(index=RUN_KEYS, columns="method",
                               values=["value", "n_train", "n_test"]).sort_index()
            wide = table["value"]
            size = {c: table[c].reindex(columns=wide.columns).to_numpy(dtype=float)
                    for c in ("n_train", "n_test")}
            splits = wide.index.droplevel("seed")
            codes, uniques = pd.factorize(splits, sort=True)
            out[str(dataset)] = DatasetRuns(
                columns={str(m): i for i, m in enumerate(wide.columns)},
                values=wide.to_numpy(dtype=float), split=codes,
                split_repeat=np.array([r for r, _ in uniques]),
                n_train=size["n_train"], n_test=size["n_test"])
        return out


@dataclass(frozen=True)
class DatasetRuns:
    """The runs of one dataset: ``values[i, j]`` is method j on run i (NaN: no result)."""

    columns: dict[str, int]  # method -> column of ``values``
    values: np.ndarray  # runs × methods
    split: np.ndarray  # run -> index of its (repeat, fold) split
    split_repeat: np.ndarray  # split -> its repeat
    n_train: np.ndarray  # runs × methods, like ``values``
    n_test: np.ndarray

    def split_mean(self, column: np.ndarray, rows: np.ndarray | None = None) -> float:
        """Mean over splits of the seed-averaged values of ``column`` (NaN runs left out)."""
        use = ~np.isnan(column) if rows is None else rows & ~np.isnan(column)
        if not use.any():
            return math.nan
        _, inverse = np.unique(self.split[use], return_inverse=True)
        return float(np.mean(np.bincount(inverse, weights=column[use]) / np.bincount(inverse)))


class PairedMeans(NamedTuple):
    values: np.ndarray  # one mean per method asked for
    n_runs: int  # runs where all of them succeeded
    n_dropped: int  # their results on runs where another of them did not


def collect_scores(
    frame: pd.DataFrame,
    *,
    metrics: dict[str, str] | None = None,
    baseline: str = "raw",
) -> Scores:
    """Pick each dataset's primary metric (by task family) and split rows into runs/failures."""
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(f"result rows lack column(s) {', '.join(missing)}")
    if frame.empty:
        raise DataError("there are no result rows to report on")
    chosen = _chosen_metrics(metrics)
    frame = frame.assign(method=[method_name(e, f) for e, f in
                                 zip(frame["encoder"], frame["feature_set"], strict=True)])
    methods = _ordered_methods(frame["method"].unique(), baseline)
    tasks = _tasks(frame)
    per_dataset = {d: chosen[task_family(t)] for d, t in tasks.items()}
    ok = frame[frame["status"] == Status.OK]
    value = _metric_values(ok, per_dataset)
    has_value = value.notna()
    runs = ok.loc[has_value, ["dataset", "method", *RUN_KEYS]].assign(
        value=value[has_value].to_numpy(dtype=float),
        n_train=_column(ok, "n_train")[has_value], n_test=_column(ok, "n_test")[has_value],
    ).sort_values(["dataset", "method", *RUN_KEYS], kind="stable").reset_index(drop=True)
    return Scores(
        baseline=baseline, methods=methods, metrics=per_dataset, tasks=tasks, runs=runs,
        failures=_sorted(frame[frame["status"] != "ok"].drop(columns="method")),
        no_value=_sorted(ok[~has_value].drop(columns="method")),
        dataset_folds={str(d): int(n) for d, n in
                       frame.groupby("dataset", sort=True)["fold"].nunique().items()},
        repeats=_levels(frame, "repeat"), folds=_levels(frame, "fold"),
        seeds=_levels(frame, "seed"),
    )


def _sorted(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows in key order, so that reports do not depend on the order rows were stored in."""
    keys = list(KEY_COLUMNS)
    return rows.sort_values(keys, kind="stable").reset_index(drop=True)


def _chosen_metrics(metrics: dict[str, str] | None) -> dict[str, str]:
    chosen = {**DEFAULT_METRICS, **(metrics or {})}
    allowed = {"classification": CLASSIFICATION_METRICS, "regression": REGRESSION_METRICS}
    for family, metric in chosen.items():
        if family not in allowed:
            raise ConfigError(f"metrics: unknown task family {family!r}; expected "
                              "classification or regression")
        if metric not in allowed[family]:
            raise ConfigError(f"metric {metric!r} is not a {family} metric; expected one of "
                              f"{', '.join(allowed[family])}")
    return chosen


def _ordered_methods(found: np.ndarray, baseline: str) -> tuple[str, ...]:
    names = sorted(str(m) for m in found)
    if baseline not in names:
        raise ConfigError(f"baseline {baseline!r} is not among the methods of this run: "
                          f"{', '.join(names)}")
    return (baseline, *[m for m in names if m != baseline])


def _tasks(frame: pd.DataFrame) -> dict[str, str]:
    """Task of each dataset (from any row that names one; failed loads may not)."""
    tasks: dict[str, str] = {}
    for dataset, rows in frame.groupby("dataset", sort=True):
        known = [t for t in rows["task"].dropna().astype(str) if t]
        tasks[str(dataset)] = known[0] if known else "unknown"
    return tasks


def _metric_values(ok: pd.DataFrame, per_dataset: dict[str, str]) -> pd.Series:
    value = pd.Series(np.nan, index=ok.index, dtype=float)
    metric_of_row = ok["dataset"].map(per_dataset)
    for metric in sorted(set(per_dataset.values())):
        mask = metric_of_row == metric
        if mask.any():
            if metric not in ok.columns:
                raise DataError(f"result rows lack the metric column {metric!r}")
            value[mask] = ok.loc[mask, metric].astype(float)
    return value


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame.columns:
        return frame[name].astype(float)
    return pd.Series(math.nan, index=frame.index)


def _levels(frame: pd.DataFrame, column: str) -> tuple[int, ...]:
    return tuple(sorted(int(v) for v in frame[column].dropna().unique()))
