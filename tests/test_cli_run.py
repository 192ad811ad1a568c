"""bench.cli.run: `bench run` parses, checks, runs and prints: task 1882 offline with its official
splits, one line when the cache lacks it, the dry run's plan, problems found before any work."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from bench.cli import app
from tests.helpers import invoke_cli, write_pmlb_suite, write_suite
from tests.openml_data import TASK_SUITE, TEST_SERVER, official_indices
from tests.test_data_task_inference import AMBIGUOUS

pytest_plugins = ("tests.openml_fixtures",)

runner = CliRunner()


@pytest.fixture(scope="module")
def pmlb_suite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_pmlb_suite(tmp_path_factory.mktemp("pmlb"))


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


def test_run_lets_idle_openblas_threads_sleep(tiny_suite: Path, monkeypatch) -> None:
    monkeypatch.setenv("OPENBLAS_THREAD_TIMEOUT", "")  # restored after the test
    monkeypatch.delenv("OPENBLAS_THREAD_TIMEOUT")
    runner.invoke(app, ["run", str(tiny_suite), "--dry-run"])
    assert os.environ.get("OPENBLAS_THREAD_TIMEOUT") == "4"


NO_ROWS = """
[run]
feature_sets = ["emb"]
encoders = []
[[datasets]]
source = "embedded"
name = "iris"
"""


def test_a_plan_without_rows_is_a_problem(tmp_path: Path) -> None:
    suite = write_suite(tmp_path, NO_ROWS)
    code, output = invoke_cli("run", str(suite), "--dry-run")
    assert code == 2
    assert "the plan has no result rows" in output


def test_a_plan_without_rows_stops_a_run(tmp_path: Path) -> None:
    suite = write_suite(tmp_path, NO_ROWS)
    code, output = invoke_cli("run", str(suite), "--out", str(tmp_path / "o"), "--quiet")
    assert (code, (tmp_path / "o").exists()) == (2, False)


def test_run_stops_before_any_work_with_the_list(pmlb_suite: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    code, output = invoke_cli("run", str(pmlb_suite), "--out", str(out), "--quiet")
    assert (code, out.exists(), "24 problems in suite pmlb45:" in output) == (2, False, True)


def test_dry_run_with_infer_tasks_prints_each_guess(pmlb_suite: Path) -> None:
    code, output = invoke_cli("run", str(pmlb_suite), "--dry-run", "--infer-tasks")
    assert code == 0
    assert ("letter: task inferred as classification (--infer-tasks): the target has 26 distinct "
            "whole-number values (1, 2, 3, 4, 5, ...)") in output
    assert output.count("task inferred as") == len(AMBIGUOUS)


@pytest.fixture(scope="module")
def inferred_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("infer")
    rng = np.random.default_rng(0)
    pd.DataFrame({"a": rng.normal(size=60), "b": rng.normal(size=60),
                  "grade": np.arange(60) % 3 + 1}).to_csv(folder / "grades.csv", index=False)
    suite = write_suite(folder, """
        name = "infer"
        [run]
        folds = 2
        encoders = []
        feature_sets = ["raw"]
        [xgboost]
        n_estimators = 5
        [[datasets]]
        source = "local"
        path = "grades.csv"
        target = "grade"
        """)
    out = folder / "run"
    code, output = invoke_cli("run", str(suite), "--out", str(out), "--quiet", "--device", "cpu",
                           "--infer-tasks")
    assert code == 0, output
    return out, output


def test_infer_tasks_prints_the_guess(inferred_run: tuple[Path, str]) -> None:
    assert ("grades: task inferred as classification (--infer-tasks): the target has 3 distinct "
            "whole-number values (1, 2, 3)") in inferred_run[1]


def test_infer_tasks_is_stored_in_the_manifest(inferred_run: tuple[Path, str]) -> None:
    manifest = json.loads((inferred_run[0] / "manifest.json").read_text())
    assert (manifest["config"]["datasets"][0]["task"], manifest["datasets"]["grades"]["task"],
            manifest["datasets"]["grades"]["task_inferred"]) == ("infer", "multiclass", True)


def test_infer_tasks_is_shown_in_the_report(inferred_run: tuple[Path, str]) -> None:
    report = (inferred_run[0] / "report.md").read_text()
    assert "grades (multiclass, inferred)" in report


def test_dry_run_shows_a_memory_estimate_per_dataset(tmp_path: Path) -> None:
    suite = write_suite(tmp_path, '[run]\nencoders = ["pca"]\n[[datasets]]\nsource = "embedded"\n'
                                  'name = "iris"\n')
    code, output = invoke_cli("run", str(suite), "--dry-run")
    assert (code, "memory at once (est.)" in output, "memory available now:" in output) == (
        0, True, True)
