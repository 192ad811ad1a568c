"""The one training loop every torch encoder uses, for one model or many at once.

``train_stacked`` trains M networks of the same architecture together: stacked weights
(:mod:`bench.encoders.nets`), one forward/backward per step for all of them, and per-model
everything else, so that each model's result is what it would be if trained alone:

* its own training rows (a different fold, or a cross-fitting part of one) and its own validation
  split carved from them (never from test rows: the caller only passes training rows);
* its own seed: initialisation, validation split, shuffling, dropout and input noise;
* AdamW with its own step count (a model whose epoch has fewer mini-batches skips steps),
  gradient-norm clipping per model, and early stopping on its own validation loss with its best
  weights restored; models that stop leave the batch.

The batch axis is always ``batch_size`` rows (a short mini-batch is padded with weight-0 rows), so
tensor shapes never depend on which other models are in the batch.
"""

from __future__ import annotations

import contextlib
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import torch
from torch import nn

from bench.encoders.optim import State, adamw_step
from bench.encoders.rng import StepNoise

#: Rows per model evaluated at once outside training (validation, embedding): bounds memory.
EVAL_ROWS = 8192
#: Below this many multiply-adds per training step, torch runs on one CPU thread (see ``threads``).
PARALLEL_MACS = 1 << 26


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
    """What happened while training one model; kept on the encoder as ``train_result_``."""

    epochs_run: int = 0
    best_epoch: int = 0
    best_val_loss: float = math.inf
    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)


class Objective(Protocol):
    """An architecture and its loss; a hashable spec, so equal specs can share a batch."""

    def build(self, generators: Sequence[torch.Generator]) -> nn.Module: ...

    def row_losses(self, net: nn.Module, x: torch.Tensor, target: torch.Tensor,
                   noise: StepNoise | None) -> torch.Tensor:
        """Per-row loss ``(M, batch)``; ``noise`` is ``None`` when evaluating."""
        ...


@dataclass(frozen=True)
class Source:
    """One preprocessed table: network inputs ``X`` and the ``target`` (``None``: ``X`` itself)."""

    X: torch.Tensor
    target: torch.Tensor | None = None


@dataclass(frozen=True)
class Member:
    """One model to train: which source, which of its rows (positions), and its seed."""

    source: int
    rows: np.ndarray
    seed: int


@dataclass(frozen=True)
class Trained:
    """One trained model: a one-model network and its training history."""

    net: nn.Module
    result: TrainResult


def train_stacked(objective: Objective, members: Sequence[Member], sources: Sequence[Source],
                  config: TrainConfig, *, device: str) -> list[Trained]:
    """Train one network per member, all at once, and return them in member order."""
    data = _Data.concat(sources, device)
    plans = [_RowPlan.make(m, data.offsets[m.source], config) for m in members]
    net = objective.build([torch.Generator().manual_seed(m.seed) for m in members]).to(device)
    with threads(config.batch_size * sum(p.numel() for p in net.parameters()), device):
        return _train(objective, net, members, data, plans, config, device)


def _train(objective: Objective, net: nn.Module, members: Sequence[Member], data: _Data,
           plans: list[_RowPlan], config: TrainConfig, device: str) -> list[Trained]:
    state = State.start(net, members, device)
    results = [TrainResult() for _ in members]
    out: list[Trained | None] = [None] * len(members)
    for epoch in range(config.epochs):
        losses = _train_epoch(objective, net, state, data, [plans[i] for i in state.ids], config)
        val = _val_losses(objective, net, data, [plans[i] for i in state.ids], losses)
        finished = state.after_epoch(net, results, epoch, losses, val, config)
        if epoch == config.epochs - 1:
            finished = list(range(len(state.ids)))
        for pos in finished:
            member = state.ids[pos]
            out[member] = Trained(_single(objective, members[member], state, pos, device),
                                  results[member])
        state.drop(net, finished)
        if not state.ids:
            break
    return [t for t in out if t is not None]


_threads_lock = threading.Lock()
_single_threaded: list[int] = []  # the setting to restore, while any small fit runs


@contextlib.contextmanager
def threads(macs: int, device: str):
    """Run small CPU work (``macs`` multiply-adds per step) on one torch thread.

    Kernels this small finish faster than OpenMP threads synchronise; on shared cores a waiting
    thread stalls every kernel until the scheduler runs its peer (measured on a loaded 2-core
    machine: one small AE fit took 3.8 s with 2 threads, 0.08 s with 1). torch's thread count is
    process-wide, so nested or concurrent small fits share one switch: the first sets 1 thread,
    the last restores the previous setting. Large models keep all threads.
    """
    if device != "cpu" or macs >= PARALLEL_MACS:
        yield
        return
    with _threads_lock:
        if not _single_threaded:
            _single_threaded.append(torch.get_num_threads())
            torch.set_num_threads(1)
        else:
            _single_threaded.append(_single_threaded[-1])
    try:
        yield
    finally:
        with _threads_lock:
            previous = _single_threaded.pop()
            if not _single_threaded:
                torch.set_num_threads(previous)


@dataclass(frozen=True)
class _Data:
    X: torch.Tensor
    target: torch.Tensor
    offsets: list[int]

    @staticmethod
    def concat(sources: Sequence[Source], device: str) -> _Data:
        offsets = np.cumsum([0, *[len(s.X) for s in sources[:-1]]]).tolist()
        X = _cat([s.X for s in sources]).to(device)
        if all(s.target is None for s in sources):
            return _Data(X, X, offsets)
        target = _cat([s.X if s.target is None else s.target for s in sources]).to(device)
        return _Data(X, target, offsets)

    def rows(self, index: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Inputs and targets of rows ``index`` ``(M, batch)``: ``(M, batch, ...)`` each."""
        flat = index.reshape(-1)
        x = self.X.index_select(0, flat).view(*index.shape, -1)
        if self.target is self.X:
            return x, x
        target = self.target.index_select(0, flat)
        return x, target.view(*index.shape, *target.shape[1:])


def _cat(tensors: list[torch.Tensor]) -> torch.Tensor:
    return tensors[0] if len(tensors) == 1 else torch.cat(tensors)  # one source: no copy


@dataclass(frozen=True)
class _RowPlan:
    """A member's training and validation rows (global positions) and its shuffling RNG."""

    train: np.ndarray
    val: np.ndarray
    rng: np.random.Generator
    seed: int

    @staticmethod
    def make(member: Member, offset: int, config: TrainConfig) -> _RowPlan:
        rng = np.random.default_rng(member.seed)
        n = len(member.rows)
        order = rng.permutation(n)
        n_val = int(round(n * config.val_fraction)) if n >= 10 else 0
        rows = np.asarray(member.rows, dtype=np.int64) + offset
        return _RowPlan(rows[np.sort(order[n_val:])], rows[np.sort(order[:n_val])], rng,
                        member.seed)


def _train_epoch(objective: Objective, net: nn.Module, state: State, data: _Data,
                 plans: list[_RowPlan], config: TrainConfig) -> np.ndarray:
    """One epoch for every model still training; returns each one's mean mini-batch loss."""
    net.train()
    index, weight, active = _epoch_batches(plans, config.batch_size, data.X.device)
    totals = torch.zeros(len(plans), dtype=torch.float64, device=data.X.device)
    for s in range(index.shape[0]):
        idx, w, act = index[s], weight[s], active[s]
        state.steps += act
        noise = StepNoise(state.seeds, state.steps, w.sum(1))
        rows = objective.row_losses(net, *data.rows(idx), noise)
        loss = (rows * w).sum(1) / w.sum(1).clamp_min(1.0)
        net.zero_grad(set_to_none=True)
        loss.sum().backward()
        adamw_step(net, state, act, config)
        totals += loss.detach().double()
    n_steps = active.sum(0).double().clamp_min(1.0)
    return (totals / n_steps).cpu().numpy()


def _epoch_batches(plans: list[_RowPlan], batch_size: int, device: torch.device):
    """Shuffled mini-batches of every model: indices ``(steps, M, batch)``, weights, activity."""
    perms = [p.rng.permutation(p.train) for p in plans]
    n_steps = max(1, max(math.ceil(len(p) / batch_size) for p in perms))
    index = np.zeros((n_steps, len(plans), batch_size), dtype=np.int64)
    weight = np.zeros((n_steps, len(plans), batch_size), dtype=np.float32)
    for m, perm in enumerate(perms):
        padded = np.zeros(n_steps * batch_size, dtype=np.int64)
        padded[: len(perm)] = perm
        padded[len(perm):] = perm[0] if len(perm) else 0
        index[:, m] = padded.reshape(n_steps, batch_size)
        weight[:, m] = (np.arange(n_steps * batch_size) < len(perm)).reshape(n_steps, batch_size)
    active = weight.sum(2) > 0
    return (torch.as_tensor(index, device=device), torch.as_tensor(weight, device=device),
            torch.as_tensor(active, device=device))


@torch.no_grad()
def _val_losses(objective: Objective, net: nn.Module, data: _Data, plans: list[_RowPlan],
                train_losses: np.ndarray) -> np.ndarray:
    """Mean validation loss per model (its training loss where it has no validation rows)."""
    net.eval()
    n_max = max(len(p.val) for p in plans)
    if n_max == 0:
        return train_losses
    totals = torch.zeros(len(plans), dtype=torch.float64)
    for start in range(0, n_max, EVAL_ROWS):
        idx, w = _padded_rows([p.val[start:start + EVAL_ROWS] for p in plans], data.X.device)
        rows = objective.row_losses(net, *data.rows(idx), None)
        totals += (rows * w).sum(1).double().cpu()
    n_val = np.array([len(p.val) for p in plans])
    return np.where(n_val > 0, totals.numpy() / np.maximum(n_val, 1), train_losses)


def _padded_rows(rows: list[np.ndarray], device: torch.device):
    width = max(1, max(len(r) for r in rows))
    index = np.zeros((len(rows), width), dtype=np.int64)
    weight = np.zeros((len(rows), width), dtype=np.float32)
    for m, r in enumerate(rows):
        index[m, : len(r)] = r
        weight[m, : len(r)] = 1.0
    return torch.as_tensor(index, device=device), torch.as_tensor(weight, device=device)


def _single(objective: Objective, member: Member, state: State, pos: int, device: str) -> nn.Module:
    """A one-model network holding model ``pos``'s best weights."""
    net = objective.build([torch.Generator().manual_seed(member.seed)]).to(device)
    with torch.no_grad():
        for p, b in zip(net.parameters(), state.best, strict=True):
            p.copy_(b[pos : pos + 1])
    net.eval()
    return net


@torch.no_grad()
def apply(net: nn.Module, X: torch.Tensor, fn: str = "encode") -> np.ndarray:
    """Run a one-model network's ``fn`` over ``X`` ``(n, d)`` in blocks of rows, writing each
    block into one float32 array ``(n, k)`` (peak memory: the output plus one block)."""
    net.eval()
    method = getattr(net, fn)
    out: np.ndarray | None = None
    with threads(min(len(X), EVAL_ROWS) * sum(p.numel() for p in net.parameters()), str(X.device)):
        for i in range(0, len(X), EVAL_ROWS):
            block = method(X[i : i + EVAL_ROWS].unsqueeze(0))[0].float().cpu().numpy()
            if out is None:
                out = np.empty((len(X), block.shape[1]), dtype=np.float32)
            out[i : i + len(block)] = block
    return out if out is not None else np.zeros((0, 0), dtype=np.float32)
