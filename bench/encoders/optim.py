"""Optimizer state of M stacked models trained together: per-model AdamW steps and early stopping.

Split from :mod:`bench.encoders.trainer`, whose loop drives it. Every model follows exactly the
updates it would get if trained alone (its own step count, clipping and stopping).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import torch
from torch import nn

if TYPE_CHECKING:
    from bench.encoders.trainer import Member, TrainConfig, TrainResult

_BETAS = (0.9, 0.999)
_EPS = 1e-8


@dataclass
class State:
    """Optimizer and early-stopping state of the models still training (``ids``: members)."""

    ids: list[int]
    seeds: torch.Tensor
    steps: torch.Tensor
    beta_powers: torch.Tensor  # (M, 2): beta1**t, beta2**t
    exp_avg: list[torch.Tensor]
    exp_avg_sq: list[torch.Tensor]
    best: list[torch.Tensor]
    best_loss: torch.Tensor
    stale: torch.Tensor

    @staticmethod
    def start(net: nn.Module, members: Sequence[Member], device: str) -> State:
        params = list(net.parameters())
        m = len(members)
        return State(
            ids=list(range(m)),
            seeds=torch.tensor([mb.seed for mb in members], dtype=torch.int64, device=device),
            steps=torch.zeros(m, dtype=torch.int64, device=device),
            beta_powers=torch.ones(m, 2, dtype=torch.float64, device=device),
            exp_avg=[torch.zeros_like(p) for p in params],
            exp_avg_sq=[torch.zeros_like(p) for p in params],
            best=[p.detach().clone() for p in params],
            best_loss=torch.full((m,), math.inf, dtype=torch.float64),
            stale=torch.zeros(m, dtype=torch.int64),
        )

    def after_epoch(self, net: nn.Module, results: list[TrainResult], epoch: int,
                    losses: np.ndarray, val: np.ndarray, config: TrainConfig) -> list[int]:
        """Record losses, keep improved weights, and return the positions that stop now."""
        improved = np.isfinite(val) & (val < self.best_loss.numpy() - 1e-7)
        for pos, member in enumerate(self.ids):
            r = results[member]
            r.train_loss.append(float(losses[pos]))
            r.val_loss.append(float(val[pos]))
            r.epochs_run = epoch + 1
            if improved[pos]:
                r.best_val_loss, r.best_epoch = float(val[pos]), epoch + 1
        mask = torch.as_tensor(improved)
        self.best_loss = torch.where(mask, torch.as_tensor(val), self.best_loss)
        self.stale = torch.where(mask, 0, self.stale + 1)
        dev_mask = mask.to(self.steps.device)
        with torch.no_grad():
            for b, p in zip(self.best, net.parameters(), strict=True):
                b.copy_(torch.where(_expand(dev_mask, p), p, b))
        return [pos for pos in range(len(self.ids)) if self.stale[pos] >= config.patience]

    def drop(self, net: nn.Module, positions: list[int]) -> None:
        """Remove finished models from every stacked tensor (the rest keep training)."""
        if not positions:
            return
        keep = [p for p in range(len(self.ids)) if p not in set(positions)]
        index = torch.tensor(keep, dtype=torch.int64, device=self.steps.device)
        with torch.no_grad():
            for p in net.parameters():
                p.data = p.data.index_select(0, index)
                p.grad = None
        for tensors in (self.exp_avg, self.exp_avg_sq, self.best):
            tensors[:] = [t.index_select(0, index) for t in tensors]
        cpu = torch.tensor(keep, dtype=torch.int64)
        self.seeds, self.steps = self.seeds[index], self.steps[index]
        self.beta_powers = self.beta_powers[index]
        self.best_loss, self.stale = self.best_loss[cpu], self.stale[cpu]
        self.ids = [self.ids[p] for p in keep]


def _expand(mask: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    return mask.view(-1, *([1] * (like.dim() - 1)))


@torch.no_grad()
def adamw_step(net: nn.Module, state: State, active: torch.Tensor, config: TrainConfig) -> None:
    """AdamW (torch's formula) with per-model gradient clipping and per-model step counts.

    Inactive models get coefficients that leave their weights and moments unchanged, so every
    model follows exactly the updates it would get if trained alone. All parameters are 3-d
    ``(M, ., .)``, so per-model coefficients broadcast as ``(M, 1, 1)``.
    """
    params = list(net.parameters())
    grads = [torch.zeros_like(p) if p.grad is None else p.grad for p in params]
    # Summed one parameter at a time: a reduction across a stacked (P, M) tensor's first axis
    # rounds differently once M reaches 32 (seen on CPU), which would couple the models.
    sq = torch.zeros_like(active, dtype=torch.float32)
    for g in grads:
        sq = sq + g.pow(2).flatten(1).sum(1)
    norm = sq.sqrt()
    clip = (config.grad_clip / (norm + 1e-6)).clamp(max=1.0)
    a = active.to(torch.float32)
    b1, b2 = _BETAS
    # beta**t as running products (exactly rounded multiplications): a vectorised pow rounds
    # the first elements of a long tensor differently from a short one's.
    state.beta_powers.mul_(torch.where(active.view(-1, 1), state.beta_powers.new_tensor(_BETAS), 1.0))
    b1t, b2t = state.beta_powers.to(torch.float32).unbind(1)
    per_model = torch.stack([
        1.0 - (1.0 - b1) * a,                     # first-moment decay (1: unchanged)
        (1.0 - b1) * a * clip,                    # weight of the clipped gradient
        1.0 - (1.0 - b2) * a,                     # second-moment decay
        (1.0 - b2) * a * clip * clip,             # weight of the squared clipped gradient
        1.0 - config.lr * config.weight_decay * a,  # decoupled weight decay
        config.lr * a / (1.0 - b1t).clamp_min(1e-12),  # step size with bias correction
        torch.sqrt(1.0 - b2t).clamp_min(1e-12),   # bias correction of the second moment
    ]).view(7, -1, 1, 1)
    k1, g1, k2, g2, decay, step, bc2 = per_model
    for p, g, m, v in zip(params, grads, state.exp_avg, state.exp_avg_sq, strict=True):
        m.mul_(k1).addcmul_(g, g1)
        v.mul_(k2).addcmul_(g * g, g2)
        p.mul_(decay).sub_(step * m / (v.sqrt() / bc2 + _EPS))
