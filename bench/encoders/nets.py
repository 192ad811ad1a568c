"""Plain torch modules. Training lives in :mod:`bench.encoders.trainer`, not here."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

ACTIVATIONS: dict[str, type[nn.Module]] = {
    "relu": nn.ReLU,
    "gelu": nn.GELU,
    "silu": nn.SiLU,
    "tanh": nn.Tanh,
}


class MLP(nn.Module):
    """Linear layers with an activation (and dropout) after every layer but the last.

    Shape: ``(batch, d_in) -> (batch, d_out)``. ``last_activation=True`` also activates the
    output, which is how an MLP body exposes its last hidden layer as an embedding.
    """

    def __init__(
        self,
        *,
        d_in: int,
        hidden: Sequence[int],
        d_out: int,
        activation: str = "relu",
        dropout: float = 0.0,
        last_activation: bool = False,
    ) -> None:
        super().__init__()
        widths = [d_in, *hidden, d_out]
        layers: list[nn.Module] = []
        for i, (a, b) in enumerate(zip(widths[:-1], widths[1:], strict=True)):
            layers.append(nn.Linear(a, b))
            if i < len(widths) - 2 or last_activation:
                layers.append(ACTIVATIONS[activation]())
                if dropout > 0 and i < len(widths) - 2:
                    layers.append(nn.Dropout(dropout))
        self.net = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


class AutoEncoder(nn.Module):
    """Symmetric MLP autoencoder with a linear bottleneck.

    Shape: ``encode: (batch, d_in) -> (batch, latent)``; ``forward`` reconstructs
    ``(batch, d_in)``.
    """

    def __init__(
        self,
        *,
        d_in: int,
        hidden: Sequence[int],
        latent: int,
        activation: str = "relu",
        dropout: float = 0.0,
    ) -> None:
        super().__init__()
        self.encoder = MLP(
            d_in=d_in, hidden=hidden, d_out=latent, activation=activation, dropout=dropout
        )
        self.decoder = MLP(
            d_in=latent,
            hidden=list(reversed(hidden)),
            d_out=d_in,
            activation=activation,
            dropout=dropout,
        )

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        return self.encoder(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.encoder(x))


class SupervisedMLP(nn.Module):
    """An MLP body whose last hidden layer is the embedding, and a linear head.

    Shape: ``encode: (batch, d_in) -> (batch, latent)``; ``forward -> (batch, d_out)``.
    """

    def __init__(
        self,
        *,
        d_in: int,
        hidden: Sequence[int],
        latent: int,
        d_out: int,
        activation: str = "relu",
        dropout: float = 0.0,
    ) -> None:
        super().__init__()
        self.body = MLP(
            d_in=d_in,
            hidden=hidden,
            d_out=latent,
            activation=activation,
            dropout=dropout,
            last_activation=True,
        )
        self.head = nn.Linear(latent, d_out)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(x))
