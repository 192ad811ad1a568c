"""bench.encoders.pca: scikit-learn PCA on the encoders' preprocessed inputs, fit on training rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.decomposition import PCA

from bench.encoders.pca import PCAEncoder
from bench.errors import EncoderError
from bench.preprocess import NetworkInputs


def _table(n: int = 30, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.normal(size=(n, 3)) @ np.array([[3.0, 0, 0], [1, 1, 0], [0, 0, 0.1]]),
                     columns=["a", "b", "c"])
    X["k"] = pd.Categorical(rng.choice(["x", "y"], n))
    return X


def test_the_embedding_is_sklearn_pca_of_the_preprocessed_inputs() -> None:
    X = _table()
    Xt = NetworkInputs(scaling="standard").fit_transform(X)
    expected = PCA(2, svd_solver="full").fit_transform(Xt)
    np.testing.assert_allclose(PCAEncoder(latent=2).fit_transform(X), expected, rtol=1e-5, atol=1e-5)


def test_new_rows_use_the_training_rows_statistics() -> None:
    train, test = _table(), _table(seed=1)
    Xt = NetworkInputs(scaling="standard").fit(train)
    expected = PCA(2, svd_solver="full").fit(Xt.transform(train)).transform(Xt.transform(test))
    np.testing.assert_allclose(PCAEncoder(latent=2).fit(train).transform(test), expected,
                               rtol=1e-5, atol=1e-5)


def test_the_embedding_is_float32() -> None:
    assert PCAEncoder(latent=2).fit_transform(_table()).dtype == np.float32


def test_fit_records_the_training_rows() -> None:
    X = _table().iloc[5:]
    assert list(PCAEncoder(latent=2).fit(X).fit_rows_) == list(X.index)


def test_fit_returns_the_encoder() -> None:
    encoder = PCAEncoder(latent=2)
    assert encoder.fit(_table()) is encoder


def test_latent_wider_than_the_inputs_is_clipped() -> None:
    """3 numbers + a 2-level categorical (+ 1 unseen-level column) = 6 inputs."""
    assert PCAEncoder(latent=50).fit(_table()).n_embedding_ == 6


def test_latent_is_clipped_to_the_number_of_rows() -> None:
    assert PCAEncoder(latent=6).fit(_table(n=4)).n_embedding_ == 4


def test_clip_latent_false_refuses_a_latent_wider_than_the_inputs() -> None:
    with pytest.raises(EncoderError, match="latent = 50 is wider than the 6 input columns"):
        PCAEncoder(latent=50, clip_latent=False).fit(_table())


def test_whiten_gives_unit_variance_on_the_training_rows() -> None:
    emb = PCAEncoder(latent=2, whiten=True).fit_transform(_table())
    np.testing.assert_allclose(emb.var(axis=0, ddof=1), 1.0, rtol=1e-4)


def test_the_first_component_carries_the_most_variance() -> None:
    emb = PCAEncoder(latent=3).fit_transform(_table())
    assert emb[:, 0].var() > emb[:, 1].var()


def test_a_fit_is_deterministic() -> None:
    np.testing.assert_array_equal(PCAEncoder(latent=2, random_state=1).fit_transform(_table()),
                                  PCAEncoder(latent=2, random_state=2).fit_transform(_table()))


def test_the_cpu_backend_is_scikit_learn() -> None:
    assert PCAEncoder(latent=2).fit(_table()).backend_ == "sklearn"


@pytest.mark.gpu
@pytest.mark.parametrize("whiten", [False, True])
def test_cuda_pca_runs_torch_and_agrees_with_the_cpu(whiten: bool) -> None:
    torch = pytest.importorskip("torch")
    if not torch.cuda.is_available():
        pytest.skip("needs CUDA")
    X = _table(n=200)
    cpu = PCAEncoder(latent=2, whiten=whiten).fit(X[:150]).transform(X[150:])
    gpu = PCAEncoder(latent=2, whiten=whiten, device="cuda").fit(X[:150]).transform(X[150:])
    np.testing.assert_allclose(gpu, cpu, rtol=0, atol=1e-5)
