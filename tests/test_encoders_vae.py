"""bench.encoders.vae: the VAE loss against torch.distributions, and embedding by the posterior mean."""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch
from torch.distributions import Normal, kl_divergence

from bench.encoders.base import InputSpec
from bench.encoders.vae import VAEEncoder, Variational

TINY = {"latent": 2, "hidden": [6], "epochs": 3, "batch_size": 16}


def _objective(beta: float) -> Variational:
    return Variational(inputs=InputSpec(n_numeric=4, cardinalities=(), dim=0, width=4), hidden=(5,),
                       latent=2, d_target=4, activation="relu", dropout=0.0, beta=beta)


def _table(n: int = 30) -> pd.DataFrame:
    return pd.DataFrame(np.random.default_rng(0).normal(size=(n, 4)), columns=list("abcd"))


def test_the_loss_is_reconstruction_plus_beta_kl_per_target_column() -> None:
    objective = _objective(beta=2.0)
    net = objective.build([torch.Generator().manual_seed(0)])
    x = torch.randn(1, 9, 4, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        recon, mean, log_var = net(x)
        kl = kl_divergence(Normal(mean, torch.exp(0.5 * log_var)), Normal(0.0, 1.0)).sum(-1)
        expected = (recon - x).pow(2).mean(-1) + 2.0 * kl / 4
        torch.testing.assert_close(objective.row_losses(net, x, x, None), expected)


def test_beta_zero_is_the_reconstruction_error() -> None:
    objective = _objective(beta=0.0)
    net = objective.build([torch.Generator().manual_seed(0)])
    x = torch.randn(1, 9, 4)
    with torch.no_grad():
        torch.testing.assert_close(objective.row_losses(net, x, x, None), (net(x)[0] - x).pow(2).mean(-1))


def test_the_embedding_is_the_posterior_mean() -> None:
    X = _table()
    encoder = VAEEncoder(**TINY).fit(X)
    with torch.no_grad():
        mean = encoder.module_(encoder._net_input(X).unsqueeze(0))[1][0].numpy()
    np.testing.assert_allclose(encoder.transform(X), mean, rtol=1e-6)


def test_transform_is_deterministic() -> None:
    X = _table()
    encoder = VAEEncoder(**TINY).fit(X)
    np.testing.assert_array_equal(encoder.transform(X), encoder.transform(X))


def test_the_latent_is_clipped_to_the_inputs() -> None:
    assert VAEEncoder(**{**TINY, "latent": 9}).fit(_table()).n_embedding_ == 4
