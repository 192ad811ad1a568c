"""bench.encoders.torch_pca against scikit-learn's PCA (the CPU reference), and on CUDA."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.decomposition import PCA

from bench.encoders.torch_pca import TorchPCA

DEVICES = ["cpu", pytest.param("cuda", marks=[pytest.mark.gpu, pytest.mark.skipif(
    not torch.cuda.is_available(), reason="needs CUDA")])]


def _table(n: int = 200, d: int = 12, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 4)) @ rng.normal(size=(4, d)) + 0.2 * rng.normal(size=(n, d))


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("whiten", [False, True])
def test_embedding_matches_scikit_learn(device: str, whiten: bool) -> None:
    X = _table()
    train, test = X[:150], X[150:]
    reference = PCA(5, whiten=whiten, svd_solver="full").fit(train).transform(test)
    fitted = TorchPCA.fit(torch.as_tensor(train, device=device), 5, whiten=whiten)
    ours = fitted.transform(torch.as_tensor(test, device=device)).cpu().numpy()
    np.testing.assert_allclose(ours, reference, rtol=0, atol=1e-8)


@pytest.mark.parametrize("device", DEVICES)
def test_components_and_variance_match_scikit_learn(device: str) -> None:
    X = _table(seed=1)
    reference = PCA(3, svd_solver="full").fit(X)
    fitted = TorchPCA.fit(torch.as_tensor(X, device=device), 3)
    np.testing.assert_allclose(fitted.components.cpu().numpy(), reference.components_, atol=1e-10)
    np.testing.assert_allclose(fitted.explained_variance.cpu().numpy(),
                               reference.explained_variance_, rtol=1e-10)


def test_largest_loading_of_each_component_is_positive_for_data_and_its_negation() -> None:
    """scikit-learn's svd_flip convention holds whatever the sign of the data."""
    X = torch.as_tensor(_table(seed=2))
    a = TorchPCA.fit(X, 2)
    b = TorchPCA.fit(-X, 2)
    largest = a.components.abs().argmax(dim=1)
    assert bool((a.components[torch.arange(2), largest] > 0).all())
    assert bool((b.components[torch.arange(2), b.components.abs().argmax(dim=1)] > 0).all())


def test_transform_is_float64_on_the_fit_device() -> None:
    fitted = TorchPCA.fit(torch.as_tensor(_table(), dtype=torch.float32), 2)
    assert fitted.transform(torch.zeros(3, 12)).dtype == torch.float64


def test_too_many_components_is_refused() -> None:
    with pytest.raises(ValueError, match="n_components must be between 1 and min"):
        TorchPCA.fit(torch.zeros(5, 3, dtype=torch.float64), 4)
