"""``ae``: an MLP autoencoder; the embedding is its bottleneck."""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch
from torch import nn

from bench.encoders.base import TorchEncoder
from bench.encoders.nets import AutoEncoder
from bench.encoders.trainer import encode, seeded, train_module


def _reconstruction_loss(module: nn.Module, xb: torch.Tensor, _: torch.Tensor | None):
    return nn.functional.mse_loss(module(xb), xb)


class AutoencoderEncoder(TorchEncoder):
    """Unsupervised: learns to reconstruct the (standardized, one-hot) inputs."""

    name = "ae"

    def __init__(
        self,
        *,
        latent: int = 8,
        hidden: list[int] | tuple[int, ...] = (64,),
        activation: str = "relu",
        dropout: float = 0.0,
        epochs: int = 50,
        batch_size: int = 256,
        lr: float = 1e-3,
        weight_decay: float = 1e-4,
        patience: int = 8,
        grad_clip: float = 1.0,
        random_state: int = 0,
        device: str = "cpu",
    ) -> None:
        self.latent = latent
        self.hidden = hidden
        self.activation = activation
        self.dropout = dropout
        self.epochs = epochs
        self.batch_size = batch_size
        self.lr = lr
        self.weight_decay = weight_decay
        self.patience = patience
        self.grad_clip = grad_clip
        self.random_state = random_state
        self.device = device

    def validate_params(self) -> None:
        self._validate_common()

    def fit(self, X: pd.DataFrame, y: np.ndarray | None = None, *, task: str | None = None):
        self.validate_params()
        self._check_rows(X, None)
        self.fit_rows_ = X.index.to_numpy()
        with seeded(self.random_state, self.device):
            Xt = self._fit_inputs(X)
            self.n_embedding_ = self._latent_for(Xt.shape[1])
            self.module_ = AutoEncoder(
                d_in=Xt.shape[1],
                hidden=list(self.hidden),
                latent=self.n_embedding_,
                activation=self.activation,
                dropout=self.dropout,
            ).to(self.device)
            self.train_result_ = train_module(
                self.module_,
                _reconstruction_loss,
                Xt,
                None,
                self._train_config(),
                seed=self.random_state,
            )
        return self

    def transform(self, X: pd.DataFrame) -> np.ndarray:
        self._check_fitted()
        return encode(self.module_, self._to_tensor(self.inputs_.transform(X)))

    def reconstruction_error(self, X: pd.DataFrame) -> float:
        """Mean squared reconstruction error on ``X`` in the network's input space."""
        self._check_fitted()
        Xt = self._to_tensor(self.inputs_.transform(X))
        with torch.no_grad():
            return float(nn.functional.mse_loss(self.module_(Xt), Xt).item())
