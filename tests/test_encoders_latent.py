"""``bench.encoders.latent``: how a fitted encoder is explained — an affine map read off exactly
and differentiable in torch, a network's method in eval mode, the original inputs of prepared
columns, and the PCA reference."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

from bench.encoders.latent import (
    LatentMap,
    Reference,
    input_names,
    network_fn,
    pca_reference,
)
from bench.preprocess import NetworkInputs

RNG = np.random.default_rng(0)
A = RNG.normal(size=(4, 2))
B = RNG.normal(size=2)
R = RNG.normal(size=(4, 4))


def _map() -> LatentMap:
    return LatentMap.affine(prepare=lambda df: df.to_numpy(), inputs=("a", "b", "c"),
                            groups=np.array([0, 1, 2, 2]), project=lambda x: x @ A + B,
                            reconstruct=lambda x: x @ R)


def test_reference_title_is_its_name_by_default() -> None:
    assert Reference("rp").title == "rp"


def test_reference_title_is_its_label() -> None:
    assert Reference("pca", label="PCA").title == "PCA"


def test_affine_encode_equals_the_projection() -> None:
    x = RNG.normal(size=(5, 4))
    got = _map().encode(torch.as_tensor(x, dtype=torch.float32)).numpy()
    np.testing.assert_allclose(got, x @ A + B, rtol=1e-5, atol=1e-5)


def test_affine_reconstruct_equals_the_given_map() -> None:
    x = RNG.normal(size=(5, 4))
    got = _map().reconstruct(torch.as_tensor(x, dtype=torch.float32)).numpy()
    np.testing.assert_allclose(got, x @ R, rtol=1e-5, atol=1e-5)


def test_affine_encode_has_the_weights_as_gradient() -> None:
    x = torch.zeros((1, 4), requires_grad=True)
    _map().encode(x)[0, 0].backward()
    np.testing.assert_allclose(x.grad.numpy()[0], A[:, 0], rtol=1e-6)


def test_an_affine_map_is_linear() -> None:
    assert _map().linear


def test_an_affine_map_without_reconstruction_has_none() -> None:
    m = LatentMap.affine(prepare=lambda df: df.to_numpy(), inputs=("a",),
                         groups=np.array([0]), project=lambda x: 2 * x)
    assert m.reconstruct is None


def test_an_affine_map_reads_on_the_cpu_by_default() -> None:
    assert _map().device == "cpu"


class _Stacked(torch.nn.Module):
    """A one-model stacked network: input (models, rows, d)."""

    def __init__(self) -> None:
        super().__init__()
        self.drop = torch.nn.Dropout(0.9)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        assert x.dim() == 3
        return self.drop(x[..., :2] * 2)


def test_network_fn_calls_the_method_on_a_stack_of_one() -> None:
    x = torch.arange(6, dtype=torch.float32).reshape(2, 3)
    np.testing.assert_array_equal(network_fn(_Stacked(), "encode")(x).numpy(),
                                  [[0.0, 2.0], [6.0, 8.0]])


def test_network_fn_puts_the_network_in_eval_mode() -> None:
    net = _Stacked()
    network_fn(net, "encode")
    assert not net.training


def test_input_names_are_numeric_then_categorical_columns() -> None:
    X = pd.DataFrame({"colour": pd.Categorical(["r", "g", "r"]), "x": [1.0, 2.0, 3.0],
                      "y": [0.0, 1.0, 0.5]})
    assert input_names(NetworkInputs().fit(X)) == ("x", "y", "colour")


def test_pca_reference_has_the_same_width_and_scaling() -> None:
    assert pca_reference(3, "robust") == Reference("pca", {"latent": 3, "scaling": "robust"},
                                                   label="PCA")


@pytest.mark.parametrize("width", [1, 5])
def test_pca_reference_width(width: int) -> None:
    assert pca_reference(width, "standard").params["latent"] == width
