"""Our metrics are scikit-learn's, bit for bit."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
from sklearn import metrics as skm

from bench.metrics import classification_metrics, regression_metrics

KINDS = ("float32", "ties", "extreme", "one_hot")


def _case(seed: int, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """Labels and class probabilities of one kind: softmax-like float32, rounded values with
    many ties, near-0/1 values and exact zeros, and one-hot rows (log loss clips them)."""
    rng = np.random.default_rng(seed)
    n_classes, n = int(rng.integers(2, 7)), int(rng.integers(2, 300))
    y = rng.integers(0, n_classes, n)
    if kind == "float32":
        return y, rng.dirichlet(np.ones(n_classes), n).astype(np.float32)
    if kind == "ties":
        return y, np.round(rng.dirichlet(np.ones(n_classes), n), 1) + 1e-3
    if kind == "extreme":
        return y, rng.dirichlet(np.full(n_classes, 0.05), n)
    proba = np.zeros((n, n_classes))
    proba[np.arange(n), rng.integers(0, n_classes, n)] = 1.0
    return y, proba


def _sklearn(y: np.ndarray, proba: np.ndarray) -> dict[str, float]:
    """The reference: scikit-learn's public functions on the normalized probabilities."""
    p64 = np.asarray(proba, dtype=np.float64)
    p64 = p64 / p64.sum(axis=1, keepdims=True)
    pred = p64.argmax(axis=1)
    present = np.unique(y)
    if len(present) < 2:
        auc = float("nan")
    elif p64.shape[1] == 2:
        auc = skm.roc_auc_score(y, p64[:, 1])
    else:
        auc = float(np.mean([skm.roc_auc_score(y == c, p64[:, c]) for c in present]))
    return {"accuracy": skm.accuracy_score(y, pred),
            "balanced_accuracy": float(np.mean([np.mean(pred[y == c] == c) for c in present])),
            "log_loss": skm.log_loss(y, p64, labels=np.arange(p64.shape[1])), "roc_auc": auc}


@cache
def _both(kind: str) -> tuple[tuple[dict[str, float], dict[str, float]], ...]:
    """Ours and the reference on 150 random cases of one kind."""
    cases = [_case(seed, kind) for seed in range(150)]
    return tuple((classification_metrics(*case), _sklearn(*case)) for case in cases)


@pytest.mark.parametrize("metric", ["accuracy", "balanced_accuracy", "log_loss", "roc_auc"])
@pytest.mark.parametrize("kind", KINDS)
def test_classification_metrics_equal_sklearn_bit_for_bit(kind: str, metric: str) -> None:
    """Any difference in any bit fails (NaN only where the reference is NaN)."""
    differ = [i for i, (ours, reference) in enumerate(_both(kind))
              if not (ours[metric] == reference[metric]
                      or (np.isnan(ours[metric]) and np.isnan(reference[metric])))]
    assert differ == []


def test_balanced_accuracy_is_sklearns_where_every_class_is_predicted() -> None:
    y = np.array([0, 0, 0, 1, 1, 2, 2, 2, 2])
    proba = np.eye(3)[[0, 1, 0, 1, 0, 2, 2, 1, 2]]
    assert classification_metrics(y, proba)["balanced_accuracy"] == \
        skm.balanced_accuracy_score(y, proba.argmax(axis=1))


def test_roc_auc_matches_sklearns_multiclass_ovr_macro() -> None:
    rng = np.random.default_rng(4)
    y = rng.integers(0, 4, 200)
    proba = rng.dirichlet(np.ones(4), 200)
    assert classification_metrics(y, proba)["roc_auc"] == pytest.approx(
        skm.roc_auc_score(y, proba, multi_class="ovr"))


def test_roc_auc_of_a_published_example() -> None:
    """scikit-learn's ``roc_auc_score`` docstring example: 0.75."""
    y = np.array([0, 0, 1, 1])
    scores = np.array([0.1, 0.4, 0.35, 0.8])
    assert classification_metrics(y, np.column_stack([1 - scores, scores]))["roc_auc"] == 0.75


def test_classification_metrics_with_a_class_missing_from_the_test_rows() -> None:
    y = np.array([0, 0, 1, 1])
    proba = np.array([[0.8, 0.1, 0.1], [0.6, 0.3, 0.1], [0.2, 0.7, 0.1], [0.3, 0.3, 0.4]])
    assert classification_metrics(y, proba)["accuracy"] == 0.75


def test_roc_auc_is_nan_with_one_class_in_the_test_rows() -> None:
    assert np.isnan(classification_metrics(np.array([1, 1]), np.array([[0.2, 0.8], [0.6, 0.4]]))
                    ["roc_auc"])


def test_log_loss_clips_a_zero_probability_of_the_true_class() -> None:
    got = classification_metrics(np.array([0, 1]), np.array([[0.0, 1.0], [0.0, 1.0]]))
    assert got["log_loss"] == pytest.approx(-np.log(np.finfo(np.float64).eps) / 2)


def test_classification_labels_must_be_class_indices() -> None:
    with pytest.raises(TypeError, match="y_true must be integer class indices"):
        classification_metrics(np.array([0.0, 1.0]), np.array([[0.5, 0.5], [0.2, 0.8]]))


REGRESSION_KINDS = ("noisy", "perfect", "constant_target", "rounded")


def _regression_case(seed: int, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """Targets on scales 1e-3 … 1e3 and predictions: noisy, exact, for a constant target
    (R² is then 1 or 0, scikit-learn's ``force_finite``), and rounded (many ties)."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 300))
    y = rng.normal(size=n) * 10.0 ** rng.integers(-3, 4)
    if kind == "noisy":
        return y, y + rng.normal(size=n)
    if kind == "perfect":
        return y, y.copy()
    if kind == "constant_target":
        return np.full(n, 3.3), 3.3 + rng.normal(size=n) * (seed % 2)
    return y, np.round(y, 1)


@cache
def _regression_both(kind: str) -> tuple[tuple[dict[str, float], dict[str, float]], ...]:
    out = []
    for seed in range(150):
        y, p = _regression_case(seed, kind)
        reference = {"rmse": float(np.sqrt(skm.mean_squared_error(y, p))),
                     "mae": skm.mean_absolute_error(y, p), "r2": skm.r2_score(y, p)}
        out.append((regression_metrics(y, p), reference))
    return tuple(out)


@pytest.mark.parametrize("metric", ["rmse", "mae", "r2"])
@pytest.mark.parametrize("kind", REGRESSION_KINDS)
def test_regression_metrics_equal_sklearn_bit_for_bit(kind: str, metric: str) -> None:
    differ = [i for i, (ours, reference) in enumerate(_regression_both(kind))
              if ours[metric] != reference[metric]]
    assert differ == []


def test_r2_is_nan_for_a_single_row() -> None:
    assert np.isnan(regression_metrics(np.array([1.0]), np.array([2.0]))["r2"])


def test_non_finite_probabilities_are_an_error_not_a_number() -> None:
    with pytest.raises(ValueError, match="predicted probabilities must be finite"):
        classification_metrics(np.array([0, 1]), np.array([[np.nan, 0.5], [0.2, 0.8]]))


def test_non_finite_predictions_are_an_error_not_a_number() -> None:
    with pytest.raises(ValueError, match="predictions must be finite"):
        regression_metrics(np.array([1.0, 2.0]), np.array([np.inf, 2.0]))


def test_a_row_of_zero_probabilities_is_an_error_not_a_number() -> None:
    with pytest.raises(ValueError, match="predicted probabilities must be finite"):
        classification_metrics(np.array([0, 1]), np.array([[0.0, 0.0], [0.2, 0.8]]))
