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

from bench.encoders.rng import StepNoise

#: Rows per model evaluated at once outside training (validation, embedding): bounds memory.
EVAL_ROWS = 8192
#: Below this many multiply-adds per training step, torch runs on one CPU thread (see ``threads``).
PARALLEL_MACS = 1 << 26
_BETAS = (0.9, 0.999)
_EPS = 1e-8


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
    state = _State.start(net, members, device)
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


@dataclass
class _State:
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
    def start(net: nn.Module, members: Sequence[Member], device: str) -> _State:
        params = list(net.parameters())
        m = len(members)
        return _State(
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


def _train_epoch(objective: Objective, net: nn.Module, state: _State, data: _Data,
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
        _adamw_step(net, state, act, config)
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
def _adamw_step(net: nn.Module, state: _State, active: torch.Tensor, config: TrainConfig) -> None:
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


def _single(objective: Objective, member: Member, state: _State, pos: int, device: str) -> nn.Module:
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
