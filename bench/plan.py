"""What a run will do, known before any data is loaded (for ``--dry-run`` and progress)."""

from __future__ import annotations

from dataclasses import dataclass

from bench.config import Suite
from bench.data import spec_label
from bench.errors import ConfigError

RowKey = tuple[str, int, int, int, str, str]
KEY_COLUMNS = ("dataset", "repeat", "fold", "seed", "encoder", "feature_set")


@dataclass(frozen=True)
class WorkItem:
    """One (dataset, repeat, fold, seed): raw once, then every encoder on the same split."""

    dataset: str
    spec_index: int
    repeat: int
    fold: int
    seed: int
    encoders: tuple[str, ...]
    feature_sets: tuple[str, ...]

    def row_keys(self) -> list[RowKey]:
        base = (self.dataset, self.repeat, self.fold, self.seed)
        keys: list[RowKey] = []
        if "raw" in self.feature_sets:
            keys.append((*base, "none", "raw"))
        for enc in self.encoders:
            keys.extend((*base, enc, fs) for fs in self.feature_sets if fs != "raw")
        return keys

    @property
    def n_units(self) -> int:
        """Encoder fits, plus one for the encoder-free raw model (the progress bar's unit)."""
        return len(self.encoders) + ("raw" in self.feature_sets)


@dataclass(frozen=True)
class Plan:
    suite: Suite
    datasets: tuple[str, ...]
    items: tuple[WorkItem, ...]

    @property
    def n_rows(self) -> int:
        return sum(len(item.row_keys()) for item in self.items)

    @property
    def n_units(self) -> int:
        return sum(item.n_units for item in self.items)


def make_plan(suite: Suite) -> Plan:
    """Every (dataset, repeat, fold, seed) item of the suite, in a deterministic order."""
    labels = [spec_label(spec) for spec in suite.datasets]
    duplicated = sorted({x for x in labels if labels.count(x) > 1})
    if duplicated:
        raise ConfigError(f"datasets listed more than once: {duplicated}", where=suite.name)
    run = suite.run
    needs_encoder = any(fs != "raw" for fs in run.feature_sets)
    encoders = tuple(run.encoders) if needs_encoder else ()
    items = tuple(
        WorkItem(label, i, r, f, s, encoders, tuple(run.feature_sets))
        for i, label in enumerate(labels)
        for r in range(run.repeats)
        for f in range(run.folds)
        for s in run.seeds
    )
    return Plan(suite, tuple(labels), items)
