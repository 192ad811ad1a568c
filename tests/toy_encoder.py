"""A toy encoder, as a contributor would add one: this file plus one ``register`` call.

``toy`` embeds each row by its ``latent`` highest-variance standardized numeric inputs (chosen on
the training rows). It is deliberately simple; what the tests prove is that nothing outside this
file and the registry line has to change for ``bench run``, ``bench report`` and ``bench explain``
to handle it. ``latent_map`` is what ``bench explain`` reads: the toy is linear, so it hands
over its projection and names PCA of the same width as the reference to compare with.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pandas as pd

from bench.encoders.base import Encoder
from bench.encoders.latent import LatentMap, Reference
from bench.encoders.params import EncoderParams, params_dataclass


@params_dataclass
class ToyParams(EncoderParams):
    name: ClassVar[str] = "toy"

    latent: int = 2

    def validate_params(self) -> None:
        super().validate_params()
        self._check_int("latent", 1)


class ToyEncoder(ToyParams, Encoder):
    def fit(self, X: pd.DataFrame, y: np.ndarray | None = None, *, task: str | None = None):
        self.validate_params()
        self._check_rows(X, None)
        self.fit_rows_ = X.index.to_numpy()
        numeric = X.select_dtypes("number")
        self.mean_ = numeric.mean().fillna(0.0)
        self.scale_ = numeric.std().replace(0.0, 1.0).fillna(1.0)
        order = np.argsort(-numeric.var().fillna(0.0).to_numpy(), kind="stable")
        self.columns_ = list(numeric.columns[order[: self.latent]])
        self.n_embedding_ = len(self.columns_)
        return self

    def transform(self, X: pd.DataFrame) -> np.ndarray:
        self._check_fitted()
        cols = self.columns_
        scaled = (X[cols] - self.mean_[cols]) / self.scale_[cols]
        return scaled.fillna(0.0).to_numpy(dtype=np.float32)

    def latent_map(self) -> LatentMap:
        self._check_fitted()
        inputs = tuple(self.mean_.index)
        picked = [inputs.index(c) for c in self.columns_]
        return LatentMap.affine(
            prepare=self._standardized, inputs=inputs, groups=np.arange(len(inputs)),
            project=lambda Xt: Xt[:, picked],
            reference=Reference("pca", {"latent": self.n_embedding_}, label="PCA"),
        )

    def _standardized(self, X: pd.DataFrame) -> np.ndarray:
        cols = list(self.mean_.index)
        return ((X[cols] - self.mean_) / self.scale_).fillna(0.0).to_numpy(dtype=np.float64)
