"""Our metrics agree with scikit-learn's reference implementations."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm

from bench.metrics import classification_metrics, regression_metrics


@pytest.mark.parametrize("n_classes", [2, 4])
def test_classification_metrics_match_sklearn(n_classes: int) -> None:
    rng = np.random.default_rng(n_classes)
    y = rng.integers(0, n_classes, 200)
    proba = rng.dirichlet(np.ones(n_classes), 200).astype(np.float32)
    got = classification_metrics(y, proba)
    p64 = proba.astype(np.float64) / proba.astype(np.float64).sum(1, keepdims=True)
    assert got["accuracy"] == pytest.approx(skm.accuracy_score(y, p64.argmax(1)))
    assert got["balanced_accuracy"] == pytest.approx(skm.balanced_accuracy_score(y, p64.argmax(1)))
    assert got["log_loss"] == pytest.approx(skm.log_loss(y, p64))
    if n_classes == 2:
        assert got["roc_auc"] == pytest.approx(skm.roc_auc_score(y, p64[:, 1]))
    else:
        assert got["roc_auc"] == pytest.approx(skm.roc_auc_score(y, p64, multi_class="ovr"))


def test_classification_metrics_with_a_class_missing_from_the_test_rows() -> None:
    y = np.array([0, 0, 1, 1])
    proba = np.array([[0.8, 0.1, 0.1], [0.6, 0.3, 0.1], [0.2, 0.7, 0.1], [0.3, 0.3, 0.4]])
    got = classification_metrics(y, proba)
    assert got["accuracy"] == 0.75
    assert got["balanced_accuracy"] == 0.75
    assert np.isfinite(got["log_loss"])
    assert 0 <= got["roc_auc"] <= 1


def test_regression_metrics_match_sklearn() -> None:
    rng = np.random.default_rng(0)
    y, p = rng.normal(size=50), rng.normal(size=50)
    got = regression_metrics(y, p)
    assert got["rmse"] == pytest.approx(np.sqrt(skm.mean_squared_error(y, p)))
    assert got["mae"] == pytest.approx(skm.mean_absolute_error(y, p))
    assert got["r2"] == pytest.approx(skm.r2_score(y, p))
