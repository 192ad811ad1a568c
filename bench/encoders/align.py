"""Map one network's embedding into another's coordinate system.

Two networks trained on overlapping rows learn equally good hidden representations that differ by
an arbitrary permutation/rotation of units, so out-of-fold embeddings from k cross-fitted models
cannot be stacked as they are. We fit an orthogonal Procrustes map (with translation) from each
model's embedding onto the reference model's, on rows both models trained on, and apply it to the
rows the model embeds out of fold.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.linalg import orthogonal_procrustes


@dataclass(frozen=True)
class Alignment:
    """``apply(E) = (E - source_mean) @ rotation + target_mean``."""

    source_mean: np.ndarray
    target_mean: np.ndarray
    rotation: np.ndarray

    def apply(self, embedding: np.ndarray) -> np.ndarray:
        out = (embedding - self.source_mean) @ self.rotation + self.target_mean
        return out.astype(np.float32)


def fit_alignment(source: np.ndarray, target: np.ndarray) -> Alignment:
    """Orthogonal Procrustes from ``source`` rows onto ``target`` rows (same rows, same width)."""
    if source.shape != target.shape:
        raise ValueError(f"embeddings must have the same shape, however: {source.shape} vs {target.shape}")
    s_mean = source.mean(axis=0)
    t_mean = target.mean(axis=0)
    rotation, _ = orthogonal_procrustes(
        (source - s_mean).astype(np.float64), (target - t_mean).astype(np.float64)
    )
    return Alignment(s_mean, t_mean, rotation)
