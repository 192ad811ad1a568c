"""bench.data.normalize: every table becomes the same normalized Dataset; bad values give
one-line errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bench.data.normalize import normalize
from bench.errors import DataError
from tests.helpers import mixed_frame


def test_normalize_drops_constant_empty_and_datetime_columns() -> None:
    frame = mixed_frame().assign(const=1.0, empty=np.nan,
                            when=pd.date_range("2020-01-01", periods=40))
    ds = normalize(frame, target="target", name="t", source="local")
    assert {"const", "empty", "when"}.isdisjoint(ds.X.columns)
    notes = " ".join(ds.provenance)
    assert "constant columns ['const']" in notes
    assert "all-missing columns ['empty']" in notes
    assert "date/time columns ['when']" in notes


def test_normalize_task_inference_and_errors() -> None:
    frame = pd.DataFrame({"x": np.arange(30.0), "target": np.linspace(0, 1, 30)})
    assert normalize(frame, target="target", name="r", source="local").task == "regression"
    frame["target"] = [0, 1, 2] * 10  # ambiguous (issue 18): the suite must say, or "infer"
    with pytest.raises(DataError, match="the task is ambiguous"):
        normalize(frame, target="target", name="c", source="local")
    assert normalize(frame, target="target", name="c", source="local",
                     task="infer").task == "multiclass"
    frame["target"] = 1
    with pytest.raises(DataError, match="single class"):
        normalize(frame, target="target", name="c", source="local")
    with pytest.raises(DataError, match="regression target is constant"):
        normalize(frame, target="target", name="c", source="local", task="regression")


def test_normalize_missing_target_rows_and_infinities() -> None:
    frame = pd.DataFrame({"x": [1.0, np.inf, 3.0, 4.0, 5.0, 6.0],
                          "target": [0, 1, None, 1, 0, 1]})
    ds = normalize(frame, target="target", name="t", source="local")
    assert ds.n_rows == 5
    assert np.isnan(ds.X["x"].iloc[1])
    assert any("missing target" in p for p in ds.provenance)
    assert any("infinite" in p for p in ds.provenance)


def test_id_like_columns_are_dropped_and_recorded() -> None:
    rng = np.random.default_rng(1)
    n = 50
    frame = pd.DataFrame({
        "customer_id": np.arange(1000, 1000 + n),      # distinct integers named like an id
        "name": [f"person {i}" for i in range(n)],      # distinct free text
        "height": rng.normal(size=n),                   # distinct floats: a real feature
        "rank": rng.permutation(n),                     # distinct integers, not named like an id
        "city": rng.choice(["a", "b"], size=n),
        "target": rng.choice([0, 1], size=n),
    })
    ds = normalize(frame, target="target", name="t", source="local")
    assert set(ds.X.columns) == {"height", "rank", "city"}
    assert any("id-like columns ['customer_id', 'name']" in p for p in ds.provenance)
    kept = normalize(frame, target="target", name="t", source="local", categorical=["name"])
    assert "name" in kept.X.columns  # a declared categorical is never dropped as an id
    small = normalize(frame.head(10), target="target", name="t", source="local")
    assert "customer_id" in small.X.columns  # too few rows to call anything an id


def test_subsample_rows_is_stratified_deterministic_and_keeps_rare_classes() -> None:
    from bench.data.normalize import subsample_rows

    y = np.array([0] * 900 + [1] * 95 + [2] * 5)
    frame = pd.DataFrame({"x": np.arange(1000.0), "target": y})
    ds = normalize(frame, target="target", name="t", source="local", task="classification")
    keep = subsample_rows(ds, 100, seed=7)
    assert len(keep) == 100
    assert len(set(keep)) == 100
    assert (np.diff(keep) > 0).all()
    np.testing.assert_array_equal(keep, subsample_rows(ds, 100, seed=7))
    assert not np.array_equal(keep, subsample_rows(ds, 100, seed=8))
    assert np.bincount(ds.y[keep]).tolist() == [90, 9, 1]  # proportional, rare class kept
    reg = normalize(frame.assign(target=np.linspace(0, 1, 1000)), target="target", name="r",
                    source="local")
    assert len(subsample_rows(reg, 10, seed=0)) == 10


def test_rare_classes_are_kept_and_refused_by_stratified_kfold_with_a_clear_error() -> None:
    from bench.splits import make_splits

    frame = pd.DataFrame({"x": np.arange(40.0), "target": ["a"] * 38 + ["b"] * 2})
    ds = normalize(frame, target="target", name="t", source="local")
    assert ds.classes == ("a", "b")  # not merged
    with pytest.raises(DataError, match=r"classes \['b'\] have fewer than 3 rows") as info:
        make_splits(ds, folds=3, repeats=1, suite_seed=0)
    assert "\n" not in str(info.value)
    assert len(make_splits(ds, folds=2, repeats=1, suite_seed=0)) == 2


def test_values_beyond_float32_become_missing_and_are_recorded() -> None:
    from bench.data.normalize import normalize

    frame = pd.DataFrame({"x": [1e39, 1e308, -1e39] + [1.0, 2.0, 3.0] * 9,
                          "y": [0, 1, 1] * 10})
    dataset = normalize(frame, target="y", name="big", source="local")
    assert int(dataset.X["x"].isna().sum()) == 3
    assert any("3 feature values beyond the float32 range" in p for p in dataset.provenance)


def test_uint64_near_2_64_is_kept_as_categories_not_collapsed() -> None:
    from bench.data.normalize import normalize

    values = np.array([2**64 - 1, 2**64 - 2, 2**64 - 3] * 10, dtype="uint64")
    frame = pd.DataFrame({"u": values, "x": np.arange(30.0), "y": [0, 1, 1] * 10})
    dataset = normalize(frame, target="y", name="u64", source="local")
    assert dataset.X["u"].nunique() == 3
    assert "u" in dataset.categorical
