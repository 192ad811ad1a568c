"""Gradients of a latent map: basis-free input importance, interactions, per-unit IG shares.

An encoder's latent space is defined only up to an invertible linear map: ``z' = A z + c`` is
the same model. Every measure here except the per-unit shares is invariant to such maps, because
it reads the latent through the **whitener** ``W = Σ^{-1/2}`` of the latent covariance Σ on the
training rows: with ``z' = A z``, ``Σ' = A Σ Aᵀ`` and ``W' A = Q W`` for an orthogonal ``Q``, so
norms of whitened derivatives do not change.

* **Importance** of input j: ``E_x ‖W ∂z/∂x_j‖²`` over the explained rows (a one-hot block sums
  its columns), as a share of the total.
* **Interaction** of inputs i and j: the RMS over rows of ``‖W ∂²z/∂x_i∂x_j‖``, the change of the
  whitened gradient along the other input, by central differences of the Jacobian with a step of
  ``STEP`` (prepared inputs are standardized, so half a standard deviation): ReLU networks have
  zero second derivatives almost everywhere, while their gradients do change along other inputs.
* **Per-unit shares** (basis-dependent, a secondary view): integrated gradients (Sundararajan,
  Taly & Yan 2017, ICML) of each unit from the training mean, mean |IG| per input over rows.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

TensorFn = Callable[[torch.Tensor], torch.Tensor]

STEP = 0.5  # central-difference step for interactions, in prepared (standardized) units
MAX_INTERACTION_COLUMNS = 128  # wider prepared inputs: interactions are skipped (cost d²)
INTERACTION_ROWS = 64  # rows used for interactions


def jacobian(fn: TensorFn, x: torch.Tensor) -> torch.Tensor:
    """``∂fn(x)_k / ∂x_j`` for every row: shape ``(rows, outputs, inputs)`` (rows independent)."""
    x = x.detach().clone().requires_grad_(True)
    out = fn(x)
    grads = [torch.autograd.grad(out[:, k].sum(), x, retain_graph=k + 1 < out.shape[1])[0]
             for k in range(out.shape[1])]
    return torch.stack(grads, dim=1)


def integrated_gradients(fn: TensorFn, x: torch.Tensor, baseline: torch.Tensor,
                         steps: int = 64) -> torch.Tensor:
    """IG of every output of ``fn`` for every row of ``x``: shape ``(rows, outputs, inputs)``.

    Midpoint rule over ``steps`` points of the straight path from ``baseline`` to each row.
    """
    if steps < 1:
        raise ValueError(f"steps must be >= 1, however: {steps}")
    alphas = (torch.arange(steps, dtype=x.dtype, device=x.device) + 0.5) / steps
    delta = x - baseline  # (n, d)
    path = (baseline + alphas.view(-1, 1, 1) * delta.unsqueeze(0)).reshape(-1, x.shape[1])
    grads = jacobian(fn, path)  # (steps * n, k, d)
    mean = grads.reshape(steps, x.shape[0], *grads.shape[1:]).mean(dim=0)
    return mean * delta.unsqueeze(1)


def whitener(z: np.ndarray) -> np.ndarray:
    """``Σ^{-1/2}`` of the rows of ``z`` (pseudo-inverse: directions without variance drop out)."""
    cov = np.atleast_2d(np.cov(np.asarray(z, dtype=np.float64), rowvar=False))
    values, vectors = np.linalg.eigh(cov)
    keep = values > max(values.max(initial=0.0), 0.0) * 1e-10
    inv_sqrt = np.zeros_like(values)
    inv_sqrt[keep] = 1.0 / np.sqrt(values[keep])
    return (vectors * inv_sqrt) @ vectors.T


def importance(fn: TensorFn, x: torch.Tensor, white: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Basis-free importance of every input (shares of ``E ‖W ∂z/∂x_j‖²``; sums to 1)."""
    J = _whiten(jacobian(fn, x), white)  # (n, k, d)
    energy = J.pow(2).sum(dim=1).mean(dim=0).detach().cpu().numpy().astype(np.float64)
    return normalize(group_sum(energy, groups))


def interactions(fn: TensorFn, x: torch.Tensor, white: np.ndarray,
                 groups: np.ndarray) -> np.ndarray | None:
    """Inputs × inputs RMS of ``‖W ∂²z/∂x_i∂x_j‖`` (central differences of the Jacobian); ``None``
    when the prepared input is wider than ``MAX_INTERACTION_COLUMNS``."""
    d = x.shape[1]
    if d > MAX_INTERACTION_COLUMNS:
        return None
    x = x[:INTERACTION_ROWS]
    n = x.shape[0]
    eye = torch.eye(d, dtype=x.dtype, device=x.device) * STEP
    shifted = torch.cat([(x.unsqueeze(0) + eye.unsqueeze(1)).reshape(-1, d),
                         (x.unsqueeze(0) - eye.unsqueeze(1)).reshape(-1, d)])
    J = _whiten(jacobian(fn, shifted), white).reshape(2, d, n, -1, d)  # (±, j, n, k, i)
    H = (J[0] - J[1]) / (2 * STEP)  # (j, n, k, i): change of ∂z/∂x_i along x_j
    H = 0.5 * (H + H.permute(3, 1, 2, 0))  # symmetric in (i, j)
    energy = H.pow(2).sum(dim=2).mean(dim=1).detach().cpu().numpy().astype(np.float64)  # (j, i)
    grouped = group_sum(group_sum(energy, groups).T, groups)
    return np.sqrt(grouped)


def unit_shares(fn: TensorFn, x: torch.Tensor, baseline: torch.Tensor, groups: np.ndarray,
                steps: int) -> tuple[np.ndarray, float]:
    """Unit × input shares of mean |IG| (rows sum to 1), and IG's relative completeness error."""
    ig = integrated_gradients(fn, x, baseline, steps)  # (n, k, d)
    with torch.no_grad():
        change = fn(x) - fn(baseline)
    gap = (ig.sum(dim=2) - change).abs().max().item()
    scale = change.abs().mean().item()
    per_input = group_sum(ig.detach().cpu().numpy().astype(np.float64), groups)
    return normalize(np.abs(per_input).mean(axis=0)), gap / scale if scale > 0 else 0.0


def group_sum(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Sum the last axis over column groups (a categorical's one-hot block is one input)."""
    membership = np.zeros((len(groups), int(groups.max()) + 1))
    membership[np.arange(len(groups)), groups] = 1.0
    return np.asarray(values, dtype=np.float64) @ membership


def normalize(table: np.ndarray) -> np.ndarray:
    """The last axis sums to 1 (all zeros stay 0)."""
    totals = table.sum(axis=-1, keepdims=True)
    return np.divide(table, totals, out=np.zeros_like(table), where=totals > 0)


def _whiten(J: torch.Tensor, white: np.ndarray) -> torch.Tensor:
    W = torch.as_tensor(white, dtype=J.dtype, device=J.device)
    return torch.einsum("ab,nbd->nad", W, J)
