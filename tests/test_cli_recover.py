"""``bench recover``: a lost or damaged manifest is rebuilt from the parts, and the rerun
resumes (issue 17, item 7)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from bench.cli import app
from bench.schema import SCHEMA_VERSION, VERSION_KEY
from bench.store import CONFIG_HASH_KEY, RunStore, load
from tests.helpers import pca_suite, write_suite

SUITE = pca_suite("recoverable")

runner = CliRunner()


@pytest.fixture(scope="module")
def finished(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("recover")
    suite = write_suite(folder, SUITE)
    result = runner.invoke(app, ["run", str(suite), "--out", str(folder / "run"), "-q"])
    assert result.exit_code == 0, result.output
    return suite, folder / "run"


@pytest.fixture
def run_copy(finished: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    suite, run = finished
    shutil.copytree(run, tmp_path / "run")
    return suite, tmp_path / "run"


def test_parts_carry_the_config_hash_and_schema_version(finished) -> None:
    _, run = finished
    manifest = RunStore(run).read_manifest()
    for part in RunStore(run).part_files():
        metadata = pq.read_schema(part).metadata
        assert metadata[CONFIG_HASH_KEY].decode() == manifest["config_hash"]
        assert metadata[VERSION_KEY].decode() == str(SCHEMA_VERSION)


@pytest.mark.parametrize("damage", ["delete", "garbage", "truncate"])
def test_a_lost_manifest_is_rebuilt_and_the_rerun_resumes(damage: str, run_copy) -> None:
    suite, run = run_copy
    before = load(run)
    manifest = run / "manifest.json"
    if damage == "delete":
        manifest.unlink()
    elif damage == "garbage":
        manifest.write_bytes(b"\x00\xff not json")
    else:
        manifest.write_bytes(manifest.read_bytes()[:40])
    result = runner.invoke(app, ["recover", str(run)])
    assert result.exit_code == 0, result.output
    assert "rebuilt" in result.output
    again = runner.invoke(app, ["run", str(suite), "--out", str(run), "-q"])
    assert again.exit_code == 0, again.output
    after = load(run)
    assert after[["dataset", "fold", "encoder", "feature_set", "accuracy"]].equals(
        before[["dataset", "fold", "encoder", "feature_set", "accuracy"]])
    assert RunStore(run).read_manifest()["config_hash"] == \
        pq.read_schema(RunStore(run).part_files()[0]).metadata[CONFIG_HASH_KEY].decode()


def test_without_a_manifest_run_points_to_recover(run_copy) -> None:
    suite, run = run_copy
    (run / "manifest.json").unlink()
    result = runner.invoke(app, ["run", str(suite), "--out", str(run), "-q"])
    assert result.exit_code == 2
    assert "bench recover" in result.output


def test_a_sound_manifest_is_left_alone(run_copy) -> None:
    _, run = run_copy
    text = (run / "manifest.json").read_text()
    result = runner.invoke(app, ["recover", str(run)])
    assert result.exit_code == 0
    assert "nothing to recover" in result.output
    assert (run / "manifest.json").read_text() == text
