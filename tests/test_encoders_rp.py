"""bench.encoders.rp: a Gaussian random projection of the preprocessed inputs (a control)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.random_projection import GaussianRandomProjection

from bench.encoders.rp import RandomProjectionEncoder
from bench.preprocess import NetworkInputs


def _table(n: int = 30, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(rng.normal(size=(n, 5)), columns=list("abcde"))


def test_the_embedding_is_sklearns_gaussian_projection_of_the_preprocessed_inputs() -> None:
    X = _table()
    Xt = NetworkInputs(scaling="standard").fit_transform(X)
    expected = GaussianRandomProjection(3, random_state=4).fit_transform(Xt)
    np.testing.assert_allclose(RandomProjectionEncoder(latent=3, random_state=4).fit_transform(X),
                               expected, rtol=1e-5, atol=1e-6)


def test_the_same_seed_gives_the_same_projection() -> None:
    np.testing.assert_array_equal(RandomProjectionEncoder(latent=3, random_state=4).fit_transform(_table()),
                                  RandomProjectionEncoder(latent=3, random_state=4).fit_transform(_table()))


def test_another_seed_gives_another_projection() -> None:
    a = RandomProjectionEncoder(latent=3, random_state=4).fit_transform(_table())
    assert not np.array_equal(a, RandomProjectionEncoder(latent=3, random_state=5).fit_transform(_table()))


def test_the_map_is_linear_in_the_preprocessed_inputs() -> None:
    X = _table()
    encoder = RandomProjectionEncoder(latent=3).fit(X)
    Xt = encoder.inputs_.transform(X)
    np.testing.assert_allclose(encoder.transform(X), Xt @ encoder.projection_.components_.T,
                               rtol=1e-5, atol=1e-6)


def test_latent_wider_than_the_inputs_is_clipped() -> None:
    assert RandomProjectionEncoder(latent=9).fit(_table()).n_embedding_ == 5


def test_the_embedding_is_float32() -> None:
    assert RandomProjectionEncoder(latent=2).fit_transform(_table()).dtype == np.float32


def test_the_cpu_backend_is_scikit_learn() -> None:
    assert RandomProjectionEncoder(latent=2).fit(_table()).backend_ == "sklearn"


@pytest.mark.gpu
def test_cuda_projection_is_the_same_matrix_applied_on_the_device() -> None:
    torch = pytest.importorskip("torch")
    if not torch.cuda.is_available():
        pytest.skip("needs CUDA")
    X = _table(n=100)
    cpu = RandomProjectionEncoder(latent=3, random_state=4).fit(X[:80]).transform(X[80:])
    gpu = RandomProjectionEncoder(latent=3, random_state=4, device="cuda").fit(X[:80])
    assert gpu.backend_ == "torch"
    np.testing.assert_allclose(gpu.transform(X[80:]), cpu, rtol=1e-5, atol=1e-5)
