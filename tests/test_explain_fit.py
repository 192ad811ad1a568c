"""``bench.explain.fit``: every (split, seed) of the design is fit as a benchmark run would —
same splits, training rows only, a bounded sample of test rows, the reference once per split."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from bench.config import EmbeddedSpec
from bench.data import load_dataset
from bench.explain.fit import Design, fit_all
from bench.splits import make_splits

DESIGN = Design(folds=2, seeds=2, max_rows=20)


@pytest.fixture(scope="module")
def iris():
    return load_dataset(EmbeddedSpec(source="embedded", name="iris"))


@pytest.fixture(scope="module")
def rp(iris):
    return fit_all(iris, "rp", {"latent": 2}, DESIGN)


@pytest.fixture(scope="module")
def splits(iris):
    return make_splits(iris, folds=2, repeats=1, suite_seed=0)


def test_design_needs_a_seed() -> None:
    with pytest.raises(ValueError, match="seeds must be >= 1, however: 0"):
        Design(seeds=0)


def test_design_needs_a_row() -> None:
    with pytest.raises(ValueError, match="max_rows must be >= 1, however: 0"):
        Design(max_rows=0)


def test_one_fit_per_split_and_seed(rp) -> None:
    assert [(f.split, f.seed) for f in rp] == [(0, 0), (0, 1), (1, 0), (1, 1)]


def test_each_fit_reads_its_training_rows(rp, iris, splits) -> None:
    for f in rp:
        assert f.train.equals(iris.X.iloc[splits[f.split].train])


def test_explained_rows_are_at_most_max_rows(rp) -> None:
    assert {len(f.test) for f in rp} == {20}


def test_explained_rows_are_test_rows_in_order(rp, iris, splits) -> None:
    for f in rp:
        positions = iris.X.index.get_indexer(f.test.index)
        assert np.all(np.diff(positions) > 0)
        assert set(positions) <= set(splits[f.split].test)


def test_labels_are_those_of_the_explained_rows(rp, iris) -> None:
    for f in rp:
        np.testing.assert_array_equal(f.y_test, iris.y[iris.X.index.get_indexer(f.test.index)])


def test_the_reference_is_fit_once_per_split(rp) -> None:
    assert rp[0].reference is rp[1].reference


def test_each_split_has_its_own_reference(rp) -> None:
    assert rp[0].reference is not rp[2].reference


def test_seeds_give_different_encoders(rp) -> None:
    x = rp[0].latent.prepare(rp[0].test)
    z0, z1 = (f.latent.encode(torch.as_tensor(x, dtype=torch.float32)).numpy() for f in rp[:2])
    assert not np.allclose(z0, z1)


def test_the_reference_of_pca_is_none(iris) -> None:
    fits = fit_all(iris, "pca", {"latent": 2}, Design(folds=2, seeds=1, max_rows=5))
    assert [f.reference for f in fits] == [None, None]


def test_the_same_design_gives_the_same_rows(rp, iris) -> None:
    again = fit_all(iris, "rp", {"latent": 2}, DESIGN)
    assert [list(f.test.index) for f in again] == [list(f.test.index) for f in rp]
