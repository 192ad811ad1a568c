"""No learned component ever sees a test row: asserted from the row ids each one records."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xgboost
from sklearn.model_selection import StratifiedKFold, cross_val_predict

import bench.runner as runner_module
from bench.context import RunContext, prepare
from bench.data import load_dataset
from bench.device import resolve_device
from bench.encoders import make_encoder
from bench.plan import DatasetJob, make_plan
from bench.runner import run_job
from bench.splits import make_splits
from bench.stats.leakage import leakage_audit
from bench.suite_loader import load_suite
from tests.helpers import TINY_ENCODERS, write_suite
from tests.test_report_sections_leakage import render_leakage_markdown


@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    """Run one real work item and keep every encoder the runner built (observed, not replaced)."""
    suite = load_suite(write_suite(tmp_path_factory.mktemp("leak"), f"""
        name = "leak"
        [run]
        folds = 3
        encoders = ["ae", "mlp", "pca", "dae", "vae", "rp", "mlp_holdout", "mlp_oof", "mlp_naive"]
        [xgboost]
        n_estimators = 10
        {TINY_ENCODERS}
        [encoders.dae]
        latent = 3
        hidden = [8]
        epochs = 2
        [encoders.vae]
        latent = 3
        hidden = [8]
        epochs = 2
        [encoders.mlp_holdout]
        type = "mlp"
        mode = "holdout"
        latent = 3
        hidden = [8]
        epochs = 2
        [encoders.mlp_naive]
        type = "mlp"
        mode = "naive"
        latent = 3
        hidden = [8]
        epochs = 3
        [encoders.mlp_oof]
        type = "mlp"
        mode = "oof-proba"
        crossfit_folds = 2
        hidden = [8]
        epochs = 2
        [[datasets]]
        source = "embedded"
        name = "credit_g"
        """))
    built = []

    def observed_make_encoder(*args, **kwargs):
        encoder = make_encoder(*args, **kwargs)
        built.append(encoder)
        return encoder

    dataset = load_dataset(suite.datasets[0])
    split = make_splits(dataset, folds=3, repeats=1, suite_seed=suite.seed)[1]
    item = make_plan(suite).items[1]
    ctx = RunContext(suite, "t", suite.config_hash(), resolve_device("cpu"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(runner_module, "make_encoder", observed_make_encoder)
        (result,) = run_job(DatasetJob("credit_g", 0, (item,)), ctx)
    rows = result.rows
    assert result.dataset_info["content_hash"] == dataset.content_hash
    assert all(r["status"] == "ok" for r in rows), [r["error"] for r in rows]
    assert len(rows) == len(item.row_keys()) == 1 + 9 * 2 + 1
    return dataset, split, built, prepare(item, dataset, split, suite), rows


def test_encoders_and_their_preprocessing_fit_on_training_rows_only(fitted) -> None:
    _, split, built, _, _ = fitted
    assert {e.name for e in built} == {"ae", "mlp", "pca", "dae", "vae", "rp"}
    assert len(built) == 9
    for encoder in built:
        np.testing.assert_array_equal(np.sort(encoder.fit_rows_), np.sort(split.train))
        np.testing.assert_array_equal(np.sort(encoder.inputs_.fit_rows_), np.sort(split.train))
        assert np.intersect1d(encoder.fit_rows_, split.test).size == 0


@pytest.mark.parametrize("mode", ["crossfit", "oof-proba"])
def test_crossfit_embeddings_come_from_models_that_did_not_train_on_those_rows(fitted, mode) -> None:
    _, split, built, _, _ = fitted
    mlp = next(e for e in built if e.name == "mlp" and e.mode == mode)
    assert len(mlp.crossfit_rows_) == 2
    embedded = []
    for trained_on, embeds in mlp.crossfit_rows_:
        assert np.intersect1d(trained_on, embeds).size == 0
        assert np.intersect1d(trained_on, split.test).size == 0
        embedded.append(embeds)
    np.testing.assert_array_equal(np.sort(np.concatenate(embedded)), np.sort(split.train))


def test_holdout_xgboost_and_its_raw_baseline_train_on_rows_the_mlp_never_saw(fitted) -> None:
    _, split, built, view, rows = fitted
    mlp = next(e for e in built if e.name == "mlp" and e.mode == "holdout")
    ((trained_on, embeds),) = mlp.crossfit_rows_
    assert np.intersect1d(trained_on, embeds).size == 0
    np.testing.assert_array_equal(np.sort(np.concatenate([trained_on, embeds])), np.sort(split.train))
    np.testing.assert_array_equal(split.train[mlp.downstream_rows_], embeds)
    holdout = {r["feature_set"]: r for r in rows if r["encoder"] == "mlp_holdout"}
    assert set(holdout) == {"raw", "emb", "raw+emb"}
    assert {r["encoder_mode"] for r in holdout.values()} == {"holdout"}
    full = next(r for r in rows if r["encoder"] == "none")
    assert {r["n_train"] for r in holdout.values()} == {len(embeds)}
    assert full["n_train"] == len(split.train)
    assert holdout["raw"]["n_features"] == full["n_features"]
    assert holdout["raw"]["n_embedding"] == 0


def test_tree_preprocessing_and_validation_rows_come_from_the_training_fold(fitted) -> None:
    dataset, split, _, view, _ = fitted
    assert list(view.raw_train.index) == list(split.train)
    assert list(view.raw_test.index) == list(split.test)
    assert set(view.fit) | set(view.val) == set(range(len(split.train)))
    # categorical levels of the tree inputs are those present in the training rows
    col = dataset.categorical[0]
    seen = set(dataset.X[col].iloc[split.train].dropna().unique())
    assert set(view.raw_train[col].cat.categories) == seen


# -- the leak exists, and the leak-free modes remove it ----------------------------------------

NOISE = {"latent": 16, "hidden": [128], "epochs": 150, "lr": 3e-3, "batch_size": 50,
         "weight_decay": 0.0, "val_fraction": 0.0, "patience": 150, "crossfit_folds": 4}


@pytest.fixture(scope="module")
def pure_noise():
    """Features and labels independent of each other: nothing can be learned, only memorised."""
    rng = np.random.default_rng(7)
    X = pd.DataFrame(rng.normal(size=(400, 10)), columns=[f"x{i}" for i in range(10)])
    y = rng.integers(0, 2, size=400)
    return X.iloc[:300], y[:300], X.iloc[300:], y[300:]


def _xgb() -> xgboost.XGBClassifier:
    return xgboost.XGBClassifier(n_estimators=60, max_depth=3, learning_rate=0.3, nthread=1,
                                 random_state=0)


@pytest.mark.slow
@pytest.mark.parametrize(("mode", "leaks"), [("naive", True), ("crossfit", False),
                                             ("holdout", False), ("oof-proba", False)])
def test_naive_embeddings_leak_the_training_labels_and_leak_free_ones_do_not(pure_noise, mode, leaks):
    X_train, y_train, X_test, y_test = pure_noise
    enc = make_encoder("mlp", NOISE | {"mode": mode}, random_state=0)
    emb = enc.fit_transform(X_train, y_train, task="binary")
    rows = np.arange(len(y_train)) if enc.downstream_rows_ is None else enc.downstream_rows_
    emb, y = emb[rows], y_train[rows]
    # Out of fold inside the training fold: how well do the embeddings "predict" the labels?
    oof = cross_val_predict(_xgb(), emb, y, cv=StratifiedKFold(5, shuffle=True, random_state=0))
    inside = float((oof == y).mean())
    outside = float((_xgb().fit(emb, y).predict(enc.transform(X_test)) == y_test).mean())
    if leaks:
        assert inside > 0.85, inside  # far above chance: the labels are in the features
    else:
        assert inside < 0.62, inside  # chance is 0.5
    assert outside < 0.62, outside  # the test fold never gains: there is nothing to learn


# -- the leakage audit --------------------------------------------------------------------------


def test_leakage_audit_of_a_real_run(fitted) -> None:
    *_, rows = fitted
    audit = leakage_audit(pd.DataFrame(rows))
    pairs = {(r.naive, r.leak_free, r.feature_set) for r in audit.rows}
    assert pairs == {("mlp_naive", f, fs) for f in ("mlp", "mlp_holdout", "mlp_oof")
                     for fs in ("emb", "raw+emb")}
    assert all(r.n_splits == 1 and np.isfinite(r.inflation) for r in audit.rows)
    assert "credit_g" in render_leakage_markdown(audit)


