"""Metrics by task (their names and directions are result columns: see ``bench.schema``).

The metrics are scikit-learn's, computed here with the same arithmetic in the
same order, without its input checking: the runner's inputs are valid by construction, and
scikit-learn's checks cost ten times the metrics themselves (several seconds over the quick
suite). ``tests/test_metrics.py`` holds every value equal to scikit-learn's, bit for bit.
NumPy only: scikit-learn is the tests' reference, not a dependency of this module.
"""

from __future__ import annotations

import numpy as np


def classification_metrics(y_true: np.ndarray, proba: np.ndarray) -> dict[str, float]:
    """``proba`` is ``(n, C)`` over all ``C`` classes of the dataset; ``y_true`` holds class
    indices ``0 … C-1``."""
    y_true = np.asarray(y_true)
    if y_true.dtype.kind not in "iu":
        raise TypeError(f"y_true must be integer class indices, however: its dtype is {y_true.dtype}")
    # float32 softmax outputs sum to 1 only up to rounding; scikit-learn checks the sums.
    proba = np.asarray(proba, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        proba = proba / proba.sum(axis=1, keepdims=True)
    _require_finite(proba, "predicted probabilities")
    pred = proba.argmax(axis=1)
    present = np.unique(y_true)
    return {
        "accuracy": float(np.mean(y_true == pred)),
        "balanced_accuracy": _balanced_accuracy(y_true, pred, present),
        "log_loss": _log_loss(y_true, proba),
        "roc_auc": _roc_auc(y_true, proba, present),
    }


def _balanced_accuracy(y_true: np.ndarray, pred: np.ndarray, present: np.ndarray) -> float:
    """Mean recall over the classes ``present`` in ``y_true`` (scikit-learn's definition;
    computed directly because scikit-learn warns when a predicted class is absent from a test
    fold)."""
    recalls = [np.mean(pred[y_true == c] == c) for c in present]
    return float(np.mean(recalls))


def _log_loss(y_true: np.ndarray, proba: np.ndarray) -> float:
    """``sklearn.metrics.log_loss(y_true, proba, labels=range(C))``: the mean of −log of each
    row's probability of its class, clipped to [eps, 1 − eps], with NumPy's ``log`` as
    scikit-learn's (SciPy's ``xlogy`` can differ from it in the last bit)."""
    eps = np.finfo(proba.dtype).eps
    own = np.clip(proba[np.arange(len(y_true)), y_true], eps, 1 - eps)
    return float(np.mean(-np.log(own)))


def _roc_auc(y_true: np.ndarray, proba: np.ndarray, present: np.ndarray) -> float:
    """Binary AUC, or macro one-vs-rest AUC over the classes ``present`` in the test rows."""
    if len(present) < 2:
        return float("nan")
    if proba.shape[1] == 2:
        return _binary_auc(y_true == 1, proba[:, 1])
    aucs = [_binary_auc(y_true == c, proba[:, c]) for c in present]
    return float(np.mean(aucs))


def _binary_auc(positive: np.ndarray, score: np.ndarray) -> float:
    """``sklearn.metrics.roc_auc_score(positive, score)`` where both kinds of rows occur: the
    trapezoid area under the ROC curve, with scikit-learn's thresholds, its dropping of
    collinear points and its order of operations, so the float is the same."""
    order = np.argsort(score, kind="stable")[::-1]
    score, positive = score[order], positive[order]
    ends = np.concatenate([np.nonzero(np.diff(score))[0], [len(score) - 1]])
    tps = np.cumsum(positive, dtype=np.float64)[ends]
    fps = 1 + ends.astype(np.float64) - tps
    if len(fps) > 2:
        corner = np.logical_or(np.diff(fps, 2), np.diff(tps, 2))
        keep = np.nonzero(np.concatenate([[True], corner, [True]]))[0]
        fps, tps = fps[keep], tps[keep]
    fps, tps = np.concatenate([[0.0], fps]), np.concatenate([[0.0], tps])
    return float(np.trapezoid(tps / tps[-1], fps / fps[-1]))


def regression_metrics(y_true: np.ndarray, pred: np.ndarray) -> dict[str, float]:
    """scikit-learn's RMSE, MAE and R² (``force_finite``: 1 for a perfect fit, 0 for a constant
    target otherwise), on float64 columns as scikit-learn reshapes them, so the floats are
    its floats."""
    y = np.asarray(y_true, dtype=np.float64).reshape(-1, 1)
    p = np.asarray(pred, dtype=np.float64).reshape(-1, 1)
    _require_finite(y, "targets")
    _require_finite(p, "predictions")
    return {
        "rmse": float(np.sqrt(float(np.mean(np.mean((y - p) ** 2, axis=0))))),
        "mae": float(np.mean(np.mean(np.abs(p - y), axis=0))),
        "r2": _r2(y, p),
    }


def _require_finite(values: np.ndarray, what: str) -> None:
    """scikit-learn's one input check that can fail on the runner's inputs: a NaN or infinity
    (a diverged model) must make the row an error, never a number."""
    if not np.isfinite(values).all():
        raise ValueError(f"{what} must be finite, however: {int((~np.isfinite(values)).sum())} "
                         f"of {values.size} values are NaN or infinite")


def _r2(y: np.ndarray, p: np.ndarray) -> float:
    if len(y) < 2:
        return float("nan")
    numerator = float(np.sum((y - p) ** 2, axis=0)[0])
    denominator = float(np.sum((y - np.mean(y, axis=0)) ** 2, axis=0)[0])
    if numerator == 0:
        return 1.0
    return 0.0 if denominator == 0 else float(1 - numerator / denominator)
