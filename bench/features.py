"""The three feature sets XGBoost is trained on: ``raw``, ``emb`` and ``raw+emb``."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bench.config import FeatureSet


def embedding_frame(embedding: np.ndarray, index: pd.Index) -> pd.DataFrame:
    """Name embedding columns ``emb_0..emb_{k-1}`` (no clash with raw column names)."""
    columns = [f"emb_{i}" for i in range(embedding.shape[1])]
    return pd.DataFrame(embedding, index=index, columns=columns)


def build_features(
    raw: pd.DataFrame, embedding: np.ndarray | None, feature_set: FeatureSet
) -> pd.DataFrame:
    """Return the matrix for ``feature_set``; rows of ``raw`` and ``embedding`` must align."""
    if feature_set == "raw":
        return raw
    if embedding is None:
        raise ValueError(f"feature set {feature_set!r} needs an embedding")
    if len(embedding) != len(raw):
        raise ValueError(f"embedding has {len(embedding)} rows but raw has {len(raw)}")
    emb = embedding_frame(embedding, raw.index)
    if feature_set == "emb":
        return emb
    clash = set(raw.columns) & set(emb.columns)
    if clash:
        emb = emb.add_prefix("_")
    return pd.concat([raw, emb], axis=1)
