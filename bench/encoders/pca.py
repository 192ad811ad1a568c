"""``pca``: PCA on the scaled, one-hot inputs — the classical baseline.

On the CPU scikit-learn's ``PCA(svd_solver="full")``; on CUDA :class:`~bench.encoders.torch_pca.TorchPCA`
(the same centring, whitening and sign convention, in float64 on the device; agreement with
scikit-learn is tested to 1e-8). ``backend_`` names what ran; the run manifest records it per
device (:func:`bench.device.projection_backend`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import torch
from sklearn.decomposition import PCA
from threadpoolctl import threadpool_limits

from bench.device import projection_backend
from bench.encoders.base import Encoder
from bench.encoders.latent import LatentMap, Reference, input_names, pca_reference
from bench.encoders.params import PCAParams
from bench.encoders.torch_pca import TorchPCA
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
        self.backend_ = projection_backend(self.device)
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
        if self.backend_ == "torch":
            self.torch_pca_ = TorchPCA.fit(torch.as_tensor(Xt, device=self.device),
                                           self.n_embedding_, whiten=self.whiten)
            return
        # "full" SVD: exact and deterministic (randomized solvers depend on the seed).
        self.pca_ = PCA(self.n_embedding_, whiten=self.whiten, svd_solver="full").fit(Xt)

    def _project(self, Xt: np.ndarray) -> np.ndarray:
        if self.backend_ == "torch":
            Z = self.torch_pca_.transform(torch.as_tensor(Xt, device=self.device))
            return Z.cpu().numpy()
        return self.pca_.transform(Xt)

    def _reconstructor(self) -> Callable[[np.ndarray], np.ndarray] | None:
        if self.backend_ == "torch":
            return None  # explain's reconstruction R² reads scikit-learn's PCA (the CPU fit)
        return lambda Xt: self.pca_.inverse_transform(self.pca_.transform(Xt))

    def _reference(self) -> Reference | None:
        return None  # PCA is the reference
