"""Datasets: one :class:`Dataset` type, several sources."""

from __future__ import annotations

from pathlib import Path

from bench.config import DatasetSpec, EmbeddedSpec, LocalSpec, SklearnSpec
from bench.data.dataset import Dataset, SourceType, TaskType
from bench.data.embedded import embedded_manifest, load_embedded
from bench.data.local import load_local
from bench.data.sklearn_source import load_sklearn


def spec_label(spec: DatasetSpec) -> str:
    """A short name for a spec, known before loading (for plans and error messages)."""
    if isinstance(spec, LocalSpec):
        return spec.name or spec.path.name.split(".")[0]
    return spec.name


def load_dataset(spec: DatasetSpec, *, base_dir: Path = Path(".")) -> Dataset:
    """Load the dataset a suite entry names; relative local paths are relative to ``base_dir``."""
    if isinstance(spec, EmbeddedSpec):
        return load_embedded(spec.name)
    if isinstance(spec, SklearnSpec):
        return load_sklearn(spec.name)
    if isinstance(spec, LocalSpec):
        path = spec.path if spec.path.is_absolute() else base_dir / spec.path
        return load_local(
            path, target=spec.target, name=spec.name, task=spec.task, categorical=spec.categorical
        )
    raise TypeError(f"unknown dataset spec type {type(spec).__name__}")


__all__ = [
    "Dataset",
    "SourceType",
    "TaskType",
    "embedded_manifest",
    "load_dataset",
    "spec_label",
]
