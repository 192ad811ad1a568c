"""XGBoost: fit with early stopping on a validation split, predict, time both."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import xgboost as xgb

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


def fit_predict(
    X_fit: pd.DataFrame,
    y_fit: np.ndarray,
    X_val: pd.DataFrame,
    y_val: np.ndarray,
    X_test: pd.DataFrame,
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
    dfit = xgb.DMatrix(X_fit, label=y_fit, enable_categorical=True)
    dval = xgb.DMatrix(X_val, label=y_val, enable_categorical=True)
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
    dtest = xgb.DMatrix(X_test, enable_categorical=True)
    raw = booster.predict(dtest, iteration_range=(0, best + 1))
    predict_s = time.perf_counter() - start
    if task == "binary":
        raw = np.column_stack([1.0 - raw, raw])
    return ModelResult(np.asarray(raw, dtype=np.float64), int(best), fit_s, predict_s, params)
