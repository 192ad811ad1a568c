"""bench.encoders.base: the fit/transform protocol every encoder follows (real encoders: pca for
the plain protocol, ae for the torch one)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

from bench.encoders import make_encoder
from bench.encoders.base import Encoder, InputSpec, TorchEncoder
from bench.errors import EncoderError

TINY = {"latent": 2, "hidden": [4], "epochs": 2, "batch_size": 16}


def _table(n: int = 20) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(rng.normal(size=(n, 3)), columns=["a", "b", "c"])


@pytest.mark.parametrize("name", ["pca", "ae"])
def test_encoders_follow_the_protocol(name: str) -> None:
    assert isinstance(make_encoder(name, TINY if name == "ae" else {}), Encoder)


def test_network_encoders_are_torch_encoders() -> None:
    assert isinstance(make_encoder("ae", TINY), TorchEncoder)


@pytest.mark.parametrize("name", ["pca", "ae"])
def test_transform_before_fit_is_an_error(name: str) -> None:
    with pytest.raises(RuntimeError, match=f"encoder '{name}' is not fitted; call fit"):
        make_encoder(name, TINY if name == "ae" else {}).transform(_table())


@pytest.mark.parametrize("name", ["pca", "ae"])
def test_fit_returns_the_encoder(name: str) -> None:
    encoder = make_encoder(name, TINY if name == "ae" else {})
    assert encoder.fit(_table()) is encoder


def test_torch_fit_then_transform_equals_fit_transform() -> None:
    X = _table()
    np.testing.assert_array_equal(make_encoder("ae", TINY).fit(X).transform(X),
                                  make_encoder("ae", TINY).fit_transform(X))


def test_a_numpy_array_is_refused() -> None:
    with pytest.raises(TypeError, match="X must be a pandas DataFrame, however: ndarray"):
        make_encoder("pca").fit(_table().to_numpy())


def test_one_row_is_refused() -> None:
    with pytest.raises(EncoderError, match="needs at least 2 training rows, however: 1"):
        make_encoder("pca").fit(_table(1))


def test_infinite_values_are_refused() -> None:
    X = _table()
    X.iloc[0, 0] = np.inf
    with pytest.raises(EncoderError, match="X has infinite values"):
        make_encoder("pca").fit(X)


def test_targets_must_match_the_rows() -> None:
    with pytest.raises(EncoderError, match="X has 20 rows but y has 3"):
        make_encoder("mlp", TINY).fit(_table(), np.zeros(3), task="regression")


def test_targets_must_be_finite() -> None:
    y = np.zeros(20)
    y[4] = np.nan
    with pytest.raises(EncoderError, match="y has missing or infinite values"):
        make_encoder("mlp", TINY).fit(_table(), y, task="regression")


def test_every_training_row_is_used_downstream_by_default() -> None:
    assert make_encoder("pca").fit(_table()).downstream_rows_ is None


def test_a_torch_bottleneck_wider_than_the_inputs_is_clipped() -> None:
    assert make_encoder("ae", {**TINY, "latent": 9}).fit(_table()).n_embedding_ == 3


def test_a_torch_bottleneck_wider_than_the_inputs_can_be_refused() -> None:
    with pytest.raises(EncoderError, match="latent = 9 is wider than the 3 input columns"):
        make_encoder("ae", {**TINY, "latent": 9, "clip_latent": False}).fit(_table())


def test_the_embedding_has_n_embedding_columns() -> None:
    assert make_encoder("ae", TINY).fit(_table()).transform(_table(5)).shape == (5, 2)


def test_the_embedding_is_float32() -> None:
    assert make_encoder("ae", TINY).fit(_table()).transform(_table(5)).dtype == np.float32


def test_input_spec_width_of_one_hot_inputs_reads_every_column_as_a_number() -> None:
    layer = InputSpec(n_numeric=2, cardinalities=(), dim=0, width=7).layer([torch.Generator()])
    assert layer.n_numeric == 7
