"""Run one work item: a (dataset, repeat, fold, seed) split, raw once, then every encoder.

Learning happens on the training rows of the split only: the tree preprocessing, the encoders'
own preprocessing and the encoders are fit on them; XGBoost early-stops on a validation part of
them; the test rows are only ever transformed and predicted.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from bench.config import Suite
from bench.data import Dataset
from bench.device import DeviceInfo
from bench.encoders import make_encoder
from bench.features import build_features
from bench.metrics import classification_metrics, empty_metrics, regression_metrics
from bench.models import fit_predict
from bench.plan import RowKey, WorkItem
from bench.preprocess import TreeInputs
from bench.seeding import derive_seed
from bench.splits import Split, validation_split
from bench.store import SCHEMA_VERSION


@dataclass(frozen=True)
class RunContext:
    """What every item of a run shares."""

    suite: Suite
    run_id: str
    config_hash: str
    device: DeviceInfo
    nthread: int = 0

    def new_row(self, item: WorkItem, encoder: str, mode: str, feature_set: str,
                **fields: Any) -> dict[str, Any]:
        """A result row with every column present (metrics NaN until filled in)."""
        row: dict[str, Any] = {
            "run_id": self.run_id, "config_hash": self.config_hash,
            "schema_version": SCHEMA_VERSION, "suite": self.suite.name,
            "dataset": item.dataset, "task": "", "openml_task_id": None,
            "repeat": item.repeat, "fold": item.fold, "seed": item.seed,
            "encoder": encoder, "encoder_mode": mode, "feature_set": feature_set,
            "n_train": 0, "n_test": 0, "n_features": 0, "n_embedding": 0,
            **empty_metrics(),
            "encoder_fit_s": float("nan"), "xgb_fit_s": float("nan"), "predict_s": float("nan"),
            "best_iteration": -1, "device": self.device.kind,
            "fallback_reason": self.device.fallback_reason, "status": "ok", "error": "",
        }
        row.update(fields)
        return row

    def error_row(self, item: WorkItem, encoder: str, mode: str, feature_set: str,
                  exc: BaseException, **fields: Any) -> dict[str, Any]:
        """A row recording that this (item, encoder, feature set) failed, and why."""
        text = str(exc).strip()
        message = f"{type(exc).__name__}: {text.splitlines()[0] if text else ''}".rstrip(": ")
        row = self.new_row(item, encoder, mode, feature_set, **fields)
        row.update(status="error", error=message[:500])
        row["_traceback"] = "".join(traceback.format_exception(exc))
        return row


@dataclass(frozen=True)
class _SplitView:
    """One split, prepared once and reused by every feature set of the item."""

    item: WorkItem
    dataset: Dataset
    fit: np.ndarray  # positions within the training fold used to fit XGBoost
    val: np.ndarray  # positions within the training fold used for early stopping
    X_train: pd.DataFrame
    X_test: pd.DataFrame
    raw_train: pd.DataFrame
    raw_test: pd.DataFrame
    y_train: np.ndarray
    y_test: np.ndarray

    def fields(self) -> dict[str, Any]:
        return {"task": self.dataset.task, "openml_task_id": self.dataset.openml_task_id,
                "n_train": len(self.y_train), "n_test": len(self.y_test)}

    def seed(self, purpose: str, suite_seed: int) -> int:
        i = self.item
        return derive_seed(suite_seed, i.dataset, i.repeat, i.fold, i.seed, purpose)


def prepare(item: WorkItem, dataset: Dataset, split: Split, suite: Suite) -> _SplitView:
    X_train, X_test = dataset.X.iloc[split.train], dataset.X.iloc[split.test]
    y_train = dataset.y[split.train]
    tree = TreeInputs().fit(X_train)
    fit, val = validation_split(
        np.arange(len(split.train)), y_train,
        fraction=suite.run.validation_fraction, stratify=dataset.is_classification,
        seed=derive_seed(suite.seed, item.dataset, item.repeat, item.fold, item.seed, "val"),
    )
    return _SplitView(item, dataset, fit, val, X_train, X_test, tree.transform(X_train),
                      tree.transform(X_test), y_train, dataset.y[split.test])


def run_item(
    item: WorkItem,
    dataset: Dataset,
    split: Split,
    ctx: RunContext,
    *,
    skip: frozenset[RowKey] | set[RowKey] = frozenset(),
    on_unit: Callable[[], None] = lambda: None,
) -> list[dict[str, Any]]:
    """Return the result rows of ``item`` not in ``skip``; failures become rows, never raise."""
    view = prepare(item, dataset, split, ctx.suite)
    rows: list[dict[str, Any]] = []
    if "raw" in item.feature_sets:
        if _key(item, "none", "raw") not in skip:
            rows.append(_evaluate(view, ctx, "none", "", "raw", None, 0.0))
        on_unit()
    for name in item.encoders:
        wanted = [fs for fs in item.feature_sets if fs != "raw" and _key(item, name, fs) not in skip]
        if wanted:
            rows.extend(_run_encoder(view, ctx, name, wanted))
        on_unit()
    return rows


def _run_encoder(view: _SplitView, ctx: RunContext, name: str, feature_sets: list[str]):
    params = ctx.suite.encoders.get(name, {})
    mode = str(params.get("mode", ""))
    try:
        encoder = make_encoder(name, params, random_state=view.seed(name, ctx.suite.seed),
                               device=ctx.device.torch_device)
        mode = encoder.mode
        start = time.perf_counter()
        emb_train = encoder.fit_transform(view.X_train, view.y_train, task=view.dataset.task)
        emb_test = encoder.transform(view.X_test)
        fit_s = time.perf_counter() - start
        if not (np.isfinite(emb_train).all() and np.isfinite(emb_test).all()):
            raise FloatingPointError(f"encoder {name!r} produced non-finite embeddings")
    except Exception as exc:  # noqa: BLE001 - recorded as error rows; the suite goes on
        return [ctx.error_row(view.item, name, mode, fs, exc, **view.fields())
                for fs in feature_sets]
    return [_evaluate(view, ctx, name, mode, fs, (emb_train, emb_test), fit_s)
            for fs in feature_sets]


def _evaluate(view: _SplitView, ctx: RunContext, encoder: str, mode: str, feature_set: str,
              emb: tuple[np.ndarray, np.ndarray] | None, encoder_fit_s: float) -> dict[str, Any]:
    """Train XGBoost on one feature set and return its result row."""
    try:
        train = build_features(view.raw_train, None if emb is None else emb[0], feature_set)
        test = build_features(view.raw_test, None if emb is None else emb[1], feature_set)
        result = fit_predict(
            train.iloc[view.fit], view.y_train[view.fit],
            train.iloc[view.val], view.y_train[view.val], test,
            config=ctx.suite.xgboost, task=view.dataset.task, n_classes=view.dataset.n_classes,
            seed=view.seed("xgb", ctx.suite.seed), device=ctx.device.kind, nthread=ctx.nthread,
        )
    except Exception as exc:  # noqa: BLE001
        return ctx.error_row(view.item, encoder, mode, feature_set, exc, **view.fields())
    if view.dataset.is_classification:
        metrics = classification_metrics(view.y_test, result.prediction)
    else:
        metrics = regression_metrics(view.y_test, result.prediction)
    return ctx.new_row(
        view.item, encoder, mode, feature_set, **view.fields(), **metrics,
        n_features=train.shape[1], n_embedding=0 if emb is None else emb[0].shape[1],
        encoder_fit_s=encoder_fit_s, xgb_fit_s=result.fit_s, predict_s=result.predict_s,
        best_iteration=result.best_iteration,
    )


def _key(item: WorkItem, encoder: str, feature_set: str) -> RowKey:
    return (item.dataset, item.repeat, item.fold, item.seed, encoder, feature_set)
