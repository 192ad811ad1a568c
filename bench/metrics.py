"""Metrics by task (their names and directions are result columns: see ``bench.schema``)."""

from __future__ import annotations

import numpy as np
from sklearn import metrics as skm


def classification_metrics(y_true: np.ndarray, proba: np.ndarray) -> dict[str, float]:
    """``proba`` is ``(n, C)`` over all ``C`` classes of the dataset."""
    n_classes = proba.shape[1]
    # float32 softmax outputs sum to 1 only up to rounding; scikit-learn checks the sums.
    proba = np.asarray(proba, dtype=np.float64)
    proba = proba / proba.sum(axis=1, keepdims=True)
    pred = proba.argmax(axis=1)
    labels = np.arange(n_classes)
    out = {
        "accuracy": float(skm.accuracy_score(y_true, pred)),
        "balanced_accuracy": _balanced_accuracy(y_true, pred),
        "log_loss": float(skm.log_loss(y_true, proba, labels=labels)),
        "roc_auc": _roc_auc(y_true, proba),
    }
    return out


def _balanced_accuracy(y_true: np.ndarray, pred: np.ndarray) -> float:
    """Mean recall over the classes present in ``y_true`` (scikit-learn's definition; computed
    directly because scikit-learn warns when a predicted class is absent from a test fold)."""
    present = np.unique(y_true)
    recalls = [np.mean(pred[y_true == c] == c) for c in present]
    return float(np.mean(recalls))


def _roc_auc(y_true: np.ndarray, proba: np.ndarray) -> float:
    """Binary AUC, or macro one-vs-rest AUC over classes present in the test rows."""
    present = np.unique(y_true)
    if len(present) < 2:
        return float("nan")
    if proba.shape[1] == 2:
        return float(skm.roc_auc_score(y_true, proba[:, 1]))
    aucs = [skm.roc_auc_score(y_true == c, proba[:, c]) for c in present]
    return float(np.mean(aucs))


def regression_metrics(y_true: np.ndarray, pred: np.ndarray) -> dict[str, float]:
    return {
        "rmse": float(np.sqrt(skm.mean_squared_error(y_true, pred))),
        "mae": float(skm.mean_absolute_error(y_true, pred)),
        "r2": float(skm.r2_score(y_true, pred)),
    }
