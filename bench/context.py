"""What a unit of work reads: the run's shared :class:`RunContext` and one prepared split
(:class:`SplitView`), built once per (dataset, repeat, fold, seed) and reused by raw and every
encoder of that item.

:func:`prepare` fits the tree preprocessing on the training fold only and draws the validation
rows XGBoost early-stops on from the training fold, per seed.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bench.arrays import TreeMatrix, tree_matrix
from bench.config import Suite
from bench.data import Dataset, OpenMLOptions
from bench.device import DeviceInfo
from bench.encoders import encoder_mode
from bench.plan import WorkItem
from bench.preprocess import TreeInputs
from bench.schema import NO_ENCODER, Mode, RowKey, RunFields, error_row, new_row
from bench.seeding import derive_seed
from bench.splits import Split, validation_split


@dataclass(frozen=True)
class RunContext:
    """What every item of a run shares."""

    suite: Suite
    run_id: str
    config_hash: str
    device: DeviceInfo
    nthread: int = 0  # --threads (0: bench.threads.fit_threads decides from the data's shape)
    offline: bool = False  # OpenML: never touch the network, use the cache only
    cache_dir: Path | None = None  # OpenML cache (None: $BENCH_CACHE_DIR or the user cache dir)

    def openml_options(self) -> OpenMLOptions:
        return OpenMLOptions.from_env(cache_dir=self.cache_dir, offline=self.offline)

    @property
    def run_fields(self) -> RunFields:
        """The columns every row of this run shares."""
        return RunFields(self.run_id, self.config_hash, self.suite.name, self.device.kind,
                         self.device.fallback_reason)

    def mode_of(self, encoder: str) -> str:
        """The ``encoder_mode`` of ``encoder``'s rows (its default when the suite sets none)."""
        if encoder == NO_ENCODER:
            return Mode.NONE
        return encoder_mode(encoder, self.suite.encoders.get(encoder, {}))

    def new_row(self, key: RowKey, **fields: Any) -> dict[str, Any]:
        return new_row(self.run_fields, key, mode=self.mode_of(key.encoder), **fields)

    def error_row(self, key: RowKey, exc: BaseException | str, **fields: Any) -> dict[str, Any]:
        return error_row(self.run_fields, key, exc, mode=self.mode_of(key.encoder), **fields)



@dataclass(frozen=True)
class SplitView:
    """One split, prepared once and reused by every feature set of the item."""

    item: WorkItem
    dataset: Dataset
    fit: np.ndarray  # positions within the training fold used to fit XGBoost
    val: np.ndarray  # positions within the training fold used for early stopping
    X_train: pd.DataFrame
    X_test: pd.DataFrame
    raw_train: pd.DataFrame
    raw_test: pd.DataFrame
    y_train: np.ndarray
    y_test: np.ndarray
    tree_train: TreeMatrix  # raw_train / raw_test on the run's device, uploaded once
    tree_test: TreeMatrix

    def on(self, device: str) -> SplitView:
        """This view with its XGBoost matrices on ``device`` (a unit retried on the CPU)."""
        if device == self.tree_train.device:
            return self
        return dataclasses.replace(self, tree_train=tree_matrix(self.raw_train, device),
                                   tree_test=tree_matrix(self.raw_test, device))

    def fields(self) -> dict[str, Any]:
        return {"task": self.dataset.task, "openml_task_id": self.dataset.openml_task_id,
                "n_train": len(self.fit) + len(self.val), "n_test": len(self.y_test)}

    def seed(self, purpose: str, suite_seed: int) -> int:
        i = self.item
        return derive_seed(suite_seed, i.dataset, i.repeat, i.fold, i.seed, purpose)


def prepare(item: WorkItem, dataset: Dataset, split: Split, suite: Suite,
            device: str = "cpu") -> SplitView:
    X_train, X_test = dataset.X.iloc[split.train], dataset.X.iloc[split.test]
    y_train = dataset.y[split.train]
    tree = TreeInputs().fit(X_train)
    fit, val = validation_split(
        np.arange(len(split.train)), y_train,
        fraction=suite.run.validation_fraction, stratify=dataset.is_classification,
        seed=derive_seed(suite.seed, item.dataset, item.repeat, item.fold, item.seed, "val"),
    )
    raw_train, raw_test = tree.transform(X_train), tree.transform(X_test)
    return SplitView(item, dataset, fit, val, X_train, X_test, raw_train, raw_test, y_train,
                     dataset.y[split.test], tree_matrix(raw_train, device),
                     tree_matrix(raw_test, device))
