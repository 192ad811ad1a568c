"""Splits are deterministic, stratified, disjoint, and never include test rows in validation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bench.config import EmbeddedSpec
from bench.data import load_dataset
from bench.data.normalize import normalize
from bench.errors import DataError
from bench.splits import make_splits, validation_split


def _iris():
    return load_dataset(EmbeddedSpec(source="embedded", name="iris"))


def test_folds_partition_the_rows_and_are_stratified() -> None:
    ds = _iris()
    splits = make_splits(ds, folds=5, repeats=2, suite_seed=0)
    assert [(s.repeat, s.fold) for s in splits] == [(r, f) for r in range(2) for f in range(5)]
    for r in range(2):
        tests = np.concatenate([s.test for s in splits if s.repeat == r])
        assert sorted(tests) == list(range(ds.n_rows))
    for s in splits:
        assert np.intersect1d(s.train, s.test).size == 0
        assert np.bincount(ds.y[s.test]).tolist() == [10, 10, 10]
    assert not np.array_equal(splits[0].test, splits[5].test)  # repeats differ


def test_splits_are_deterministic_and_depend_on_the_suite_seed() -> None:
    ds = _iris()
    a = make_splits(ds, folds=3, repeats=1, suite_seed=0)
    b = make_splits(ds, folds=3, repeats=1, suite_seed=0)
    c = make_splits(ds, folds=3, repeats=1, suite_seed=1)
    assert all(np.array_equal(x.test, y.test) for x, y in zip(a, b, strict=True))
    assert not all(np.array_equal(x.test, y.test) for x, y in zip(a, c, strict=True))


def test_regression_uses_plain_kfold() -> None:
    ds = load_dataset(EmbeddedSpec(source="embedded", name="230_machine_cpu"))
    splits = make_splits(ds, folds=4, repeats=1, suite_seed=0)
    assert sum(len(s.test) for s in splits) == ds.n_rows


def test_too_few_rows_or_class_members() -> None:
    frame = pd.DataFrame({"x": np.arange(10.0), "target": [0] * 8 + [1] * 2})
    ds = normalize(frame, target="target", name="tiny", source="local")
    with pytest.raises(DataError, match=r"classes \['1'\] have fewer than 3 rows"):
        make_splits(ds, folds=3, repeats=1, suite_seed=0)
    with pytest.raises(DataError, match="10 rows cannot be split into 20 folds"):
        make_splits(ds, folds=20, repeats=1, suite_seed=0)


def test_validation_split_stays_inside_training_rows() -> None:
    ds = _iris()
    split = make_splits(ds, folds=3, repeats=1, suite_seed=0)[0]
    fit, val = validation_split(split.train, ds.y, fraction=0.2, stratify=True, seed=1)
    assert np.intersect1d(fit, val).size == 0
    assert set(fit) | set(val) == set(split.train)
    assert set(val).isdisjoint(split.test)
    assert len(np.unique(ds.y[val])) == 3
