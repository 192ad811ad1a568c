"""``pca``: scikit-learn PCA on the scaled, one-hot inputs — the classical baseline."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from sklearn.decomposition import PCA
from threadpoolctl import threadpool_limits

from bench.encoders.base import Encoder
from bench.encoders.latent import LatentMap, Reference, input_names, pca_reference
from bench.encoders.params import PCAParams
from bench.encoders.trainer import PARALLEL_MACS
from bench.preprocess import NetworkInputs


class ProjectionEncoder(Encoder):
    """A linear map of the preprocessed inputs onto ``latent`` columns, fit on training rows.

    ``latent`` wider than the inputs is clipped to their width (``clip_latent = true``, the
    default) or refused (``clip_latent = false``), as for the autoencoders.
    """

    def fit(self, X: pd.DataFrame, y: np.ndarray | None = None, *, task: str | None = None):
        self.validate_params()
        self._check_rows(X, None)
        self.fit_rows_ = X.index.to_numpy()
        self.inputs_ = NetworkInputs(scaling=self.scaling).fit(X)
        Xt = self.inputs_.transform(X)
        width = self._max_width(Xt)
        if self.latent > width and not self.clip_latent:
            raise self._fail(
                f"latent = {self.latent} is wider than the {width} input columns (after one-hot "
                f"encoding); lower latent or set clip_latent = true"
            )
        self.n_embedding_ = min(self.latent, width)
        # Small problems run on one BLAS thread, for the reason torch training does (trainer.threads).
        with threadpool_limits(limits=1 if Xt.size * Xt.shape[1] < PARALLEL_MACS else None):
            self._fit_projection(Xt)
        return self

    def transform(self, X: pd.DataFrame) -> np.ndarray:
        self._check_fitted()
        return self._project(self.inputs_.transform(X)).astype(np.float32)

    def latent_map(self) -> LatentMap:
        self._check_fitted()
        return LatentMap.affine(
            prepare=self.inputs_.transform, inputs=input_names(self.inputs_),
            groups=self.inputs_.column_groups(), project=self._project,
            reconstruct=self._reconstructor(), reference=self._reference(),
        )

    def _reference(self) -> Reference | None:
        return pca_reference(self.n_embedding_, self.scaling)

    def _max_width(self, Xt: np.ndarray) -> int:
        return Xt.shape[1]

    def _fit_projection(self, Xt: np.ndarray) -> None:
        raise NotImplementedError

    def _project(self, Xt: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _reconstructor(self) -> Callable[[np.ndarray], np.ndarray] | None:
        """Prepared rows → their reconstruction, for projections that can map back."""
        return None


class PCAEncoder(PCAParams, ProjectionEncoder):
    """Projection onto the top ``latent`` principal components of the training rows."""

    def _max_width(self, Xt: np.ndarray) -> int:
        return min(Xt.shape)  # PCA has at most min(rows, columns) components

    def _fit_projection(self, Xt: np.ndarray) -> None:
        # "full" SVD: exact and deterministic (randomized solvers depend on the seed).
        self.pca_ = PCA(self.n_embedding_, whiten=self.whiten, svd_solver="full").fit(Xt)

    def _project(self, Xt: np.ndarray) -> np.ndarray:
        return self.pca_.transform(Xt)

    def _reconstructor(self) -> Callable[[np.ndarray], np.ndarray] | None:
        return lambda Xt: self.pca_.inverse_transform(self.pca_.transform(Xt))

    def _reference(self) -> Reference | None:
        return None  # PCA is the reference
