"""``rp``: a Gaussian random projection to the width of the learned embeddings — a control.

If ``ae/raw+emb`` beats ``raw`` but ``rp/raw+emb`` does too, the gain comes from handing the
trees more oblique features, not from anything the encoder learned.
"""

from __future__ import annotations

import numpy as np
import torch
from sklearn.random_projection import GaussianRandomProjection

from bench.encoders.params import RPParams
from bench.encoders.pca import ProjectionEncoder


class RandomProjectionEncoder(RPParams, ProjectionEncoder):
    """``latent`` columns, each a Gaussian random combination of the preprocessed inputs.

    scikit-learn's ``GaussianRandomProjection``: entries drawn from N(0, 1/latent), seeded by
    ``random_state``; nothing is learned from the rows but the preprocessing's statistics.
    On CUDA the same matrix is applied with torch on the device (``backend_ = "torch"``).
    """

    def _fit_projection(self, Xt: np.ndarray) -> None:
        self.projection_ = GaussianRandomProjection(
            self.n_embedding_, random_state=self.random_state
        ).fit(Xt)

    def _project(self, Xt: np.ndarray) -> np.ndarray:
        if self.backend_ == "torch":
            # The same matrix (drawn on the CPU from random_state), applied on the device.
            components = torch.as_tensor(self.projection_.components_, device=self.device)
            X = torch.as_tensor(Xt, device=self.device, dtype=components.dtype)
            return (X @ components.T).cpu().numpy()
        return self.projection_.transform(Xt)
