"""Plain torch modules holding M independent networks as stacked weights.

Every parameter has a leading model axis of size M, and a forward pass maps ``(M, batch, d_in)``
to ``(M, batch, d_out)`` with one ``torch.baddbmm`` per layer, so M small networks cost about as
many kernel launches as one. A single network is simply ``M = 1``: the same code trains one model
or fifty. Initialisation draws each model's weights from its own ``torch.Generator`` (on the CPU,
so a seed gives the same network on every device); randomness during training (dropout, input
noise, the VAE's sampling) comes from a :class:`~bench.encoders.rng.StepNoise`. Training lives in
:mod:`bench.encoders.trainer`, not here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import nn

from bench.encoders.rng import DROPOUT, LATENT_A, LATENT_B, StepNoise

ACTIVATIONS = {
    "relu": torch.relu,
    "gelu": nn.functional.gelu,
    "silu": nn.functional.silu,
    "tanh": torch.tanh,
}


class StackedLinear(nn.Module):
    """M linear layers. Shape: ``(M, batch, d_in) -> (M, batch, d_out)``.

    Initialised like ``nn.Linear``: weights and biases uniform in ``±1/sqrt(d_in)``.
    """

    def __init__(self, *, d_in: int, d_out: int, generators: Sequence[torch.Generator]) -> None:
        super().__init__()
        bound = 1.0 / math.sqrt(d_in) if d_in else 0.0
        draw = [torch.rand(d_in + 1, d_out, generator=g) * (2 * bound) - bound for g in generators]
        stacked = torch.stack(draw)
        self.weight = nn.Parameter(stacked[:, :d_in].contiguous())
        self.bias = nn.Parameter(stacked[:, d_in:].contiguous())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.baddbmm(self.bias, x, self.weight)


class StackedMLP(nn.Module):
    """Linear layers ``widths[0] -> ... -> widths[-1]``, activated (and dropped out) after every
    layer but the last, or after every layer when ``last_activation``.

    Shape: ``(M, batch, widths[0]) -> (M, batch, widths[-1])``; ``states`` returns the output of
    every layer (after its activation) for embeddings built from hidden layers.
    """

    def __init__(
        self,
        *,
        widths: Sequence[int],
        generators: Sequence[torch.Generator],
        activation: str = "relu",
        dropout: float = 0.0,
        last_activation: bool = False,
        stream: int = DROPOUT,
    ) -> None:
        super().__init__()
        self.layers = nn.ModuleList(
            StackedLinear(d_in=a, d_out=b, generators=generators)
            for a, b in zip(widths[:-1], widths[1:], strict=True)
        )
        self.activation = ACTIVATIONS[activation]
        self.dropout = dropout
        self.last_activation = last_activation
        self.stream = stream

    def states(self, x: torch.Tensor, noise: StepNoise | None = None) -> list[torch.Tensor]:
        out = []
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i < len(self.layers) - 1 or self.last_activation:
                x = self.activation(x)
                if noise is not None and self.dropout > 0 and i < len(self.layers) - 1:
                    keep = noise.uniform(self.stream + i, tuple(x.shape[1:])) >= self.dropout
                    x = x * keep / (1.0 - self.dropout)
            out.append(x)
        return out

    def forward(self, x: torch.Tensor, noise: StepNoise | None = None) -> torch.Tensor:
        return self.states(x, noise)[-1] if len(self.layers) else x


class InputLayer(nn.Module):
    """Numbers pass through; categorical codes become learned embeddings (or pass as one-hot).

    Shape: ``(M, batch, n_numeric + n_categorical) -> (M, batch, d_out)`` where the last
    ``n_categorical`` input columns hold level codes (as floats) when ``cardinalities`` is given.
    """

    def __init__(
        self,
        *,
        n_numeric: int,
        cardinalities: Sequence[int],
        dim: int,
        generators: Sequence[torch.Generator],
    ) -> None:
        super().__init__()
        self.n_numeric = n_numeric
        self.dim = dim
        total = sum(cardinalities)
        offsets = torch.tensor([0, *cardinalities[:-1]], dtype=torch.int64).cumsum(0)
        self.register_buffer("offsets", offsets[: len(cardinalities)], persistent=False)
        tables = [torch.randn(total, dim, generator=g) for g in generators] if total else []
        self.table = nn.Parameter(torch.stack(tables) if tables else torch.zeros(len(generators), 0, dim))
        self.d_out = n_numeric + len(cardinalities) * dim

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.table.shape[1] == 0:
            return x
        m, b, _ = x.shape
        codes = x[..., self.n_numeric:].long() + self.offsets
        index = codes.reshape(m, -1, 1).expand(-1, -1, self.dim)
        emb = torch.gather(self.table, 1, index).reshape(m, b, -1)
        return torch.cat([x[..., : self.n_numeric], emb], dim=-1)


class StackedAutoEncoder(nn.Module):
    """MLP autoencoder with a linear bottleneck, M at a time.

    Shape: ``encode: (M, batch, d_in) -> (M, batch, latent)``; ``forward`` and ``reconstruct``
    give ``(M, batch, d_target)``; ``encode_all`` concatenates every hidden layer (encoder hidden
    layers, bottleneck, decoder hidden layers), the Porto Seguro DAE recipe's features.
    """

    def __init__(self, *, inputs: InputLayer, hidden: Sequence[int], latent: int, d_target: int,
                 generators: Sequence[torch.Generator], activation: str = "relu",
                 dropout: float = 0.0) -> None:
        super().__init__()
        self.inputs = inputs
        self.encoder = StackedMLP(widths=[inputs.d_out, *hidden, latent], generators=generators,
                                  activation=activation, dropout=dropout)
        self.decoder = StackedMLP(widths=[latent, *reversed(hidden), d_target],
                                  generators=generators, activation=activation, dropout=dropout,
                                  stream=2 * DROPOUT)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        return self.encoder(self.inputs(x))

    def encode_all(self, x: torch.Tensor) -> torch.Tensor:
        enc = self.encoder.states(self.inputs(x))
        return torch.cat(enc + self.decoder.states(enc[-1])[:-1], dim=-1)

    def forward(self, x: torch.Tensor, noise: StepNoise | None = None) -> torch.Tensor:
        return self.decoder(self.encoder(self.inputs(x), noise), noise)

    def reconstruct(self, x: torch.Tensor) -> torch.Tensor:
        return self.forward(x)


class StackedVAE(nn.Module):
    """Variational autoencoder (Gaussian posterior, standard normal prior), M at a time.

    Shape: ``encode: (M, batch, d_in) -> (M, batch, latent)`` (the posterior mean);
    ``forward -> (reconstruction (M, batch, d_target), mean, log-variance (M, batch, latent))``.
    During training (``noise`` given) the decoder sees a reparameterised sample.
    """

    def __init__(self, *, inputs: InputLayer, hidden: Sequence[int], latent: int, d_target: int,
                 generators: Sequence[torch.Generator], activation: str = "relu",
                 dropout: float = 0.0) -> None:
        super().__init__()
        self.inputs = inputs
        self.latent = latent
        self.body = StackedMLP(widths=[inputs.d_out, *hidden], generators=generators,
                               activation=activation, dropout=dropout, last_activation=True)
        width = hidden[-1] if hidden else inputs.d_out
        self.posterior = StackedLinear(d_in=width, d_out=2 * latent, generators=generators)
        self.decoder = StackedMLP(widths=[latent, *reversed(hidden), d_target],
                                  generators=generators, activation=activation, dropout=dropout,
                                  stream=2 * DROPOUT)

    def _posterior(self, x: torch.Tensor, noise: StepNoise | None) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.body(self.inputs(x), noise)
        mean, log_var = self.posterior(h).split(self.latent, dim=-1)
        return mean, log_var.clamp(-12.0, 12.0)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        return self._posterior(x, None)[0]

    def forward(self, x: torch.Tensor, noise: StepNoise | None = None):
        mean, log_var = self._posterior(x, noise)
        z = mean
        if noise is not None:
            eps = noise.normal((LATENT_A, LATENT_B), tuple(mean.shape[1:]))
            z = mean + torch.exp(0.5 * log_var) * eps
        return self.decoder(z, noise), mean, log_var

    def reconstruct(self, x: torch.Tensor) -> torch.Tensor:
        return self.forward(x)[0]


class StackedSupervisedMLP(nn.Module):
    """An MLP body whose last hidden layer is the embedding, and a linear head, M at a time.

    Shape: ``encode: (M, batch, d_in) -> (M, batch, latent)``; ``forward -> (M, batch, d_out)``.
    """

    def __init__(self, *, inputs: InputLayer, hidden: Sequence[int], latent: int, d_out: int,
                 generators: Sequence[torch.Generator], activation: str = "relu",
                 dropout: float = 0.0) -> None:
        super().__init__()
        self.inputs = inputs
        self.body = StackedMLP(widths=[inputs.d_out, *hidden, latent], generators=generators,
                               activation=activation, dropout=dropout, last_activation=True)
        self.head = StackedLinear(d_in=latent, d_out=d_out, generators=generators)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(self.inputs(x))

    def forward(self, x: torch.Tensor, noise: StepNoise | None = None) -> torch.Tensor:
        return self.head(self.body(self.inputs(x), noise))
