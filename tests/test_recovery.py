"""``bench.recovery.recover``: a missing or damaged manifest is rebuilt from the parts' metadata
(real store, real parquet parts); the damaged one is kept; a sound one is left alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.errors import BenchError
from bench.recovery import manifest_is_sound, recover
from bench.schema import SCHEMA_VERSION, RowKey, RunFields, error_row, new_row
from bench.store import MANIFEST, RunStore

CONFIG = {"name": "tiny", "seed": 0}


def _run(folder: Path, *, config_hash: str = "hash-a", run_id: str = "tiny-1") -> RunStore:
    store = RunStore(folder)
    store.open({"schema_version": SCHEMA_VERSION, "run_id": run_id, "suite": "tiny",
                "config": CONFIG, "config_hash": config_hash})
    return store


def _rows(config_hash: str = "hash-a", folds=(0, 1)) -> list[dict]:
    run = RunFields("tiny-1", config_hash, "tiny", "cpu")
    ok = [new_row(run, RowKey("iris", 0, f, 0, "none", "raw"), status="ok", accuracy=0.9)
          for f in folds]
    return [*ok, error_row(run, RowKey("iris", 0, 0, 0, "pca", "emb"), "RuntimeError: boom")]


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    store = _run(tmp_path / "run")
    store.append(_rows()[:2])
    store.append(_rows()[2:])
    return tmp_path / "run"


def test_a_sound_manifest_is_left_alone(run_dir: Path) -> None:
    assert recover(run_dir) is None


def test_a_sound_manifest_is_sound(run_dir: Path) -> None:
    assert manifest_is_sound(run_dir)


def test_a_garbage_manifest_is_not_sound(run_dir: Path) -> None:
    (run_dir / MANIFEST).write_bytes(b"\x00 not json")
    assert not manifest_is_sound(run_dir)


def test_a_deleted_manifest_is_rebuilt(run_dir: Path) -> None:
    (run_dir / MANIFEST).unlink()
    recover(run_dir)
    assert RunStore(run_dir).read_manifest()["config_hash"] == "hash-a"


def test_the_rebuilt_manifest_carries_the_run_identity(run_dir: Path) -> None:
    (run_dir / MANIFEST).unlink()
    recover(run_dir)
    manifest = RunStore(run_dir).read_manifest()
    assert {k: manifest[k] for k in ("run_id", "suite", "config", "status")} == {
        "run_id": "tiny-1", "suite": "tiny", "config": CONFIG, "status": "recovered"}


def test_the_rebuilt_manifest_counts_rows_and_failures(run_dir: Path) -> None:
    (run_dir / MANIFEST).unlink()
    recover(run_dir)
    manifest = RunStore(run_dir).read_manifest()
    assert (manifest["n_rows"], manifest["n_failed"]) == (3, 1)


def test_recover_reports_parts_and_rows(run_dir: Path) -> None:
    (run_dir / MANIFEST).unlink()
    done = recover(run_dir)
    assert (done.n_parts, done.n_rows, done.kept) == (2, 3, None)


def test_a_damaged_manifest_is_kept_beside_the_new_one(run_dir: Path) -> None:
    (run_dir / MANIFEST).write_bytes(b"{ truncated")
    done = recover(run_dir)
    assert done.kept.read_bytes() == b"{ truncated"


def test_the_kept_manifest_is_named_as_damaged(run_dir: Path) -> None:
    (run_dir / MANIFEST).write_bytes(b"{ truncated")
    assert recover(run_dir).kept.name.startswith("manifest.json.damaged-")


def test_without_parts_nothing_can_be_rebuilt(tmp_path: Path) -> None:
    _run(tmp_path / "run")
    (tmp_path / "run" / MANIFEST).unlink()
    with pytest.raises(BenchError, match="no parts to rebuild the manifest from"):
        recover(tmp_path / "run")


def test_a_missing_run_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(BenchError, match="no such run directory"):
        recover(tmp_path / "nowhere")


def test_parts_of_two_configs_are_refused(run_dir: Path, tmp_path: Path) -> None:
    other = _run(tmp_path / "other", config_hash="hash-b")
    other.append(_rows("hash-b", folds=(2,))[:1])
    (part,) = other.part_files()
    part.rename(run_dir / "parts" / "part-99999999-ffffffff.parquet")
    (run_dir / MANIFEST).unlink()
    with pytest.raises(BenchError, match="parts of two configs"):
        recover(run_dir)


def test_an_unreadable_part_is_named(run_dir: Path) -> None:
    (run_dir / "parts" / "part-99999999-ffffffff.parquet").write_bytes(b"not parquet")
    (run_dir / MANIFEST).unlink()
    with pytest.raises(BenchError, match="unreadable part"):
        recover(run_dir)


def test_the_rebuilt_manifest_is_json(run_dir: Path) -> None:
    (run_dir / MANIFEST).unlink()
    recover(run_dir)
    assert json.loads((run_dir / MANIFEST).read_text())["schema_version"] == SCHEMA_VERSION
