"""PCA on a torch device — the GPU path of ``pca`` — with scikit-learn's conventions.

scikit-learn's ``PCA(svd_solver="full")`` centres the training rows, takes the thin SVD, and fixes
each component's sign so that its largest-magnitude loading is positive
(``svd_flip(u_based_decision=False)``); ``whiten`` divides by the square root of the explained
variance ``S**2 / (n - 1)``. :class:`TorchPCA` does the same in float64 on any torch device, so
the GPU embedding agrees with the CPU one to rounding (``tests/test_encoders_torch_pca.py``:
within 1e-8 of scikit-learn on the CPU). Nothing here is random: the full SVD is deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class TorchPCA:
    """A fitted projection onto the top principal components (tensors on the fit's device)."""

    mean: torch.Tensor  # (d,)
    components: torch.Tensor  # (k, d), rows of unit norm, signs as scikit-learn's
    explained_variance: torch.Tensor  # (k,)
    whiten: bool

    @classmethod
    def fit(cls, X: torch.Tensor, n_components: int, *, whiten: bool = False) -> TorchPCA:
        """Fit on the rows of ``X`` ``(n, d)``; ``1 <= n_components <= min(n, d)``."""
        n, d = X.shape
        if not 1 <= n_components <= min(n, d):
            raise ValueError(f"n_components must be between 1 and min(n, d) = {min(n, d)}, "
                             f"however: {n_components}")
        X = X.to(torch.float64)
        mean = X.mean(dim=0)
        _, S, Vt = torch.linalg.svd(X - mean, full_matrices=False)
        Vt = Vt[:n_components] * _flip_signs(Vt[:n_components])[:, None]
        variance = S[:n_components] ** 2 / max(n - 1, 1)
        return cls(mean, Vt, variance, whiten)

    def transform(self, X: torch.Tensor) -> torch.Tensor:
        """Project ``X`` ``(m, d)`` onto the components: ``(m, k)`` float64 on the same device."""
        Z = (X.to(torch.float64) - self.mean) @ self.components.T
        if self.whiten:
            Z = Z / torch.sqrt(self.explained_variance)
        return Z


def _flip_signs(Vt: torch.Tensor) -> torch.Tensor:
    """+1/-1 per row so that each row's largest-magnitude entry becomes positive."""
    largest = Vt.abs().argmax(dim=1)
    signs = torch.sign(Vt[torch.arange(Vt.shape[0], device=Vt.device), largest])
    return torch.where(signs == 0, torch.ones_like(signs), signs)
