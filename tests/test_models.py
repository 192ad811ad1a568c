"""bench.models: XGBoost's native API with early stopping, on tiny real data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bench.config import XGBoostConfig
from bench.models import booster_params, fit_predict

CONFIG = XGBoostConfig(n_estimators=20, max_depth=2, early_stopping_rounds=5)


def _data(task: str, n: int = 60) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n)})
    if task == "regression":
        return X, (2 * X["a"] + rng.normal(scale=0.1, size=n)).to_numpy()
    if task == "binary":
        return X, (X["a"] > 0).astype(int).to_numpy()
    return X, np.digitize(X["a"], [-0.5, 0.5])


def _fit(task: str, n_classes: int, y_fit: np.ndarray | None = None, **kw):
    X, y = _data(task)
    return fit_predict(X[:40], y[:40] if y_fit is None else y_fit, X[40:50], y[40:50], X[50:],
                       config=kw.pop("config", CONFIG), task=task, n_classes=n_classes, seed=3, **kw)


def test_regression_objective() -> None:
    assert booster_params(CONFIG, task="regression", n_classes=0, seed=0, device="cpu",
                          nthread=1)["objective"] == "reg:squarederror"


def test_binary_objective() -> None:
    assert booster_params(CONFIG, task="binary", n_classes=2, seed=0, device="cpu",
                          nthread=1)["objective"] == "binary:logistic"


def test_multiclass_sets_num_class() -> None:
    assert booster_params(CONFIG, task="multiclass", n_classes=5, seed=0, device="cpu",
                          nthread=1)["num_class"] == 5


def test_learning_rate_becomes_eta() -> None:
    assert booster_params(XGBoostConfig(learning_rate=0.2), task="regression", n_classes=0, seed=0,
                          device="cpu", nthread=1)["eta"] == 0.2


@pytest.mark.parametrize("key", ["n_estimators", "early_stopping_rounds", "learning_rate"])
def test_wrapper_only_options_are_not_booster_params(key: str) -> None:
    assert key not in booster_params(CONFIG, task="regression", n_classes=0, seed=0, device="cpu",
                                     nthread=1)


def test_regression_predicts_one_value_per_test_row() -> None:
    assert _fit("regression", 0).prediction.shape == (10,)


def test_binary_predicts_two_probability_columns() -> None:
    assert _fit("binary", 2).prediction.shape == (10, 2)


def test_binary_probabilities_sum_to_one() -> None:
    np.testing.assert_allclose(_fit("binary", 2).prediction.sum(axis=1), 1.0)


def test_a_class_missing_from_the_training_rows_keeps_its_column() -> None:
    """Class 2 never appears in the training rows; the columns still cover the 4 classes."""
    _, y = _data("multiclass")
    assert _fit("multiclass", 4, y_fit=np.minimum(y[:40], 1)).prediction.shape == (10, 4)


def test_early_stopping_bounds_the_best_iteration() -> None:
    assert _fit("regression", 0).best_iteration < CONFIG.n_estimators


def test_without_early_stopping_every_round_is_used() -> None:
    config = XGBoostConfig(n_estimators=7, max_depth=2, early_stopping_rounds=None)
    assert _fit("regression", 0, config=config).best_iteration == 6


def test_same_seed_gives_the_same_predictions() -> None:
    config = XGBoostConfig(n_estimators=20, max_depth=2, subsample=0.5)
    np.testing.assert_array_equal(_fit("regression", 0, config=config).prediction,
                                  _fit("regression", 0, config=config).prediction)


def test_results_do_not_depend_on_threads() -> None:
    np.testing.assert_array_equal(_fit("multiclass", 3, nthread=1).prediction,
                                  _fit("multiclass", 3, nthread=2).prediction)


def test_params_record_what_was_used() -> None:
    assert _fit("regression", 0).params["seed"] == 3


def test_categorical_columns_are_used_natively() -> None:
    X, y = _data("regression")
    X["c"] = pd.Categorical(np.where(X["a"] > 0, "hi", "lo"))
    out = fit_predict(X[:40], y[:40], X[40:50], y[40:50], X[50:], config=CONFIG, task="regression",
                      n_classes=0, seed=0)
    assert out.prediction.shape == (10,)
