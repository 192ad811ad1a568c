"""bench.cli.run: `bench run` parses, checks, runs and prints: task 1882 offline with its official
splits, one line when the cache lacks it, the dry run's plan, problems found before any work."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from bench.cli import app
from tests.helpers import write_suite
from tests.openml_fixtures import TASK_SUITE, TEST_SERVER, official_indices

pytest_plugins = ("tests.openml_fixtures",)

runner = CliRunner()


@pytest.mark.slow
def test_run_task_1882_offline_uses_openml_splits(tmp_path, flag_cache, no_network) -> None:
    suite = write_suite(tmp_path, TASK_SUITE)
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(suite), "--out", str(out), "--quiet", "--device", "cpu",
                                 "--offline", "--cache-dir", str(flag_cache)])
    assert result.exit_code == 0, result.output
    frame = pd.read_parquet(out / "results.parquet")
    assert (frame["status"] == "ok").all()
    assert set(zip(frame["repeat"], frame["fold"], strict=True)) == {(0, 0), (0, 1)}
    assert (frame["openml_task_id"] == 1882).all()
    assert (frame["dataset"] == "anneal").all()
    official = official_indices(flag_cache, [(0, 0), (0, 1)])
    for (r, f), (train, test) in official.items():
        rows = frame[(frame["repeat"] == r) & (frame["fold"] == f)]
        assert (rows["n_train"] == len(train)).all()
        assert (rows["n_test"] == len(test)).all()
    manifest = json.loads((out / "manifest.json").read_text())
    provenance = manifest["datasets"]["anneal"]["provenance"]
    assert provenance[0].startswith("OpenML dataset 2 'anneal' version 1")
    assert provenance[-1] == "OpenML task 1882 (Supervised Classification, target 'class')"


def test_run_offline_without_cache_is_one_line_with_the_fetch_command(tmp_path, monkeypatch,
                                                                     no_network) -> None:
    monkeypatch.setenv("BENCH_OPENML_SERVER", TEST_SERVER)
    suite = write_suite(tmp_path, TASK_SUITE)
    empty = tmp_path / "empty"
    result = runner.invoke(app, ["run", str(suite), "--out", str(tmp_path / "o"), "--offline",
                                 "--cache-dir", str(empty)])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert "task 1882" in lines[0]
    assert f"bench fetch {suite} --cache-dir {empty}" in lines[0]


def test_dry_run_prints_the_plan(tiny_suite: Path) -> None:
    result = runner.invoke(app, ["run", str(tiny_suite), "--dry-run", "--seeds", "3",
                                 "--encoders", "pca"])
    assert result.exit_code == 0, result.output
    # 2 datasets × 2 folds × 3 seeds × (1 encoder × 2 + 1)
    assert "expected rows: 36" in result.output


