"""``ae`` and ``dae``: MLP autoencoders; the embedding is the bottleneck (``dae``: optionally every
hidden layer).

Both reconstruct the preprocessed table — scaled numbers and one-hot categoricals — with a mean
squared error, whatever the network reads (one-hot columns or learned categorical embeddings).
``dae`` corrupts its input first: swap noise replaces each input column of a row, with
probability ``swap_noise``, by the same column of another row of the mini-batch (a categorical's
one-hot block moves as one), the recipe of the Porto Seguro competition's winner
(https://www.kaggle.com/c/porto-seguro-safe-driver-prediction/discussion/44629); Gaussian noise
adds ``gaussian_noise`` standard deviations to the numeric inputs. The target stays clean.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from bench.encoders.base import InputSpec, TorchEncoder
from bench.encoders.many import FitPlan
from bench.encoders.nets import StackedAutoEncoder
from bench.encoders.params import AEParams, DAEParams
from bench.encoders.rng import GAUSS_A, GAUSS_B, SWAP_MASK, SWAP_ROW, StepNoise
from bench.encoders.trainer import Member, Source, Trained, apply


@dataclass(frozen=True)
class Reconstruction:
    """Autoencoder architecture and loss (hashable: equal specs train in one batch)."""

    inputs: InputSpec
    hidden: tuple[int, ...]
    latent: int
    d_target: int
    activation: str
    dropout: float
    swap_noise: float = 0.0
    gaussian_noise: float = 0.0
    groups: tuple[int, ...] = ()  # input column -> source column, for swap noise

    def build(self, generators: Sequence[torch.Generator]) -> StackedAutoEncoder:
        return StackedAutoEncoder(
            inputs=self.inputs.layer(generators), hidden=self.hidden, latent=self.latent,
            d_target=self.d_target, generators=generators, activation=self.activation,
            dropout=self.dropout,
        )

    def row_losses(self, net: StackedAutoEncoder, x: torch.Tensor, target: torch.Tensor,
                   noise: StepNoise | None) -> torch.Tensor:
        if noise is not None:
            x = self.corrupt(x, noise)
        return (net(x, noise) - target).pow(2).mean(-1)

    def corrupt(self, x: torch.Tensor, noise: StepNoise) -> torch.Tensor:
        """Swap and Gaussian noise; shape ``(M, batch, d_in)`` kept."""
        _, b, _ = x.shape
        if self.swap_noise > 0:
            groups = torch.as_tensor(self.groups, device=x.device)
            shape = (b, len(set(self.groups)))
            swap = (noise.uniform(SWAP_MASK, shape) < self.swap_noise)[..., groups]
            rows = noise.rows.view(-1, 1, 1).to(torch.float32)
            donor = (noise.uniform(SWAP_ROW, shape) * rows).long()[..., groups]
            x = torch.where(swap, torch.gather(x, 1, donor), x)
        if self.gaussian_noise > 0 and self.inputs.n_numeric:
            k = self.inputs.n_numeric
            jitter = self.gaussian_noise * noise.normal((GAUSS_A, GAUSS_B), (b, k))
            x = torch.cat([x[..., :k] + jitter, x[..., k:]], dim=-1)
        return x


class ReconstructingEncoder(TorchEncoder):
    """Unsupervised torch encoders that learn to reconstruct their (preprocessed) inputs."""

    def _objective(self):
        raise NotImplementedError

    def plan_fit(self, X: pd.DataFrame, y: np.ndarray | None, task: str | None, *,
              transform: bool) -> FitPlan:
        self.validate_params()
        self._check_rows(X, None)
        self.fit_rows_ = X.index.to_numpy()
        self._fit_inputs(X)
        self.n_latent_ = self._latent_for(self.n_inputs_)
        target = None if self.categoricals == "onehot" else self._to_tensor(self.inputs_.transform(X))
        return FitPlan(self._objective(), self._train_config(), Source(self._net_input(X), target),
                       [Member(0, np.arange(len(X)), self.random_state)])

    def finish_fit(self, plan: FitPlan, trained: list[Trained], *, transform: bool) -> np.ndarray | None:
        self._check_trained(trained)
        (model,) = trained
        self.module_, self.train_result_ = model.net, model.result
        self.n_embedding_ = self._embedding_width()
        return self._embed(self.module_, plan.source.X, self._embed_method()) if transform else None

    def _embedding_width(self) -> int:
        return self.n_latent_

    def _embed_method(self) -> str:
        """Which network method gives the embedding."""
        return "encode"

    def _latent_method(self) -> str:
        return self._embed_method()

    def _reconstruct_method(self) -> str:
        return "reconstruct"

    def transform(self, X: pd.DataFrame) -> np.ndarray:
        self._check_fitted()
        return self._embed(self.module_, self._net_input(X), self._embed_method())

    def reconstruction_error(self, X: pd.DataFrame) -> float:
        """Mean squared reconstruction error on ``X`` in the preprocessed (one-hot) space."""
        self._check_fitted()
        recon = apply(self.module_, self._net_input(X), "reconstruct")
        return float(np.mean((recon - self.inputs_.transform(X)) ** 2))

    def _reconstruction(self, **noise: float) -> Reconstruction:
        return Reconstruction(
            inputs=self._input_spec(), hidden=tuple(self.hidden), latent=self.n_latent_,
            d_target=self.n_inputs_, activation=self.activation, dropout=float(self.dropout),
            **noise,
        )


class AutoencoderEncoder(AEParams, ReconstructingEncoder):
    """``ae``: learns to reconstruct the (scaled, one-hot) inputs through a narrow bottleneck."""

    def _objective(self) -> Reconstruction:
        return self._reconstruction()


class DenoisingAutoencoderEncoder(DAEParams, ReconstructingEncoder):
    """``dae``: reconstructs clean inputs from corrupted ones (swap and/or Gaussian noise).

    ``embedding = "bottleneck"`` embeds with the bottleneck; ``"all"`` concatenates every hidden
    layer (encoder, bottleneck, decoder), as the Porto Seguro recipe does. Noise makes a bottleneck
    wider than the input meaningful, so ``clip_latent = false`` keeps ``latent`` as given here.
    """

    def _embed_method(self) -> str:
        return "encode_all" if self.embedding == "all" else "encode"

    def _latent_for(self, width: int) -> int:
        return min(self.latent, width) if self.clip_latent else self.latent

    def _objective(self) -> Reconstruction:
        if self.categoricals == "onehot":
            groups = tuple(int(g) for g in self.inputs_.column_groups())
        else:
            groups = tuple(range(self._input_spec().width))
        return self._reconstruction(swap_noise=float(self.swap_noise),
                                    gaussian_noise=float(self.gaussian_noise), groups=groups)

    def _embedding_width(self) -> int:
        if self.embedding == "all":
            return self.n_latent_ + 2 * sum(self.hidden)
        return self.n_latent_
