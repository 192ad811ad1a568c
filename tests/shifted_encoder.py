"""A deliberately shifted encoder, for the shift diagnostic's tests: registered like
``tests/toy_encoder.py`` shows.

``shifted`` embeds rows by their first ``latent`` standardized numeric inputs (scaled on the
training rows) and adds ``offset`` to every embedding of new rows (``transform``), never to the
training rows' (``fit_transform``): training and test embeddings then come from two
distributions by construction, which the diagnostic must flag.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pandas as pd

from bench.encoders.base import Encoder
from bench.encoders.params import EncoderParams, params_dataclass


@params_dataclass
class ShiftedParams(EncoderParams):
    name: ClassVar[str] = "shifted"

    latent: int = 2
    offset: float = 1.0

    def validate_params(self) -> None:
        super().validate_params()
        self._check_int("latent", 1)


class ShiftedEncoder(ShiftedParams, Encoder):
    def fit(self, X: pd.DataFrame, y: np.ndarray | None = None, *, task: str | None = None):
        self.validate_params()
        self._check_rows(X, None)
        self.fit_rows_ = X.index.to_numpy()
        numeric = X.select_dtypes("number")
        self.columns_ = list(numeric.columns[: self.latent])
        self.mean_ = numeric[self.columns_].mean().fillna(0.0)
        self.scale_ = numeric[self.columns_].std().replace(0.0, 1.0).fillna(1.0)
        self.n_embedding_ = len(self.columns_)
        return self

    def fit_transform(self, X: pd.DataFrame, y: np.ndarray | None = None, *,
                      task: str | None = None) -> np.ndarray:
        return self.fit(X, y, task=task)._scaled(X)

    def transform(self, X: pd.DataFrame) -> np.ndarray:
        self._check_fitted()
        return self._scaled(X) + np.float32(self.offset)

    def _scaled(self, X: pd.DataFrame) -> np.ndarray:
        scaled = (X[self.columns_] - self.mean_) / self.scale_
        return scaled.fillna(0.0).to_numpy(dtype=np.float32)
