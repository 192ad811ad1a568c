"""Fit the encoder on every (split, seed) of the explanation's design, and its reference once per
split, as a benchmark run would: same splits, same per-(fold, seed) encoder seeds, training rows
only. The encoder's fits go through ``fit_transform_many``, so networks train in one batched
program."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from bench.data import Dataset
from bench.encoders import fit_transform_many, make_encoder, registry_entry
from bench.encoders.base import Encoder
from bench.encoders.latent import LatentMap, Reference
from bench.seeding import derive_seed
from bench.splits import Split, make_splits


@dataclass(frozen=True)
class Design:
    """Which fits to explain: every fold of ``folds``-fold splits × ``seeds`` encoder seeds."""

    folds: int = 5
    seeds: int = 5
    suite_seed: int = 0
    max_rows: int = 1000
    device: str = "cpu"

    def __post_init__(self) -> None:
        if self.seeds < 1:
            raise ValueError(f"seeds must be >= 1, however: {self.seeds}")
        if self.max_rows < 1:
            raise ValueError(f"max_rows must be >= 1, however: {self.max_rows}")


@dataclass(frozen=True)
class Fitted:
    """One fit: its split and seed, its latent map, the reference's, and the rows to read."""

    split: int
    seed: int
    latent: LatentMap
    reference: LatentMap | None
    train: pd.DataFrame
    test: pd.DataFrame
    y_test: np.ndarray


def fit_all(dataset: Dataset, encoder: str, params: dict[str, Any] | None,
            design: Design) -> list[Fitted]:
    """Fit ``encoder`` on the training rows of every (split, seed); raise the first failure."""
    kind = registry_entry(encoder, params).name
    splits = make_splits(dataset, folds=design.folds, repeats=1, suite_seed=design.suite_seed)
    units = [(split, seed) for split in splits for seed in range(design.seeds)]
    encoders = [make_encoder(encoder, params, device=design.device,
                             random_state=derive_seed(design.suite_seed, dataset.name, split.repeat,
                                                      split.fold, seed, kind))
                for split, seed in units]
    outcomes = fit_transform_many(encoders, [dataset.X.iloc[s.train] for s, _ in units],
                                  [dataset.y[s.train] for s, _ in units], task=dataset.task,
                                  transform=False)
    for outcome in outcomes:
        outcome.unwrap()
    references: dict[tuple[int, str], LatentMap | None] = {}
    out = []
    for (split, seed), fitted in zip(units, encoders, strict=True):
        latent = fitted.latent_map()
        key = (split.fold, repr(latent.reference))
        if key not in references:
            references[key] = _reference(dataset, split, latent.reference, design)
        rows = _explained_rows(dataset, split, design)
        out.append(Fitted(split=split.fold, seed=seed, latent=latent, reference=references[key],
                          train=dataset.X.iloc[split.train], test=dataset.X.iloc[rows],
                          y_test=dataset.y[rows]))
    return out


def _reference(dataset: Dataset, split: Split, reference: Reference | None,
               design: Design) -> LatentMap | None:
    if reference is None:
        return None
    seed = derive_seed(design.suite_seed, dataset.name, split.repeat, split.fold, 0, reference.name)
    encoder: Encoder = make_encoder(reference.name, reference.params, random_state=seed)
    encoder.fit(dataset.X.iloc[split.train], dataset.y[split.train], task=dataset.task)
    return encoder.latent_map()


def _explained_rows(dataset: Dataset, split: Split, design: Design) -> np.ndarray:
    """At most ``max_rows`` of the split's test rows (positions), in their original order."""
    rng = np.random.default_rng(derive_seed(design.suite_seed, dataset.name, "explain", split.fold))
    return np.sort(split.test[rng.permutation(len(split.test))[: design.max_rows]])
