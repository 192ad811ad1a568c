"""No learned component ever sees a test row: asserted from the row ids each one records."""

from __future__ import annotations

import numpy as np
import pytest

import bench.runner as runner_module
from bench.config import load_suite
from bench.data import load_dataset
from bench.device import resolve_device
from bench.encoders import make_encoder
from bench.plan import DatasetJob, make_plan
from bench.runner import RunContext, prepare, run_job
from bench.splits import make_splits
from tests.helpers import TINY_ENCODERS, write_suite


@pytest.fixture
def fitted(tmp_path, monkeypatch):
    """Run one real work item and keep every encoder the runner built (observed, not replaced)."""
    suite = load_suite(write_suite(tmp_path, f"""
        name = "leak"
        [run]
        folds = 3
        encoders = ["ae", "mlp", "pca"]
        [xgboost]
        n_estimators = 10
        {TINY_ENCODERS}
        [[datasets]]
        source = "embedded"
        name = "credit_g"
        """))
    built = []

    def observed_make_encoder(*args, **kwargs):
        encoder = make_encoder(*args, **kwargs)
        built.append(encoder)
        return encoder

    monkeypatch.setattr(runner_module, "make_encoder", observed_make_encoder)
    dataset = load_dataset(suite.datasets[0])
    split = make_splits(dataset, folds=3, repeats=1, suite_seed=suite.seed)[1]
    item = make_plan(suite).items[1]
    ctx = RunContext(suite, "t", suite.config_hash(), resolve_device("cpu"))
    (result,) = run_job(DatasetJob("credit_g", 0, (item,)), ctx)
    rows = result.rows
    assert result.dataset_info["content_hash"] == dataset.content_hash
    assert all(r["status"] == "ok" for r in rows), [r["error"] for r in rows]
    return dataset, split, built, prepare(item, dataset, split, suite)


def test_encoders_and_their_preprocessing_fit_on_training_rows_only(fitted) -> None:
    _, split, built, _ = fitted
    assert {e.name for e in built} == {"ae", "mlp", "pca"}
    for encoder in built:
        np.testing.assert_array_equal(np.sort(encoder.fit_rows_), np.sort(split.train))
        np.testing.assert_array_equal(np.sort(encoder.inputs_.fit_rows_), np.sort(split.train))
        assert np.intersect1d(encoder.fit_rows_, split.test).size == 0


def test_crossfit_embeddings_come_from_models_that_did_not_train_on_those_rows(fitted) -> None:
    _, split, built, _ = fitted
    mlp = next(e for e in built if e.name == "mlp")
    assert mlp.mode == "crossfit" and len(mlp.crossfit_rows_) == 2
    embedded = []
    for trained_on, embeds in mlp.crossfit_rows_:
        assert np.intersect1d(trained_on, embeds).size == 0
        assert np.intersect1d(trained_on, split.test).size == 0
        embedded.append(embeds)
    np.testing.assert_array_equal(np.sort(np.concatenate(embedded)), np.sort(split.train))


def test_tree_preprocessing_and_validation_rows_come_from_the_training_fold(fitted) -> None:
    dataset, split, _, view = fitted
    assert list(view.raw_train.index) == list(split.train)
    assert list(view.raw_test.index) == list(split.test)
    assert set(view.fit) | set(view.val) == set(range(len(split.train)))
    # categorical levels of the tree inputs are those present in the training rows
    col = dataset.categorical[0]
    seen = set(dataset.X[col].iloc[split.train].dropna().unique())
    assert set(view.raw_train[col].cat.categories) == seen
