"""``pca``: scikit-learn PCA on the standardized, one-hot inputs — the classical baseline."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.decomposition import PCA

from bench.encoders.base import Encoder
from bench.preprocess import NetworkInputs


class PCAEncoder(Encoder):
    """Linear projection onto the top ``latent`` principal components of the training rows."""

    name = "pca"

    def __init__(self, *, latent: int = 8, whiten: bool = False, random_state: int = 0,
                 device: str = "cpu") -> None:
        self.latent = latent
        self.whiten = whiten
        self.random_state = random_state
        self.device = device

    def validate_params(self) -> None:
        self._check_int("latent", 1)
        if not isinstance(self.whiten, bool):
            raise self._fail(f"whiten must be true or false, however: {self.whiten!r}")

    def fit(self, X: pd.DataFrame, y: np.ndarray | None = None, *, task: str | None = None):
        self.validate_params()
        self._check_rows(X, None)
        self.fit_rows_ = X.index.to_numpy()
        self.inputs_ = NetworkInputs().fit(X)
        Xt = self.inputs_.transform(X)
        self.n_embedding_ = min(self.latent, Xt.shape[1], Xt.shape[0])
        # "full" SVD: exact and deterministic (randomized solvers depend on the seed).
        self.pca_ = PCA(self.n_embedding_, whiten=self.whiten, svd_solver="full").fit(Xt)
        return self

    def transform(self, X: pd.DataFrame) -> np.ndarray:
        self._check_fitted()
        return self.pca_.transform(self.inputs_.transform(X)).astype(np.float32)
