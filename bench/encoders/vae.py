"""``vae``: a variational autoencoder; the embedding is the posterior mean.

Loss per row: mean squared reconstruction error over the ``d`` preprocessed columns plus
``beta`` × KL(q(z|x) || N(0, I)) / d. With ``beta = 1`` this is the negative ELBO of a Gaussian
decoder with variance 1/2, divided by ``d`` so its scale matches the ``ae`` loss. Early stopping
watches the same loss with z = the posterior mean (no sampling), so it is deterministic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch

from bench.encoders.autoencoder import ReconstructingEncoder
from bench.encoders.base import InputSpec
from bench.encoders.nets import StackedVAE
from bench.encoders.params import VAEParams
from bench.encoders.rng import StepNoise


@dataclass(frozen=True)
class Variational:
    """VAE architecture and loss (hashable: equal specs train in one batch)."""

    inputs: InputSpec
    hidden: tuple[int, ...]
    latent: int
    d_target: int
    activation: str
    dropout: float
    beta: float

    def build(self, generators: Sequence[torch.Generator]) -> StackedVAE:
        return StackedVAE(
            inputs=self.inputs.layer(generators), hidden=self.hidden, latent=self.latent,
            d_target=self.d_target, generators=generators, activation=self.activation,
            dropout=self.dropout,
        )

    def row_losses(self, net: StackedVAE, x: torch.Tensor, target: torch.Tensor,
                   noise: StepNoise | None) -> torch.Tensor:
        recon, mean, log_var = net(x, noise)
        kl = 0.5 * (mean.pow(2) + log_var.exp() - 1.0 - log_var).sum(-1)
        return (recon - target).pow(2).mean(-1) + self.beta * kl / self.d_target


class VAEEncoder(VAEParams, ReconstructingEncoder):
    """``vae``: Gaussian posterior ``N(mean(x), diag(exp(log_var(x))))``; embeds with the mean."""

    def _objective(self) -> Variational:
        return Variational(
            inputs=self._input_spec(), hidden=tuple(self.hidden), latent=self.n_latent_,
            d_target=self.n_inputs_, activation=self.activation, dropout=float(self.dropout),
            beta=float(self.beta),
        )
