"""bench.context: the run's shared context (row factories, modes) and one prepared split."""

from __future__ import annotations

import numpy as np
import pytest

from bench.config import Suite
from bench.context import RunContext, SplitView, prepare
from bench.data.embedded import load_embedded
from bench.plan import WorkItem, make_plan
from bench.schema import NO_ENCODER, Mode
from bench.splits import make_splits
from bench.suite_loader import load_suite
from tests.helpers import PCA_AND_HOLDOUT_MLP, cpu_context, write_suite


@pytest.fixture(scope="module")
def suite(tmp_path_factory: pytest.TempPathFactory) -> Suite:
    return load_suite(write_suite(tmp_path_factory.mktemp("context"), PCA_AND_HOLDOUT_MLP))


@pytest.fixture(scope="module")
def ctx(suite: Suite) -> RunContext:
    return cpu_context(suite)


@pytest.fixture(scope="module")
def item(suite: Suite) -> WorkItem:
    return make_plan(suite).items[0]


@pytest.fixture(scope="module")
def view(suite: Suite, item: WorkItem) -> SplitView:
    iris = load_embedded("iris")
    split = make_splits(iris, folds=2, repeats=1, suite_seed=suite.seed)[0]
    return prepare(item, iris, split, suite)


# -- RunContext ------------------------------------------------------------------------------

def test_mode_of_the_encoder_free_row_is_none(ctx: RunContext) -> None:
    assert ctx.mode_of(NO_ENCODER) == Mode.NONE


def test_mode_of_a_suite_variant_is_its_mode(ctx: RunContext) -> None:
    assert ctx.mode_of("mlp_holdout") == "holdout"


@pytest.mark.parametrize(("column", "value"), [("run_id", "r"), ("config_hash", "h"), ("suite", "runner")])
def test_new_row_carries_the_run_fields(ctx: RunContext, item: WorkItem, column: str, value: str) -> None:
    assert ctx.new_row(item.key("pca", "emb"))[column] == value


def test_new_row_carries_the_encoder_mode(ctx: RunContext, item: WorkItem) -> None:
    assert ctx.new_row(item.key("mlp_holdout", "emb"))["encoder_mode"] == "holdout"


def test_error_row_records_the_exception(ctx: RunContext, item: WorkItem) -> None:
    row = ctx.error_row(item.key("pca", "emb"), ValueError("bad"))
    assert row["error"] == "ValueError: bad"


# -- preparing a split -----------------------------------------------------------------------

def test_prepare_splits_the_training_fold_into_fit_and_validation(view: SplitView) -> None:
    used = sorted(np.concatenate([view.fit, view.val]).tolist())
    assert used == list(range(len(view.y_train)))


def test_prepare_keeps_test_rows_out_of_the_training_frame(view: SplitView) -> None:
    assert set(view.X_train.index).isdisjoint(view.X_test.index)


def test_the_tree_matrices_hold_the_split_rows(view: SplitView) -> None:
    assert (view.tree_train.shape[0], view.tree_test.shape[0]) == (len(view.y_train), len(view.y_test))


def test_a_view_already_on_the_device_is_itself(view: SplitView) -> None:
    assert view.on("cpu") is view


def test_fields_count_the_training_rows_once(view: SplitView) -> None:
    assert view.fields()["n_train"] == len(view.y_train)


def test_seeds_differ_by_purpose(view: SplitView) -> None:
    assert view.seed("encoder", 0) != view.seed("xgboost", 0)
