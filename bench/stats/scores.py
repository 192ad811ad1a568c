"""From result rows to the scores every analysis uses: one primary metric per dataset.

A *method* is an (encoder, feature set) pair, named ``encoder/feature_set``, plus ``raw`` (the
encoder-free feature set). A *run* is one (repeat, fold, seed) of a method on a dataset. Rows
whose status is not ``ok`` are kept apart as failures, ``ok`` rows whose primary metric is NaN
(e.g. ROC AUC on a test fold with one class) as ``no_value``: both are reported, never silently
dropped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

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

    def _grouped(self):
        return self.runs.groupby(["dataset", "method"], sort=True)["value"]

    @cached_property
    def by_dataset(self) -> dict[str, DatasetRuns]:
        """dataset -> its runs as arrays, built once: the paired analyses look pairs up here
        instead of filtering ``runs`` for every (dataset, method)."""
        out = {}
        for dataset, rows in self.runs.groupby("dataset", sort=True):
            wide = rows.pivot(index=RUN_KEYS, columns="method", values="value").sort_index()
            sizes = rows.groupby(RUN_KEYS)[["n_train", "n_test"]].mean().reindex(wide.index)
            splits = wide.index.droplevel("seed")
            codes, uniques = pd.factorize(splits, sort=True)
            out[str(dataset)] = DatasetRuns(
                columns={str(m): i for i, m in enumerate(wide.columns)},
                values=wide.to_numpy(dtype=float), split=codes,
                split_repeat=np.array([r for r, _ in uniques]),
                n_train=sizes["n_train"].to_numpy(dtype=float),
                n_test=sizes["n_test"].to_numpy(dtype=float))
        return out


@dataclass(frozen=True)
class DatasetRuns:
    """The runs of one dataset: ``values[i, j]`` is method j on run i (NaN: no result)."""

    columns: dict[str, int]  # method -> column of ``values``
    values: np.ndarray  # runs × methods
    split: np.ndarray  # run -> index of its (repeat, fold) split
    split_repeat: np.ndarray  # split -> its repeat
    n_train: np.ndarray  # per run
    n_test: np.ndarray


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
