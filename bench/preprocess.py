"""Preprocessing fit on the training rows only.

Two views of the same table:

* :class:`TreeInputs` for XGBoost: numbers stay as they are (missing values stay NaN, XGBoost
  learns where they go), categoricals keep their pandas ``category`` dtype with the levels seen in
  training; a level first seen at test time becomes missing.
* :class:`NetworkInputs` for the encoders: numbers imputed with the training median, then
  standardized (``scaling="standard"``) or mapped through the training quantiles onto a normal
  distribution (``scaling="quantile"``); categoricals one-hot encoded on training levels (the
  most frequent ``max_levels``, the rest share an "other" column). Networks that learn
  categorical embeddings read level codes instead (:meth:`NetworkInputs.codes`).

Both follow the scikit-learn protocol and record the row ids they were fit on (``fit_rows_``), so
tests can prove that no test row ever reaches ``fit``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.preprocessing import QuantileTransformer

SCALINGS = ("standard", "quantile")


def _check_fitted(obj: object, attr: str) -> None:
    if not hasattr(obj, attr):
        raise RuntimeError(f"{type(obj).__name__} is not fitted; call fit() first")


class TreeInputs:
    """Fix categorical levels from the training rows; keep numeric values untouched."""

    def fit(self, X: pd.DataFrame, y: object = None) -> TreeInputs:
        self.fit_rows_ = X.index.to_numpy()
        self.columns_ = list(X.columns)
        self.levels_ = {
            c: pd.CategoricalDtype(X[c].dropna().unique().tolist())
            for c in X.columns
            if isinstance(X[c].dtype, pd.CategoricalDtype)
        }
        # Sort levels for a canonical code order (so results do not depend on row order).
        self.levels_ = {
            c: pd.CategoricalDtype(sorted(d.categories, key=_sort_key))
            for c, d in self.levels_.items()
        }
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        _check_fitted(self, "levels_")
        out = X[self.columns_].copy()
        for c, dtype in self.levels_.items():
            codes = _codes(out[c], dtype.categories)
            out[c] = pd.Categorical.from_codes(codes, dtype=dtype)
        return out

    def fit_transform(self, X: pd.DataFrame, y: object = None) -> pd.DataFrame:
        return self.fit(X).transform(X)


@dataclass(frozen=True)
class _Stats:
    median: np.ndarray
    mean: np.ndarray
    scale: np.ndarray


class NetworkInputs:
    """Impute, scale and one-hot encode, with statistics from the training rows only."""

    def __init__(self, *, max_levels: int = 32, scaling: str = "standard") -> None:
        self.max_levels = max_levels
        self.scaling = scaling

    def fit(self, X: pd.DataFrame, y: object = None) -> NetworkInputs:
        if self.max_levels < 1:
            raise ValueError(f"max_levels must be >= 1, however: {self.max_levels}")
        if self.scaling not in SCALINGS:
            raise ValueError(f"scaling must be one of {SCALINGS}, however: {self.scaling!r}")
        self.fit_rows_ = X.index.to_numpy()
        cat = [c for c in X.columns if isinstance(X[c].dtype, pd.CategoricalDtype)]
        self.numeric_ = [c for c in X.columns if c not in cat]
        self.levels_ = {c: _top_levels(X[c], self.max_levels) for c in cat}
        num = X[self.numeric_].to_numpy(dtype="float64")
        with np.errstate(all="ignore"):
            median = np.nanmedian(num, axis=0) if num.shape[1] else np.zeros(0)
        median = np.where(np.isnan(median), 0.0, median)
        filled = np.where(np.isnan(num), median, num)
        scale = filled.std(axis=0) if num.shape[1] else np.zeros(0)
        self.stats_ = _Stats(
            median=median,
            mean=filled.mean(axis=0) if num.shape[1] else np.zeros(0),
            scale=np.where(scale > 1e-12, scale, 1.0),
        )
        self.quantiles_ = None
        if self.scaling == "quantile" and num.shape[1]:
            # As in rtdl/TabM: a normal output distribution; quantiles of the training rows only.
            self.quantiles_ = QuantileTransformer(
                n_quantiles=max(2, min(1000, len(filled))), output_distribution="normal",
                subsample=1_000_000_000, random_state=0,
            ).fit(filled)
        self.n_numeric_ = len(self.numeric_)
        self.cardinalities_ = tuple(len(v) + 1 for v in self.levels_.values())
        self.n_output_ = self.n_numeric_ + sum(self.cardinalities_)
        return self

    def transform(self, X: pd.DataFrame) -> np.ndarray:
        """Return a float32 matrix ``(n_rows, n_output_)``: scaled numbers, then one-hot blocks."""
        parts = [self.numeric(X)] + [_one_hot(X[c], lv) for c, lv in self.levels_.items()]
        return np.concatenate(parts, axis=1)

    def numeric(self, X: pd.DataFrame) -> np.ndarray:
        """The imputed and scaled numeric columns, float32 ``(n_rows, n_numeric_)``."""
        _check_fitted(self, "stats_")
        num = X[self.numeric_].to_numpy(dtype="float64")
        num = np.where(np.isnan(num), self.stats_.median, num)
        if self.quantiles_ is not None:
            return self.quantiles_.transform(num).astype("float32")
        return ((num - self.stats_.mean) / self.stats_.scale).astype("float32")

    def codes(self, X: pd.DataFrame) -> np.ndarray:
        """Level index of every categorical column, int64 ``(n_rows, n_categorical)``.

        ``len(levels)`` stands for a rare, unseen or missing value (the one-hot "other" column).
        """
        _check_fitted(self, "stats_")
        out = np.zeros((len(X), len(self.levels_)), dtype="int64")
        for j, (c, levels) in enumerate(self.levels_.items()):
            codes = _codes(X[c], levels)
            out[:, j] = np.where(codes >= 0, codes, len(levels))
        return out

    def column_groups(self) -> np.ndarray:
        """For every output column, the index of the input column it came from."""
        _check_fitted(self, "stats_")
        sizes = [1] * self.n_numeric_ + list(self.cardinalities_)
        return np.repeat(np.arange(len(sizes)), sizes)

    def fit_transform(self, X: pd.DataFrame, y: object = None) -> np.ndarray:
        return self.fit(X).transform(X)


def _top_levels(s: pd.Series, max_levels: int) -> list[object]:
    counts = s.value_counts(dropna=True)
    counts = counts[counts > 0]
    # Ties broken by the level itself, so the choice does not depend on row order.
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], _sort_key(kv[0])))
    return [level for level, _ in ordered[:max_levels]]


def _one_hot(s: pd.Series, levels: list[object]) -> np.ndarray:
    """One column per level plus one "other/missing" column."""
    codes = _codes(s, levels)  # -1 = other/missing
    out = np.zeros((len(s), len(levels) + 1), dtype="float32")
    out[np.arange(len(s)), np.where(codes >= 0, codes, len(levels))] = 1.0
    return out


def _codes(s: pd.Series, levels: object) -> np.ndarray:
    """Position of each value among ``levels``; -1 for missing or never-seen values."""
    return pd.Index(levels).get_indexer(s.astype(object).to_numpy())


def _sort_key(value: object) -> tuple[int, object]:
    return (0, value) if isinstance(value, int | float | np.number) else (1, str(value))
