"""bench.data (the package entry): ``load_dataset`` dispatches each suite entry to its source."""

from __future__ import annotations

from pathlib import Path

from bench.data import load_dataset
from tests.helpers import mixed_frame


def test_load_dataset_dispatch(tmp_path: Path) -> None:
    from bench.config import EmbeddedSpec, LocalSpec, SklearnSpec

    assert load_dataset(EmbeddedSpec(source="embedded", name="iris")).source == "embedded"
    assert load_dataset(SklearnSpec(source="sklearn", name="wine")).source == "sklearn"
    mixed_frame().to_csv(tmp_path / "f.csv", index=False)
    spec = LocalSpec(source="local", path=Path("f.csv"), name="mine")
    assert load_dataset(spec, base_dir=tmp_path).name == "mine"
