"""Fit many encoders at once: every network of every encoder of the same architecture trains in
one batched program (:func:`bench.encoders.trainer.train_stacked`).

A suite fits the same encoder for every (repeat, fold, seed) of a dataset; ``mlp`` in ``crossfit``
or ``oof-proba`` mode adds k cross-fitting networks to each. Their architectures agree whenever
the preprocessed inputs have the same width, so all of them train together. Each encoder's
result is the same as a fit on its own (per-model seeds, rows and stopping; see ``trainer``).
Where batching does not apply — encoders that are not networks (``pca``, ``rp``), networks whose
shapes differ, or a batch that fails as a whole — the fits run one by one, and one encoder's
failure never takes the others down.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
import pandas as pd

from bench.encoders.trainer import Member, Objective, Source, TrainConfig, Trained, train_stacked


@dataclass(frozen=True)
class FitPlan:
    """What a torch encoder needs trained: networks (``objective``) for ``members``' rows."""

    objective: Objective
    config: TrainConfig
    source: Source
    members: list[Member]


@runtime_checkable
class PlannedFit(Protocol):
    """An encoder whose fit is networks to train: ``plan_fit`` (validate, preprocess, say which
    networks to train on which rows), training (here, batched with others), ``finish_fit``."""

    device: str

    def plan_fit(self, X: pd.DataFrame, y: np.ndarray | None, task: str | None, *,
                 transform: bool) -> FitPlan: ...

    def finish_fit(self, plan: FitPlan, trained: list[Trained], *,
                   transform: bool) -> np.ndarray | None: ...


class Fittable(Protocol):
    """Any encoder: the scikit-learn fit/transform protocol."""

    device: str

    def fit(self, X: pd.DataFrame, y: np.ndarray | None = None, *, task: str | None = None): ...

    def fit_transform(self, X: pd.DataFrame, y: np.ndarray | None = None, *,
                      task: str | None = None) -> np.ndarray: ...


@dataclass(frozen=True)
class FitOutcome:
    """One encoder's training-row embedding (``None`` for a plain fit), or why it failed.

    ``fit_s`` is its share of the wall time: its own preparation and finishing, plus the batched
    training time divided among the networks trained together, in proportion to its networks.
    """

    embedding: np.ndarray | None
    error: Exception | None
    fit_s: float

    def unwrap(self) -> np.ndarray | None:
        if self.error is not None:
            raise self.error
        return self.embedding


def fit_transform_many(
    encoders: Sequence[Fittable],
    Xs: Sequence[pd.DataFrame],
    ys: Sequence[np.ndarray | None],
    *,
    task: str | None,
    transform: bool = True,
) -> list[FitOutcome]:
    """``encoders[i].fit_transform(Xs[i], ys[i], task=task)`` for every i (``fit`` when not
    ``transform``), training the networks of compatible encoders together."""
    seconds = [0.0] * len(encoders)
    errors: dict[int, Exception] = {}
    plans: dict[int, FitPlan] = {}
    results: dict[int, np.ndarray | None] = {}
    for i, encoder in enumerate(encoders):
        start = time.perf_counter()
        try:
            if isinstance(encoder, PlannedFit):
                plans[i] = encoder.plan_fit(Xs[i], ys[i], task, transform=transform)
            elif transform:
                results[i] = encoder.fit_transform(Xs[i], ys[i], task=task)
            else:
                encoder.fit(Xs[i], ys[i], task=task)
                results[i] = None
        except Exception as exc:  # noqa: BLE001 - reported per encoder
            errors[i] = exc
        seconds[i] += time.perf_counter() - start
    for group in _groups(encoders, plans):
        trained = _train_group([plans[i] for i in group], encoders[group[0]].device, seconds, group)
        for i, models in zip(group, trained, strict=True):
            start = time.perf_counter()
            try:
                if isinstance(models, Exception):
                    raise models
                results[i] = encoders[i].finish_fit(plans[i], models, transform=transform)
            except Exception as exc:  # noqa: BLE001
                errors[i] = exc
            seconds[i] += time.perf_counter() - start
    return [FitOutcome(results.get(i), errors.get(i), seconds[i]) for i in range(len(encoders))]


def _groups(encoders: Sequence[Fittable], plans: dict[int, FitPlan]) -> list[list[int]]:
    """Encoders whose networks can share a batch: same architecture, training config, device."""
    groups: dict[object, list[int]] = {}
    for i, plan in plans.items():
        groups.setdefault((plan.objective, plan.config, encoders[i].device), []).append(i)
    return list(groups.values())


def _train_group(plans: list[FitPlan], device: str, seconds: list[float],
                 group: list[int]) -> list[list[Trained] | Exception]:
    """Train every member of every plan in one program; one by one if that fails."""
    members = [Member(k, m.rows, m.seed) for k, plan in enumerate(plans) for m in plan.members]
    start = time.perf_counter()
    try:
        flat = train_stacked(plans[0].objective, members, [p.source for p in plans],
                             plans[0].config, device=device)
    except Exception as exc:  # noqa: BLE001
        if len(plans) == 1:
            seconds[group[0]] += time.perf_counter() - start
            return [exc]
        return [r for k, plan in enumerate(plans)
                for r in _train_group([plan], device, seconds, [group[k]])]
    elapsed = time.perf_counter() - start
    out: list[list[Trained] | Exception] = []
    for k, plan in enumerate(plans):
        n = len(plan.members)
        out.append(flat[:n])
        flat = flat[n:]
        seconds[group[k]] += elapsed * n / len(members)
    return out
