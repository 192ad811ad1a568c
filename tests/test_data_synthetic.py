"""bench.data.synthetic: ``source = "synthetic"`` suite entries (make_classification /
make_regression), strictly validated, deterministic, and recorded in the provenance."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from bench.config import SyntheticSpec
from bench.data import load_dataset
from bench.data.synthetic import load_synthetic
from bench.errors import ConfigError
from bench.suite_loader import load_suite
from tests.helpers import write_suite


def _spec(**kw) -> SyntheticSpec:
    fields = {"source": "synthetic", "name": "syn", "generator": "make_classification",
              "rows": 300, "features": 6, "informative": 3} | kw
    return SyntheticSpec.model_validate(fields)


def test_classification_has_the_asked_shape() -> None:
    assert (load_synthetic(_spec()).n_rows, load_synthetic(_spec()).n_features) == (300, 6)


def test_classification_has_the_asked_classes() -> None:
    assert load_synthetic(_spec(classes=3)).n_classes == 3


def test_two_classes_make_a_binary_task() -> None:
    assert load_synthetic(_spec()).task == "binary"


def test_regression_is_a_regression_task() -> None:
    assert load_synthetic(_spec(generator="make_regression")).task == "regression"


def test_same_entry_same_data() -> None:
    assert load_synthetic(_spec()).content_hash == load_synthetic(_spec()).content_hash


def test_another_seed_other_data() -> None:
    assert load_synthetic(_spec()).content_hash != load_synthetic(_spec(seed=1)).content_hash


def test_the_features_are_scikit_learns_rounded_to_float32() -> None:
    from sklearn.datasets import make_regression

    X, _ = make_regression(n_samples=300, n_features=6, n_informative=3, random_state=5)
    ours = load_synthetic(_spec(generator="make_regression", seed=5)).X.to_numpy()
    np.testing.assert_array_equal(ours, X.astype(np.float32))


def test_provenance_records_the_call() -> None:
    assert load_synthetic(_spec(seed=7)).provenance[0] == (
        "sklearn.datasets.make_classification(n_samples=300, n_features=6, n_informative=3, "
        "random_state=7, n_classes=2, n_redundant=0)")


def test_the_source_is_synthetic() -> None:
    assert load_synthetic(_spec()).source == "synthetic"


def test_load_dataset_reads_synthetic_entries() -> None:
    assert load_dataset(_spec()).name == "syn"


@pytest.mark.parametrize(("change", "message"), [
    ({"informative": 7}, "informative must be <= features"),
    ({"generator": "make_regression", "classes": 3}, "classes applies to make_classification"),
    ({"classes": 5, "informative": 2}, "2 \\* classes <= 2 \\*\\* informative"),
    ({"rows": 5}, "greater than or equal to 20"),
    ({"generator": "make_blobs"}, "make_classification"),
    ({"rows": "300"}, "valid integer"),
    ({"noise": 0.1}, "Extra inputs are not permitted"),
])
def test_bad_entries_are_refused(change: dict, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        _spec(**change)


def _suite(*, informative: int) -> str:
    """A suite of one 1,000 x 4 ``make_regression`` entry."""
    return f"""
        name = "syn"
        [[datasets]]
        source = "synthetic"
        name = "big"
        generator = "make_regression"
        rows = 1000
        features = 4
        informative = {informative}
        """


def test_a_suite_with_a_synthetic_entry_loads(tmp_path) -> None:
    suite = load_suite(write_suite(tmp_path, _suite(informative=2)))
    assert isinstance(suite.datasets[0], SyntheticSpec)


def test_a_suite_with_a_bad_synthetic_entry_says_where(tmp_path) -> None:
    with pytest.raises(ConfigError, match="informative"):
        load_suite(write_suite(tmp_path, _suite(informative=9)))
