"""The one object every data source produces."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

import numpy as np
import pandas as pd

from bench.data.task_inference import GUESSED_NOTE

TaskType = Literal["binary", "multiclass", "regression"]
SourceType = Literal["embedded", "openml", "local", "sklearn", "synthetic"]


@dataclass(frozen=True, eq=False)
class Dataset:
    """A normalized tabular dataset, ready for splitting.

    ``X`` has float columns and pandas ``category`` columns only (names in ``categorical``);
    ``y`` is float64 for regression and int64 class codes ``0..C-1`` for classification, with the
    original labels in ``classes``. ``provenance`` lists, in order, everything done to the data
    since it left its source, so a reader of the results can reproduce it.
    """

    name: str
    source: SourceType
    task: TaskType
    X: pd.DataFrame
    y: np.ndarray
    categorical: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()
    openml_task_id: int | None = None
    openml_dataset_id: int | None = None
    provenance: tuple[str, ...] = field(default_factory=tuple)

    @property
    def n_rows(self) -> int:
        return len(self.X)

    @property
    def n_features(self) -> int:
        return self.X.shape[1]

    @property
    def n_classes(self) -> int:
        return len(self.classes) if self.task != "regression" else 0

    @property
    def is_classification(self) -> bool:
        return self.task != "regression"

    @property
    def task_inferred(self) -> bool:
        """True when the task is a guess for an ambiguous target (``--infer-tasks``)."""
        return any(note.startswith(GUESSED_NOTE) for note in self.provenance)

    @cached_property
    def content_hash(self) -> str:
        """SHA-256 over the feature values, dtypes and target: changes iff the data changes."""
        h = hashlib.sha256()
        h.update(",".join(f"{c}:{t}" for c, t in self.X.dtypes.items()).encode())
        h.update(pd.util.hash_pandas_object(self.X, index=False).to_numpy().tobytes())
        h.update(np.ascontiguousarray(self.y).tobytes())
        return h.hexdigest()

    def summary(self) -> dict[str, object]:
        """A plain dict for listings and manifests."""
        return {
            "name": self.name,
            "source": self.source,
            "task": self.task,
            "rows": self.n_rows,
            "features": self.n_features,
            "categorical": len(self.categorical),
            "classes": self.n_classes,
            "task_inferred": self.task_inferred,
            "openml_task_id": self.openml_task_id,
            "openml_dataset_id": self.openml_dataset_id,
        }
