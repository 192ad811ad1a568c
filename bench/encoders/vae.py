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


class VAEEncoder(ReconstructingEncoder):
    """``vae``: Gaussian posterior ``N(mean(x), diag(exp(log_var(x))))``; embeds with the mean."""

    name = "vae"

    def __init__(
        self,
        *,
        latent: int = 8,
        hidden: list[int] | tuple[int, ...] = (64,),
        beta: float = 1.0,
        activation: str = "relu",
        dropout: float = 0.0,
        epochs: int = 50,
        batch_size: int = 256,
        lr: float = 1e-3,
        weight_decay: float = 1e-4,
        patience: int = 8,
        grad_clip: float = 1.0,
        val_fraction: float = 0.15,
        scaling: str = "standard",
        categoricals: str = "onehot",
        categorical_dim: int = 4,
        clip_latent: bool = True,
        random_state: int = 0,
        device: str = "cpu",
    ) -> None:
        self.latent = latent
        self.hidden = hidden
        self.beta = beta
        self.activation = activation
        self.dropout = dropout
        self.epochs = epochs
        self.batch_size = batch_size
        self.lr = lr
        self.weight_decay = weight_decay
        self.patience = patience
        self.grad_clip = grad_clip
        self.val_fraction = val_fraction
        self.scaling = scaling
        self.categoricals = categoricals
        self.categorical_dim = categorical_dim
        self.clip_latent = clip_latent
        self.random_state = random_state
        self.device = device

    def validate_params(self) -> None:
        self._validate_common()
        self._check_bool("clip_latent")
        self._check_float("beta", 0.0, 1000.0)

    def _objective(self) -> Variational:
        return Variational(
            inputs=self._input_spec(), hidden=tuple(self.hidden), latent=self.n_latent_,
            d_target=self.n_inputs_, activation=self.activation, dropout=float(self.dropout),
            beta=float(self.beta),
        )
