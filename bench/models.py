"""XGBoost: fit with early stopping on a validation split, predict, time both.

The matrices come as :class:`~bench.arrays.TreeMatrix` (NumPy on the CPU, CuPy on CUDA: XGBoost
reads device memory directly). With ``tree_method = "hist"`` (the default) the training rows go
into a ``QuantileDMatrix`` and the validation and test rows into ``QuantileDMatrix`` matrices with
``ref=`` the training one (its bin edges), so no float copy of the data is kept besides the
bins; ``approx`` and ``exact`` need a plain ``DMatrix``. Only the predictions come back to the
host.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import xgboost as xgb

from bench.arrays import TreeMatrix, to_device, to_host
from bench.config import XGBoostConfig

#: Parameters of the sklearn wrapper that are not booster parameters.
_WRAPPER_ONLY = {"n_estimators", "early_stopping_rounds", "learning_rate"}


@dataclass(frozen=True)
class ModelResult:
    """Predictions on the test rows (probabilities ``(n, C)`` or values ``(n,)``) and timings."""

    prediction: np.ndarray
    best_iteration: int
    fit_s: float
    predict_s: float
    params: dict[str, Any]


def booster_params(
    config: XGBoostConfig, *, task: str, n_classes: int, seed: int, device: str, nthread: int
) -> dict[str, Any]:
    """A filtered parameter dict for ``xgboost.train`` (recorded in the manifest)."""
    params: dict[str, Any] = {
        k: v for k, v in config.model_dump().items() if k not in _WRAPPER_ONLY and v is not None
    }
    params.update(eta=config.learning_rate, seed=seed, device=device, nthread=nthread)
    if task == "regression":
        params.update(objective="reg:squarederror", eval_metric="rmse")
    elif task == "binary":
        params.update(objective="binary:logistic", eval_metric="logloss")
    else:
        params.update(objective="multi:softprob", eval_metric="mlogloss", num_class=n_classes)
    return params


def matrix(X: TreeMatrix, label: np.ndarray | None = None, *, params: dict[str, Any],
           ref: xgb.DMatrix | None = None) -> xgb.DMatrix:
    """``X`` (and its labels, moved to ``X``'s device) as an XGBoost matrix: a
    ``QuantileDMatrix`` (bins from ``ref`` when given) for ``hist``, else a ``DMatrix``."""
    y = None if label is None else to_device(np.asarray(label), X.device)
    common: dict[str, Any] = {"label": y, "feature_types": _categorical_types(X),
                              "enable_categorical": True, "nthread": params.get("nthread") or None}
    if params.get("tree_method", "hist") != "hist":
        return xgb.DMatrix(X.values, **common)
    return xgb.QuantileDMatrix(X.values, **common, ref=ref, max_bin=params.get("max_bin"))


def _categorical_types(X: TreeMatrix) -> list[str] | None:
    """The feature types when a column is categorical, else None (every column numeric).

    Neither names nor all-numeric types change a tree, but XGBoost reads both back from C and
    compares them on every boosting round and evaluation (``Booster._assign_dmatrix_features``):
    88 µs a round for 60 named columns against 16 µs without, several seconds over the quick
    suite."""
    return list(X.types) if "c" in X.types else None


def fit_predict(
    X_fit: TreeMatrix,
    y_fit: np.ndarray,
    X_val: TreeMatrix,
    y_val: np.ndarray,
    X_test: TreeMatrix,
    *,
    config: XGBoostConfig,
    task: str,
    n_classes: int,
    seed: int,
    device: str = "cpu",
    nthread: int = 0,
) -> ModelResult:
    """Train on ``X_fit``, early-stop on ``X_val``, predict ``X_test``.

    The native API is used instead of ``XGBClassifier`` because a training fold may lack a rare
    class; ``num_class`` keeps the probability columns aligned with the dataset's classes.
    """
    params = booster_params(
        config, task=task, n_classes=n_classes, seed=seed, device=device, nthread=nthread
    )
    start = time.perf_counter()
    dfit = matrix(X_fit, y_fit, params=params)
    dval = matrix(X_val, y_val, params=params, ref=dfit)
    booster = xgb.train(
        params,
        dfit,
        num_boost_round=config.n_estimators,
        evals=[(dval, "validation")],
        early_stopping_rounds=config.early_stopping_rounds,
        verbose_eval=False,
    )
    fit_s = time.perf_counter() - start
    best = booster.best_iteration if config.early_stopping_rounds else config.n_estimators - 1
    start = time.perf_counter()
    dtest = matrix(X_test, params=params, ref=dfit)
    raw = to_host(booster.predict(dtest, iteration_range=(0, best + 1)))
    predict_s = time.perf_counter() - start
    if task == "binary":
        raw = np.column_stack([1.0 - raw, raw])
    return ModelResult(np.asarray(raw, dtype=np.float64), int(best), fit_s, predict_s, params)
