"""Datasets shipped inside the package (PMLB copies, see ``embedded/PROVENANCE.md``)."""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import pandas as pd
import yaml

from bench.data.dataset import Dataset
from bench.data.normalize import normalize
from bench.errors import DataError


@dataclass(frozen=True)
class EmbeddedEntry:
    """One row of ``embedded/MANIFEST.csv``."""

    name: str
    task: str
    n_rows: int
    n_features: int
    n_classes: int
    openml_id: int | None
    sha256: str


def embedded_dir() -> Path:
    return Path(str(resources.files("bench.data") / "embedded"))


@cache
def embedded_manifest() -> dict[str, EmbeddedEntry]:
    with open(embedded_dir() / "MANIFEST.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return {
        r["name"]: EmbeddedEntry(
            name=r["name"],
            task=r["task"],
            n_rows=int(r["n_rows"]),
            n_features=int(r["n_features"]),
            n_classes=int(r["n_classes"] or 0),
            openml_id=int(r["openml_id"]) if r["openml_id"] else None,
            sha256=r["sha256"],
        )
        for r in rows
    }


def load_embedded(name: str) -> Dataset:
    """Load an embedded dataset, verifying its checksum first."""
    entry = embedded_manifest().get(name)
    if entry is None:
        known = ", ".join(sorted(embedded_manifest()))
        raise DataError(f"no embedded dataset named {name!r}; embedded: {known}")
    path = embedded_dir() / f"{name}.tsv.gz"
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != entry.sha256:
        raise DataError(f"checksum mismatch (expected {entry.sha256[:12]}…, got {digest[:12]}…)",
                        where=str(path))
    frame = pd.read_csv(path, sep="\t")
    categorical = pmlb_categorical(path.with_name(f"{name}.metadata.yaml"))
    return normalize(
        frame,
        target="target",
        name=name,
        source="embedded",
        task=entry.task,
        categorical=categorical,
        openml_dataset_id=entry.openml_id,
        provenance=[f"PMLB copy of OpenML dataset {entry.openml_id} (sha256 {entry.sha256[:12]})"],
    )


def pmlb_categorical(metadata: Path) -> list[str]:
    """Feature names typed ``categorical`` in a PMLB ``metadata.yaml`` (empty if no file)."""
    if not metadata.is_file():
        return []
    try:
        meta = yaml.safe_load(metadata.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise DataError(f"invalid YAML: {exc}", where=str(metadata)) from None
    features = meta.get("features") or []
    return [str(f["name"]) for f in features if f.get("type") == "categorical"]
