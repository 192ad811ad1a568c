"""XGBoost: fit with early stopping on a validation split, predict, time both.

The matrices come as :class:`~bench.arrays.TreeMatrix` (NumPy on the CPU, CuPy on CUDA: XGBoost
reads device memory directly). With ``tree_method = "hist"`` (the default) the training rows go
into a ``QuantileDMatrix`` and the validation and test rows into ``QuantileDMatrix`` matrices with
``ref=`` the training one (its bin edges), so no float copy of the data is kept besides the
bins; ``approx`` and ``exact`` need a plain ``DMatrix``. Only the predictions come back to the
host.
"""

from __future__ import annotations

import ctypes
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
    """A filtered parameter dict for an XGBoost booster (recorded in the manifest)."""
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

    Neither names nor all-numeric types change a tree, but XGBoost's Python layer reads both
    back from C and compares them wherever a booster meets a matrix
    (``Booster._assign_dmatrix_features``: 88 µs for 60 named columns against 16 µs without).
    :func:`boost` avoids that per round; the construction and the prediction still pay it."""
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
    booster, best = boost(params, dfit, dval, rounds=config.n_estimators,
                          patience=config.early_stopping_rounds or 0)
    fit_s = time.perf_counter() - start
    start = time.perf_counter()
    dtest = matrix(X_test, params=params, ref=dfit)
    raw = to_host(booster.predict(dtest, iteration_range=(0, best + 1)))
    predict_s = time.perf_counter() - start
    if task == "binary":
        raw = np.column_stack([1.0 - raw, raw])
    return ModelResult(np.asarray(raw, dtype=np.float64), int(best), fit_s, predict_s, params)


def boost(params: dict[str, Any], train: xgb.DMatrix, validation: xgb.DMatrix, *, rounds: int,
          patience: int) -> tuple[xgb.Booster, int]:
    """The booster and its best iteration: ``xgb.train(params, train, rounds, evals=[(validation,
    "validation")], early_stopping_rounds=patience)`` (no early stopping when ``patience`` is 0;
    the best iteration is then the last), with the same trees and the same stopping round.

    Each round calls XGBoost's C functions directly: ``xgb.train`` re-reads and compares both
    matrices' feature names and types through C on every update and evaluation, runs its
    callbacks and finally copies the model through its serialised form; on the small tables of a
    benchmark grid that is 2-30 % of a fit. The metric is ``booster_params``' (rmse, logloss or
    mlogloss: lower is better), so a round improves when its score is strictly below the best
    (``EarlyStopping`` with ``min_delta = 0``), and training stops after ``patience`` rounds
    without improvement. ``tests/test_models.py`` holds it equal to ``xgb.train``.
    """
    booster = xgb.Booster(params, [train, validation])
    update = xgb.core._LIB.XGBoosterUpdateOneIter
    if not patience:
        for iteration in range(rounds):
            xgb.core._check_call(update(booster.handle, ctypes.c_int(iteration), train.handle))
        return booster, rounds - 1
    evaluate = xgb.core._LIB.XGBoosterEvalOneIter
    matrices = (ctypes.c_void_p * 1)(validation.handle)
    names = (ctypes.c_char_p * 1)(b"validation")
    message = ctypes.c_char_p()
    best_score, best, since = float("inf"), 0, 0
    for iteration in range(rounds):
        xgb.core._check_call(update(booster.handle, ctypes.c_int(iteration), train.handle))
        xgb.core._check_call(evaluate(booster.handle, ctypes.c_int(iteration), matrices, names,
                                      ctypes.c_uint64(1), ctypes.byref(message)))
        score = _last_score(message.value)
        if iteration == 0 or score < best_score:
            best_score, best, since = score, iteration, 0
        else:
            since += 1
            if since >= patience:
                break
    return booster, best


def _last_score(message: bytes | None) -> float:
    """The last metric of XGBoost's evaluation line ``[i]\tvalidation-logloss:0.69``, read as
    ``xgboost.callback`` reads it."""
    assert message is not None
    return float(message.decode().split()[-1].split(":")[1])
