"""Datasets: one :class:`Dataset` type, several sources."""

from __future__ import annotations

from pathlib import Path

from bench.config import (
    DatasetSpec,
    EmbeddedSpec,
    LocalSpec,
    OpenMLSpec,
    SklearnSpec,
    SyntheticSpec,
)
from bench.data.dataset import Dataset, SourceType, TaskType
from bench.data.embedded import embedded_manifest, load_embedded
from bench.data.local import load_local
from bench.data.openml_client import OpenMLOptions
from bench.data.sklearn_source import load_sklearn
from bench.data.synthetic import load_synthetic


def spec_label(spec: DatasetSpec) -> str:
    """A short name for a spec, known before loading (for plans and error messages)."""
    if isinstance(spec, LocalSpec):
        return spec.name or spec.path.name.split(".")[0]
    if isinstance(spec, OpenMLSpec):
        from bench.data.openml import spec_label as openml_label

        return openml_label(spec)
    return spec.name


def load_dataset(spec: DatasetSpec, *, base_dir: Path = Path("."),
                 options: OpenMLOptions | None = None, seed: int = 0) -> Dataset:
    """Load the dataset a suite entry names; relative local paths are relative to ``base_dir``.

    ``options`` say where OpenML data is cached and whether the network may be used (default:
    online, cache from ``$BENCH_CACHE_DIR``); ``seed`` is the suite seed (``max_rows`` draws).
    """
    if isinstance(spec, EmbeddedSpec):
        return load_embedded(spec.name)
    if isinstance(spec, SklearnSpec):
        return load_sklearn(spec.name)
    if isinstance(spec, SyntheticSpec):
        return load_synthetic(spec)
    if isinstance(spec, LocalSpec):
        path = spec.path if spec.path.is_absolute() else base_dir / spec.path
        return load_local(
            path, target=spec.target, name=spec.name, task=spec.task, categorical=spec.categorical
        )
    if isinstance(spec, OpenMLSpec):
        from bench.data.openml import load_openml

        return load_openml(spec, options=options or OpenMLOptions.from_env(), seed=seed,
                           splits=False).dataset
    raise TypeError(f"unknown dataset spec type {type(spec).__name__}")


__all__ = [
    "Dataset",
    "OpenMLOptions",
    "SourceType",
    "TaskType",
    "embedded_manifest",
    "load_dataset",
    "spec_label",
]
