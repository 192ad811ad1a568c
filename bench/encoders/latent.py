"""How a fitted encoder is explained: ``encoder.latent_map()`` returns a :class:`LatentMap`.

``bench explain`` never names an encoder class or mode; it asks the fitted encoder for its
embedding as a differentiable function of the inputs the encoder reads, which original input each
of those columns comes from, whether the map is linear, how the encoder reconstructs its inputs
(if it does), on which torch device, and which classical encoder to compare it with (its
:class:`Reference`). An encoder that cannot be explained (no input gradient, an embedding of
predictions) says why instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import torch

from bench.preprocess import NetworkInputs

TensorFn = Callable[[torch.Tensor], torch.Tensor]


@dataclass(frozen=True)
class Reference:
    """The encoder to explain beside this one (e.g. PCA of the same width and scaling)."""

    name: str
    params: dict[str, Any] = field(default_factory=dict)
    label: str = ""  # how reports call it ("PCA"); the name when empty

    @property
    def title(self) -> str:
        return self.label or self.name


@dataclass(frozen=True)
class LatentMap:
    """A fitted encoder's embedding, ready to differentiate.

    ``prepare`` turns rows into the float matrix ``(n, d)`` that ``encode`` reads; ``encode`` maps
    it to the embedding ``(n, k)`` (torch, differentiable, rows independent). ``groups[c]`` is the
    index in ``inputs`` of the original column that prepared column ``c`` comes from (a one-hot
    block is one input). ``reconstruct`` maps prepared rows to their reconstruction in the same
    space, for encoders that reconstruct; ``linear`` says ``encode`` is affine.
    """

    prepare: Callable[[pd.DataFrame], np.ndarray]
    inputs: tuple[str, ...]
    groups: np.ndarray
    encode: TensorFn
    linear: bool
    reconstruct: TensorFn | None = None
    reference: Reference | None = None
    device: str = "cpu"  # where ``encode`` and ``reconstruct`` want their input

    @classmethod
    def affine(cls, *, prepare: Callable[[pd.DataFrame], np.ndarray], inputs: tuple[str, ...],
               groups: np.ndarray, project: Callable[[np.ndarray], np.ndarray],
               reconstruct: Callable[[np.ndarray], np.ndarray] | None = None,
               reference: Reference | None = None) -> LatentMap:
        """The map of an affine ``project`` (numpy, prepared rows → embedding), read off exactly by
        projecting the origin and the unit vectors; ``reconstruct`` likewise, when given."""
        d = len(groups)
        return cls(prepare=prepare, inputs=inputs, groups=np.asarray(groups), linear=True,
                   encode=_affine_fn(project, d),
                   reconstruct=None if reconstruct is None else _affine_fn(reconstruct, d),
                   reference=reference)


def _affine_fn(fn: Callable[[np.ndarray], np.ndarray], d: int) -> TensorFn:
    offset = np.asarray(fn(np.zeros((1, d))), dtype=np.float64)
    weight = np.asarray(fn(np.eye(d)), dtype=np.float64) - offset
    W = torch.as_tensor(weight, dtype=torch.float32)
    b = torch.as_tensor(offset, dtype=torch.float32)
    return lambda x: x @ W.to(x.device, x.dtype) + b.to(x.device, x.dtype)


def network_fn(net: torch.nn.Module, method: str) -> TensorFn:
    """A one-model stacked network's ``method`` as a function of ``(n, d)`` rows, in eval mode."""
    net.eval()
    return lambda x: getattr(net, method)(x.unsqueeze(0))[0]


def input_names(inputs: NetworkInputs) -> tuple[str, ...]:
    """The original columns behind fitted ``NetworkInputs``' groups, in group order."""
    return tuple(inputs.numeric_) + tuple(inputs.levels_)


def pca_reference(width: int, scaling: str) -> Reference:
    """PCA of the same width on the same scaling: the classical answer to compare with."""
    return Reference("pca", {"latent": width, "scaling": scaling}, label="PCA")
