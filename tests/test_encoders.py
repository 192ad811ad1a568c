"""Encoders: shapes, determinism, quality sanity checks and parameter validation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bench.config import EmbeddedSpec
from bench.data import load_dataset
from bench.encoders import REGISTRY, make_encoder
from bench.errors import EncoderError


@pytest.fixture(scope="module")
def iris():
    return load_dataset(EmbeddedSpec(source="embedded", name="iris"))


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_fit_transform_shapes_and_determinism(iris, name: str) -> None:
    params = {"latent": 2} | ({"epochs": 5} if name != "pca" else {})
    a = make_encoder(name, params, random_state=3).fit_transform(iris.X, iris.y, task=iris.task)
    b = make_encoder(name, params, random_state=3).fit_transform(iris.X, iris.y, task=iris.task)
    assert a.shape == (150, 2) and a.dtype == np.float32
    np.testing.assert_array_equal(a, b)
    if name != "pca":
        c = make_encoder(name, params, random_state=4).fit_transform(iris.X, iris.y,
                                                                      task=iris.task)
        assert not np.array_equal(a, c)


def test_pca_with_all_components_reconstructs_exactly(iris) -> None:
    enc = make_encoder("pca", {"latent": 4}).fit(iris.X)
    Z = enc.transform(iris.X).astype(np.float64)
    Xt = enc.inputs_.transform(iris.X)
    np.testing.assert_allclose(enc.pca_.inverse_transform(Z), Xt, atol=1e-5)


def test_autoencoder_beats_the_mean_predictor_on_iris(iris) -> None:
    enc = make_encoder("ae", {"latent": 2, "hidden": [16], "epochs": 200, "lr": 3e-3,
                              "batch_size": 32, "patience": 30}).fit(iris.X)
    # Inputs are standardized, so predicting the training mean has MSE 1.
    assert enc.reconstruction_error(iris.X) < 0.25


def test_transform_before_fit(iris) -> None:
    with pytest.raises(RuntimeError, match="not fitted"):
        make_encoder("ae").transform(iris.X)


@pytest.mark.parametrize(
    ("name", "params", "match"),
    [
        ("ae", {"latent": 0}, "latent must be >= 1"),
        ("ae", {"lr": -1.0}, r"lr must be in"),
        ("ae", {"activation": "swish"}, "activation must be one of"),
        ("mlp", {"crossfit_folds": 1}, "crossfit_folds must be between 2 and 20"),
        ("pca", {"whiten": "yes"}, "whiten must be true or false"),
    ],
)
def test_invalid_parameters(iris, name: str, params: dict, match: str) -> None:
    with pytest.raises(EncoderError, match=match):
        make_encoder(name, params).fit(iris.X, iris.y, task=iris.task)


def test_unknown_parameter_and_bad_input(iris) -> None:
    with pytest.raises(EncoderError, match=r"unknown parameter\(s\) \['size'\]"):
        make_encoder("ae", {"size": 3})
    with pytest.raises(EncoderError, match="at least 2 training rows"):
        make_encoder("ae").fit(iris.X.iloc[:1])
    bad = iris.X.copy()
    bad.iloc[0, 0] = np.inf
    with pytest.raises(EncoderError, match="infinite"):
        make_encoder("pca").fit(bad)
    with pytest.raises(EncoderError, match="supervised"):
        make_encoder("mlp").fit(iris.X)
    with pytest.raises(TypeError, match="DataFrame"):
        make_encoder("pca").fit(iris.X.to_numpy())


def test_mlp_regression_and_naive_mode(iris) -> None:
    X = iris.X.drop(columns=iris.X.columns[0])
    y = iris.X.iloc[:, 0].to_numpy()
    enc = make_encoder("mlp", {"latent": 3, "epochs": 5, "mode": "naive"})
    Z = enc.fit_transform(X, y, task="regression")
    np.testing.assert_allclose(Z, enc.transform(X))  # naive: the reference model embeds itself
    assert enc.crossfit_rows_ == []
    assert isinstance(X, pd.DataFrame)
