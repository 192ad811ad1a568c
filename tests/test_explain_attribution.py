"""Gradients of a latent map: IG against closed forms, importance and interactions invariant to
invertible maps of the latent (the basis of a bottleneck is arbitrary), interactions exact on a
planted product."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

from bench.encoders import make_encoder
from bench.explain.attribution import (
    group_sum,
    importance,
    integrated_gradients,
    interactions,
    whitener,
)


def test_integrated_gradients_of_a_linear_map_is_weight_times_offset() -> None:
    rng = np.random.default_rng(0)
    W = torch.as_tensor(rng.normal(size=(5, 3)), dtype=torch.float64)
    x = torch.as_tensor(rng.normal(size=(7, 5)), dtype=torch.float64)
    b = torch.as_tensor(rng.normal(size=(1, 5)), dtype=torch.float64)
    ig = integrated_gradients(lambda v: v @ W, x, b, steps=3)
    expected = W.T.unsqueeze(0) * (x - b).unsqueeze(1)  # (rows, outputs, inputs)
    torch.testing.assert_close(ig, expected, rtol=1e-12, atol=1e-12)


def test_integrated_gradients_are_complete_for_a_smooth_network() -> None:
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.Tanh(), torch.nn.Linear(16, 2))
    net = net.double()
    x, b = torch.randn(10, 4, dtype=torch.float64), torch.zeros(1, 4, dtype=torch.float64)
    ig = integrated_gradients(net, x, b, steps=256)
    with torch.no_grad():
        change = net(x) - net(b)
    torch.testing.assert_close(ig.sum(dim=2), change, rtol=0, atol=1e-4)


def test_whitener_whitens() -> None:
    z = np.random.default_rng(1).normal(size=(500, 3)) @ np.array([[2, 0, 0], [1, 1, 0], [0, 3, .5]])
    white = whitener(z)
    np.testing.assert_allclose(white @ np.cov(z, rowvar=False) @ white.T, np.eye(3), atol=1e-10)


@pytest.fixture(scope="module")
def fitted_ae():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(300, 5)) @ rng.normal(size=(5, 5)),
                     columns=[f"x{i}" for i in range(5)])
    ae = make_encoder("ae", {"latent": 3, "hidden": [16], "epochs": 5, "activation": "tanh"},
                      random_state=0).fit(X)
    lm = ae.latent_map()
    x = torch.as_tensor(lm.prepare(X), dtype=torch.float32)
    with torch.no_grad():
        z = lm.encode(x).double().numpy()
    return lm, x, z


def _remixed(lm, A: np.ndarray, c: np.ndarray):
    """The same model with its bottleneck re-mixed: z' = z A + c (A invertible)."""
    At, ct = torch.as_tensor(A, dtype=torch.float32), torch.as_tensor(c, dtype=torch.float32)
    return lambda v: lm.encode(v) @ At + ct


INVERTIBLE = np.array([[2.0, 0.5, -1.0], [0.0, 1.5, 0.3], [0.7, 0.0, 0.4]])
ROTATION = np.linalg.qr(np.random.default_rng(3).normal(size=(3, 3)))[0]


@pytest.mark.parametrize("A", [ROTATION, INVERTIBLE], ids=["rotation", "invertible"])
def test_importance_is_invariant_to_maps_of_the_bottleneck(fitted_ae, A: np.ndarray) -> None:
    lm, x, z = fitted_ae
    before = importance(lm.encode, x, whitener(z), lm.groups)
    after = importance(_remixed(lm, A, np.ones(3)), x, whitener(z @ A + 1.0), lm.groups)
    np.testing.assert_allclose(after, before, rtol=1e-3, atol=1e-5)


@pytest.mark.parametrize("A", [ROTATION, INVERTIBLE], ids=["rotation", "invertible"])
def test_interactions_are_invariant_to_maps_of_the_bottleneck(fitted_ae, A: np.ndarray) -> None:
    lm, x, z = fitted_ae
    before = interactions(lm.encode, x, whitener(z), lm.groups)
    after = interactions(_remixed(lm, A, np.zeros(3)), x, whitener(z @ A), lm.groups)
    np.testing.assert_allclose(after, before, rtol=1e-3, atol=1e-5)


def test_unwhitened_per_unit_gradients_do_change_under_a_map(fitted_ae) -> None:
    """The control: without whitening, a map of the bottleneck changes the answer."""
    lm, x, z = fitted_ae
    identity = np.eye(3)
    before = importance(lm.encode, x, identity, lm.groups)
    after = importance(_remixed(lm, INVERTIBLE, np.zeros(3)), x, identity, lm.groups)
    assert np.abs(after - before).max() > 0.01


def test_a_linear_map_has_no_interactions() -> None:
    W = torch.as_tensor(np.random.default_rng(0).normal(size=(4, 2)), dtype=torch.float32)
    x = torch.randn(20, 4)
    out = interactions(lambda v: v @ W, x, np.eye(2), np.arange(4))
    np.testing.assert_allclose(out, 0.0, atol=1e-5)


def test_a_planted_product_is_the_only_interaction() -> None:
    """z = x0·x1: ∂²z/∂x0∂x1 = 1 everywhere, every other second derivative is 0."""
    x = torch.randn(30, 4, dtype=torch.float64)
    out = interactions(lambda v: (v[:, 0] * v[:, 1]).unsqueeze(1), x, np.eye(1), np.arange(4))
    expected = np.zeros((4, 4))
    expected[0, 1] = expected[1, 0] = 1.0
    np.testing.assert_allclose(out, expected, atol=1e-9)


def test_group_sum_pools_one_hot_blocks() -> None:
    np.testing.assert_allclose(group_sum(np.array([1.0, 2.0, 3.0, 4.0]), np.array([0, 1, 1, 2])),
                               [1.0, 5.0, 4.0])
