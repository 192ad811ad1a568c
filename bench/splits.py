"""Train/test splits: OpenML's official ones, or (stratified) K-fold × repeats, deterministic per
(suite seed, dataset, repeat).

Splits do not depend on the model seed, so every seed and every method of a (dataset, repeat,
fold) sees the same rows: the paired design the statistics rely on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
from sklearn.model_selection import KFold, StratifiedKFold, train_test_split

from bench.data import Dataset
from bench.errors import DataError
from bench.seeding import derive_seed

if TYPE_CHECKING:
    from bench.data.openml import OfficialSplits


@dataclass(frozen=True, eq=False)
class Split:
    """Row positions of one train/test split of a dataset."""

    repeat: int
    fold: int
    train: np.ndarray
    test: np.ndarray
    origin: Literal["kfold", "openml"] = "kfold"


def make_splits(dataset: Dataset, *, folds: int, repeats: int, suite_seed: int) -> list[Split]:
    """All ``repeats × folds`` splits, in (repeat, fold) order."""
    check_splittable(dataset, folds)
    out = []
    for repeat in range(repeats):
        seed = derive_seed(suite_seed, dataset.name, repeat, "split")
        if dataset.is_classification:
            splitter = StratifiedKFold(folds, shuffle=True, random_state=seed)
        else:
            splitter = KFold(folds, shuffle=True, random_state=seed)
        for fold, (train, test) in enumerate(splitter.split(np.zeros(dataset.n_rows), dataset.y)):
            out.append(Split(repeat, fold, train, test))
    return out


def official_splits(dataset: Dataset, row_ids: np.ndarray, official: OfficialSplits,
                    pairs: Iterable[tuple[int, int]]) -> list[Split]:
    """OpenML's train/test splits for ``pairs`` of (repeat, fold), as positions in ``dataset``.

    ``row_ids`` are the original OpenML row ids of the dataset's rows (rows can be missing: a
    missing target, or a ``max_rows`` subsample); official split rows not in the dataset are left
    out of the split, which is recorded in the provenance by the caller.
    """
    position = np.full(int(max(row_ids.max(initial=0), _max_id(official)) + 1), -1, dtype=np.int64)
    position[row_ids] = np.arange(len(row_ids))
    out = []
    for repeat, fold in sorted(pairs):
        if (repeat, fold) not in official.indices:
            raise DataError(
                f"OpenML task {official.task_id} has {official.repeats} repeat(s) x "
                f"{official.folds} fold(s) of official splits; repeat {repeat}, fold {fold} "
                f"does not exist (lower max_official_repeats / max_official_folds)",
                where=dataset.name)
        train_ids, test_ids = official.indices[(repeat, fold)]
        train, test = position[train_ids], position[test_ids]
        train, test = train[train >= 0], test[test >= 0]
        if len(train) == 0 or len(test) == 0:
            raise DataError(f"official split repeat {repeat}, fold {fold} of OpenML task "
                            f"{official.task_id} has no rows left", where=dataset.name)
        out.append(Split(repeat, fold, train, test, origin="openml"))
    return out


def _max_id(official: OfficialSplits) -> int:
    return max((max(int(tr.max(initial=0)), int(te.max(initial=0)))
                for tr, te in official.indices.values()), default=0)


def check_splittable(dataset: Dataset, folds: int) -> None:
    """Fail early with a clear message instead of deep inside scikit-learn."""
    if dataset.n_rows < folds:
        raise DataError(f"{dataset.n_rows} rows cannot be split into {folds} folds",
                        where=dataset.name)
    if dataset.is_classification:
        counts = np.bincount(dataset.y, minlength=dataset.n_classes)
        small = [dataset.classes[i] for i in np.flatnonzero(counts < folds)]
        if small:
            raise DataError(
                f"classes {small} have fewer than {folds} rows, so stratified {folds}-fold CV "
                f"cannot put one in every test fold; lower `folds` or drop those classes",
                where=dataset.name,
            )


def validation_split(
    train: np.ndarray, y: np.ndarray, *, fraction: float, stratify: bool, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Carve an early-stopping validation set out of the training rows (never the test rows)."""
    labels = y[train] if stratify else None
    if labels is not None:
        counts = np.bincount(labels)
        if counts[counts > 0].min() < 2:
            labels = None  # a class with a single training row cannot be stratified
    try:
        fit, val = train_test_split(train, test_size=fraction, random_state=seed, stratify=labels)
    except ValueError:  # fewer validation rows than classes: fall back to a plain split
        fit, val = train_test_split(train, test_size=fraction, random_state=seed)
    return np.sort(fit), np.sort(val)
