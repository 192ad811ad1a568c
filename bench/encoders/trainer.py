"""The one training loop every torch encoder uses.

AdamW, shuffled mini-batches, gradient-norm clipping, early stopping on a validation split carved
from the rows it is given (never from test rows: the caller only passes training rows), and the
best weights restored at the end. All randomness (initialisation, shuffling, dropout) comes from
the given seed inside a forked RNG, so a fit is reproducible on CPU and does not disturb, or depend
on, global torch state.
"""

from __future__ import annotations

import contextlib
import copy
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn


@dataclass(frozen=True)
class TrainConfig:
    epochs: int = 50
    batch_size: int = 256
    lr: float = 1e-3
    weight_decay: float = 1e-4
    patience: int = 8
    grad_clip: float = 1.0
    val_fraction: float = 0.15


@dataclass
class TrainResult:
    """What happened during training; kept on the encoder as ``train_result_``."""

    epochs_run: int
    best_epoch: int
    best_val_loss: float
    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)


LossFn = Callable[[nn.Module, torch.Tensor, torch.Tensor | None], torch.Tensor]


@contextlib.contextmanager
def seeded(seed: int, device: str) -> Iterator[None]:
    """Run the block with torch's global RNG seeded, restoring the previous state afterwards."""
    devices = [torch.cuda.current_device()] if device.startswith("cuda") else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        yield


def train_module(
    module: nn.Module,
    loss_fn: LossFn,
    X: torch.Tensor,
    Y: torch.Tensor | None,
    config: TrainConfig,
    *,
    seed: int,
) -> TrainResult:
    """Train ``module`` in place on rows ``X`` (targets ``Y`` or ``None``); call inside ``seeded``."""
    n = X.shape[0]
    gen = np.random.default_rng(seed)
    order = gen.permutation(n)
    n_val = int(round(n * config.val_fraction)) if n >= 10 else 0
    val_idx = torch.as_tensor(np.sort(order[:n_val]), device=X.device)
    tr_idx = order[n_val:]
    opt = torch.optim.AdamW(module.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    result = TrainResult(epochs_run=0, best_epoch=0, best_val_loss=math.inf)
    best_state = copy.deepcopy(module.state_dict())
    stale = 0
    for epoch in range(config.epochs):
        module.train()
        perm = gen.permutation(tr_idx)
        losses = []
        for start in range(0, len(perm), config.batch_size):
            idx = torch.as_tensor(perm[start : start + config.batch_size], device=X.device)
            loss = loss_fn(module, X[idx], None if Y is None else Y[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            nn.utils.clip_grad_norm_(module.parameters(), config.grad_clip)
            opt.step()
            losses.append(loss.item())
        result.train_loss.append(float(np.mean(losses)))
        val = _val_loss(module, loss_fn, X, Y, val_idx) if n_val else result.train_loss[-1]
        result.val_loss.append(val)
        result.epochs_run = epoch + 1
        if val < result.best_val_loss - 1e-7:
            result.best_val_loss, result.best_epoch, stale = val, epoch + 1, 0
            best_state = copy.deepcopy(module.state_dict())
        else:
            stale += 1
            if stale >= config.patience:
                break
    module.load_state_dict(best_state)
    module.eval()
    return result


@torch.no_grad()
def _val_loss(
    module: nn.Module,
    loss_fn: LossFn,
    X: torch.Tensor,
    Y: torch.Tensor | None,
    idx: torch.Tensor,
) -> float:
    module.eval()
    return float(loss_fn(module, X[idx], None if Y is None else Y[idx]).item())


@torch.no_grad()
def encode(module: nn.Module, X: torch.Tensor, batch_size: int = 8192) -> np.ndarray:
    """Embed ``X`` in batches (bounded memory) and return a float32 numpy array."""
    module.eval()
    parts = [module.encode(X[i : i + batch_size]).float().cpu() for i in range(0, len(X), batch_size)]
    return torch.cat(parts).numpy() if parts else np.zeros((0, 0), dtype="float32")
