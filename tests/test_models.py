"""bench.models: XGBoost's native API with early stopping, on tiny real data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xgboost as xgb

from bench.arrays import tree_matrix
from bench.config import XGBoostConfig
from bench.models import boost, booster_params, fit_predict, matrix

CONFIG = XGBoostConfig(n_estimators=20, max_depth=2, early_stopping_rounds=5)


def _data(task: str, n: int = 60) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n)})
    if task == "regression":
        return X, (2 * X["a"] + rng.normal(scale=0.1, size=n)).to_numpy()
    if task == "binary":
        return X, (X["a"] > 0).astype(int).to_numpy()
    return X, np.digitize(X["a"], [-0.5, 0.5])


def _fit_frame(X: pd.DataFrame, y: np.ndarray, y_fit: np.ndarray | None = None, *,
               device: str = "cpu", **kw):
    M = tree_matrix(X, device)
    return fit_predict(M.take(np.arange(40)), y[:40] if y_fit is None else y_fit,
                       M.take(np.arange(40, 50)), y[40:50], M.take(np.arange(50, len(X))),
                       config=kw.pop("config", CONFIG), device=device, **kw)


def _fit(task: str, n_classes: int, y_fit: np.ndarray | None = None, **kw):
    X, y = _data(task)
    return _fit_frame(X, y, y_fit, task=task, n_classes=n_classes, seed=3, **kw)


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
    out = _fit_frame(X, y, task="regression", n_classes=0, seed=0)
    assert out.prediction.shape == (10,)


def test_a_matrix_carries_no_feature_names() -> None:
    """Names are read back and compared on every boosting round, and change no tree."""
    X, y = _data("regression")
    assert matrix(tree_matrix(X, "cpu"), y, params={}).feature_names is None


def test_an_all_numeric_matrix_carries_no_feature_types() -> None:
    X, y = _data("regression")
    assert matrix(tree_matrix(X, "cpu"), y, params={}).feature_types is None


def test_a_matrix_with_a_categorical_column_carries_the_types() -> None:
    X, y = _data("regression")
    X["c"] = pd.Categorical(np.where(X["a"] > 0, "hi", "lo"))
    assert matrix(tree_matrix(X, "cpu"), y, params={}).feature_types == ["q", "q", "c"]


def _old_dmatrix_path(X: pd.DataFrame, y: np.ndarray, params: dict) -> np.ndarray:
    """What the runner did before QuantileDMatrix: pandas frames into plain DMatrix objects."""
    dfit = xgb.DMatrix(X[:40], label=y[:40], enable_categorical=True)
    dval = xgb.DMatrix(X[40:50], label=y[40:50], enable_categorical=True)
    booster = xgb.train(params, dfit, num_boost_round=CONFIG.n_estimators,
                        evals=[(dval, "validation")],
                        early_stopping_rounds=CONFIG.early_stopping_rounds, verbose_eval=False)
    dtest = xgb.DMatrix(X[50:], enable_categorical=True)
    return booster.predict(dtest, iteration_range=(0, booster.best_iteration + 1))


def test_quantile_matrices_predict_exactly_as_the_pandas_dmatrix_path() -> None:
    """On the CPU, QuantileDMatrix (validation and test with ref=) is bit-identical to DMatrix."""
    X, y = _data("regression", n=80)
    X["c"] = pd.Categorical(np.where(X["a"] > 0.3, "hi", np.where(X["b"] > 0, "mid", "lo")))
    X.loc[X.index[::7], "b"] = np.nan
    params = booster_params(CONFIG, task="regression", n_classes=0, seed=1, device="cpu",
                            nthread=1)
    ours = _fit_frame(X, y, task="regression", n_classes=0, seed=1, nthread=1)
    np.testing.assert_array_equal(ours.prediction, _old_dmatrix_path(X, y, params))


def test_hist_uses_a_quantile_matrix() -> None:
    X, y = _data("regression")
    assert isinstance(matrix(tree_matrix(X, "cpu"), y, params={"tree_method": "hist"}),
                      xgb.QuantileDMatrix)


def test_exact_uses_a_plain_dmatrix() -> None:
    X, y = _data("regression")
    built = matrix(tree_matrix(X, "cpu"), y, params={"tree_method": "exact"})
    assert not isinstance(built, xgb.QuantileDMatrix)


def test_exact_tree_method_still_trains() -> None:
    config = XGBoostConfig(n_estimators=5, max_depth=2, tree_method="exact")
    assert _fit("regression", 0, config=config).prediction.shape == (10,)


@pytest.mark.gpu
def test_cuda_hands_xgboost_cupy_arrays(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every matrix XGBoost builds on CUDA reads a CuPy array (device memory, no host copy)."""
    cp = pytest.importorskip("cupy")
    if not cp.cuda.is_available():
        pytest.skip("needs CUDA")
    seen: list[type] = []

    class Recording(xgb.QuantileDMatrix):
        def __init__(self, data, *args, **kwargs) -> None:
            seen.append(type(data))
            super().__init__(data, *args, **kwargs)

    monkeypatch.setattr(xgb, "QuantileDMatrix", Recording)
    X, y = _data("binary")
    _fit_frame(X, y, task="binary", n_classes=2, seed=0, device="cuda")
    assert seen == [cp.ndarray] * 3


@pytest.mark.gpu
def test_cuda_predictions_come_back_to_the_host() -> None:
    cp = pytest.importorskip("cupy")
    if not cp.cuda.is_available():
        pytest.skip("needs CUDA")
    X, y = _data("binary")
    assert isinstance(_fit_frame(X, y, task="binary", n_classes=2, seed=0,
                                 device="cuda").prediction, np.ndarray)


# -- boost: xgb.train's trees and stopping round, without its per-round Python -------------------

#: (task, classes, patience): early stopping that triggers, never triggers, and none at all.
BOOST_CASES = [("binary", 2, 3), ("multiclass", 3, 3), ("regression", 0, 3), ("binary", 2, 0),
               ("regression", 0, 0), ("multiclass", 4, 40), ("regression", 0, 1)]


def _boost_case(task: str, n_classes: int, seed: int):
    """Noisy labels, so that validation scores rise and fall; 200 rows."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(200, 6)).astype(np.float32)
    signal = X[:, 0] + 0.5 * X[:, 1] + rng.normal(scale=1.5, size=200)
    y = (signal if task == "regression"
         else np.digitize(signal, np.quantile(signal, np.linspace(0, 1, n_classes + 1)[1:-1])))
    params = booster_params(XGBoostConfig(max_depth=4), task=task, n_classes=n_classes, seed=seed,
                            device="cpu", nthread=1)
    dfit = xgb.QuantileDMatrix(X[:120], label=y[:120], nthread=1)
    dval = xgb.QuantileDMatrix(X[120:160], label=y[120:160], ref=dfit, nthread=1)
    return params, dfit, dval, xgb.QuantileDMatrix(X[160:], ref=dfit, nthread=1)


def _reference(params, dfit, dval, dtest, patience: int) -> tuple[int, np.ndarray]:
    booster = xgb.train(params, dfit, num_boost_round=60, evals=[(dval, "validation")],
                        early_stopping_rounds=patience or None, verbose_eval=False)
    best = booster.best_iteration if patience else 59
    return best, booster.predict(dtest, iteration_range=(0, best + 1))


def _ours(params, dfit, dval, dtest, patience: int) -> tuple[int, np.ndarray]:
    booster, best = boost(params, dfit, dval, rounds=60, patience=patience)
    return best, booster.predict(dtest, iteration_range=(0, best + 1))


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize(("task", "n_classes", "patience"), BOOST_CASES)
def test_boost_stops_at_xgb_trains_best_iteration(task: str, n_classes: int, patience: int,
                                                   seed: int) -> None:
    case = _boost_case(task, n_classes, seed)
    assert _ours(*case, patience)[0] == _reference(*case, patience)[0]


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize(("task", "n_classes", "patience"), BOOST_CASES)
def test_boost_predicts_exactly_as_xgb_train(task: str, n_classes: int, patience: int,
                                             seed: int) -> None:
    case = _boost_case(task, n_classes, seed)
    assert np.array_equal(_ours(*case, patience)[1], _reference(*case, patience)[1])


def test_boost_keeps_the_first_of_equal_scores() -> None:
    """With a learning rate of 0 every round scores the same: the first stays the best, and
    training stops after ``patience`` rounds, as in ``xgb.train``."""
    params, dfit, dval, dtest = _boost_case("binary", 2, 0)
    case = ({**params, "eta": 0.0}, dfit, dval, dtest)
    assert _ours(*case, 3)[0] == _reference(*case, 3)[0] == 0


def test_boost_stops_after_patience_rounds_without_improvement() -> None:
    params, dfit, dval, _ = _boost_case("binary", 2, 0)
    booster, _ = boost({**params, "eta": 0.0}, dfit, dval, rounds=60, patience=3)
    assert booster.num_boosted_rounds() == 4


def test_the_cases_include_a_stop_before_the_last_round() -> None:
    """Otherwise the comparison above would not exercise the stopping rule."""
    bests = [_reference(*_boost_case(task, k, seed), patience)[0]
             for task, k, patience in BOOST_CASES if patience for seed in range(3)]
    assert min(bests) < 30
