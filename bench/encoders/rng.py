"""Counter-based random numbers for batched training: one stream per model, vectorized.

M models trained together must each draw exactly the random numbers they would draw alone, or a
model's result would depend on what else is in the batch. A stateful generator shared by the
batch cannot give that (model i's draws would depend on M and on i's position), and one
``torch.Generator`` per model costs M kernel launches per draw. A counter-based generator can:
every number is a hash of (model seed, model step, stream, position), computed for all models in
one vectorized expression, on any device, with no state to carry.

The hash is Chris Wellons' "lowbias32" integer mixer (https://nullprogram.com/blog/2018/07/31/),
evaluated in int64 on values below 2**32 so that no product overflows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

_M32 = 0xFFFFFFFF

#: Streams: every use of randomness in a step has its own, so draws never coincide.
SWAP_MASK, SWAP_ROW, GAUSS_A, GAUSS_B, LATENT_A, LATENT_B = 1, 2, 3, 4, 5, 6
DROPOUT = 100  # + layer index


def mix32(x: torch.Tensor) -> torch.Tensor:
    """A bijective 32-bit integer hash (lowbias32) of int64 tensors holding values < 2**32."""
    x = x ^ (x >> 16)
    x = (x * 0x21F0AAAD) & _M32
    x = x ^ (x >> 15)
    x = (x * 0x735A2D97) & _M32
    return x ^ (x >> 15)


@dataclass(frozen=True)
class StepNoise:
    """The random numbers of one training step for M models.

    ``seeds`` and ``steps`` are int64 tensors of shape ``(M,)``: model i's numbers depend only on
    ``seeds[i]``, ``steps[i]``, the stream and the position in the requested shape. ``rows`` is
    the number of real rows in each model's (padded) mini-batch, for noise that picks donor rows.
    """

    seeds: torch.Tensor
    steps: torch.Tensor
    rows: torch.Tensor | None = None

    def _keys(self, stream: int) -> torch.Tensor:
        k = mix32((self.seeds & _M32) ^ mix32(self.steps & _M32))
        return mix32(k ^ mix32(torch.full_like(k, stream)))

    def bits(self, stream: int, shape: tuple[int, ...]) -> torch.Tensor:
        """Uniform 32-bit integers (as int64), shape ``(M, *shape)``."""
        keys = self._keys(stream).view(-1, *([1] * len(shape)))
        counter = torch.arange(math.prod(shape), device=keys.device, dtype=torch.int64)
        return mix32(mix32(counter.view(shape) ^ keys) ^ (keys >> 7))

    def uniform(self, stream: int, shape: tuple[int, ...]) -> torch.Tensor:
        """Uniform floats in [0, 1), float32, shape ``(M, *shape)`` (24 random bits each)."""
        return (self.bits(stream, shape) >> 8).to(torch.float32) * (1.0 / (1 << 24))

    def normal(self, streams: tuple[int, int], shape: tuple[int, ...]) -> torch.Tensor:
        """Standard normal floats (Box-Muller), float32, shape ``(M, *shape)``."""
        u1 = 1.0 - self.uniform(streams[0], shape)  # in (0, 1], so the log is finite
        u2 = self.uniform(streams[1], shape)
        return torch.sqrt(-2.0 * torch.log(u1)) * torch.cos(2.0 * math.pi * u2)
