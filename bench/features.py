"""The three feature sets XGBoost is trained on: ``raw``, ``emb`` and ``raw+emb``.

Written once against the device's array namespace (:mod:`bench.arrays`): on the CPU the
matrices are NumPy, on CUDA CuPy, and ``raw+emb`` is put together where the data already is.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bench.arrays import TreeMatrix, namespace, to_device
from bench.config import FeatureSet


def embedding_names(width: int, taken: tuple[str, ...] = ()) -> tuple[str, ...]:
    """``emb_0..emb_{k-1}``, prefixed with ``_`` when a raw column already has such a name."""
    names = tuple(f"emb_{i}" for i in range(width))
    return tuple("_" + n for n in names) if set(names) & set(taken) else names


def build_features(
    raw: TreeMatrix, embedding: Any | None, feature_set: FeatureSet | str
) -> TreeMatrix:
    """The matrix for ``feature_set`` on ``raw``'s device; rows of ``raw`` and ``embedding``
    (a NumPy or CuPy array) must align."""
    if feature_set == "raw":
        return raw
    if embedding is None:
        raise ValueError(f"feature set {feature_set!r} needs an embedding")
    if len(embedding) != raw.shape[0]:
        raise ValueError(f"embedding has {len(embedding)} rows but raw has {raw.shape[0]}")
    xp = namespace(raw.device)
    emb = xp.asarray(to_device(embedding, raw.device), dtype=np.float32)
    if emb.ndim != 2:
        raise ValueError(f"embedding must be a matrix (rows, columns), however: {emb.ndim} axes")
    width = int(emb.shape[1])
    if feature_set == "emb":
        return TreeMatrix(emb, embedding_names(width), ("q",) * width)
    if feature_set != "raw+emb":
        raise ValueError(f"feature set must be raw, emb or raw+emb, however: {feature_set!r}")
    values = xp.concatenate([raw.values, emb], axis=1)
    return TreeMatrix(values, raw.names + embedding_names(width, raw.names),
                      raw.types + ("q",) * width)


__all__ = ["build_features", "embedding_names"]
