"""The metrics of one result row against scikit-learn's functions on the same inputs.

``bench.metrics`` computes scikit-learn's metrics with scikit-learn's arithmetic but without its
input checks (``tests/test_metrics.py`` holds the floats equal). Once per result row, the checks
cost seconds over a suite: on the quick suite the metrics were 3.6 s of a 64 s sampling profile
before, 0.2 s after. Both sides are timed in the same test, so the ratio holds on any machine;
run with ``nox -s perf -- benchmarks/test_metrics_speed.py -s``.
"""

from __future__ import annotations

import time

import numpy as np
from sklearn import metrics as skm

from bench.metrics import classification_metrics, regression_metrics

#: At least this many times faster than scikit-learn (measured: 43× classification, 29×
#: regression on 2 cores).
MIN_RATIO = 5.0
ROWS = 300


def _sklearn_classification(y: np.ndarray, proba: np.ndarray) -> None:
    pred = proba.argmax(axis=1)
    skm.accuracy_score(y, pred)
    skm.balanced_accuracy_score(y, pred)
    skm.log_loss(y, proba, labels=np.arange(proba.shape[1]))
    for c in np.unique(y):
        skm.roc_auc_score(y == c, proba[:, c])


def _sklearn_regression(y: np.ndarray, pred: np.ndarray) -> None:
    skm.mean_squared_error(y, pred)
    skm.mean_absolute_error(y, pred)
    skm.r2_score(y, pred)


def _seconds(call, *args: np.ndarray, repeat: int = 200) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        call(*args)
    return (time.perf_counter() - start) / repeat


def test_classification_metrics_of_a_row(benchmark) -> None:
    rng = np.random.default_rng(0)
    y, proba = rng.integers(0, 5, ROWS), rng.dirichlet(np.ones(5), ROWS)
    benchmark(classification_metrics, y, proba)
    ratio = _seconds(_sklearn_classification, y, proba) / _seconds(classification_metrics, y, proba)
    benchmark.extra_info["times_faster_than_sklearn"] = ratio
    print(f"classification metrics: {ratio:.1f}x scikit-learn's")
    assert ratio >= MIN_RATIO


def test_regression_metrics_of_a_row(benchmark) -> None:
    rng = np.random.default_rng(0)
    y = rng.normal(size=ROWS)
    pred = y + rng.normal(size=ROWS)
    benchmark(regression_metrics, y, pred)
    ratio = _seconds(_sklearn_regression, y, pred) / _seconds(regression_metrics, y, pred)
    benchmark.extra_info["times_faster_than_sklearn"] = ratio
    print(f"regression metrics: {ratio:.1f}x scikit-learn's")
    assert ratio >= MIN_RATIO
