"""The OpenML commands end to end: `bench run` on task 1882 with its official splits, offline;
`bench datasets` of the shipped OpenML suites offline; `bench fetch` against a local server."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import openml
import pandas as pd
import pytest
from typer.testing import CliRunner

from bench.cli import app
from bench.data import OpenMLOptions
from bench.data.openml_client import openml_session
from bench.device import resolve_device
from bench.plan import make_plan
from bench.runner import RunContext, load_job_data
from bench.suite_loader import load_suite
from tests.helpers import TINY_ENCODERS, write_suite
from tests.test_openml import DATA, TEST_SERVER, no_network  # noqa: F401 - fixture

runner = CliRunner()

TASK_SUITE = f"""
name = "anneal"
[run]
seeds = [0]
encoders = ["pca"]
max_official_repeats = 1
max_official_folds = 2
[xgboost]
n_estimators = 10
max_depth = 3
early_stopping_rounds = 3
{TINY_ENCODERS}
[[datasets]]
source = "openml"
task = 1882
name = "anneal"
"""


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BENCH_OPENML_SERVER", TEST_SERVER)
    monkeypatch.delenv("BENCH_CACHE_DIR", raising=False)
    root = tmp_path / "cache"
    shutil.copytree(DATA / "org", root / "openml" / "org")
    return root


def _official(cache: Path, pairs: list[tuple[int, int]]) -> dict[tuple[int, int], tuple]:
    with openml_session(OpenMLOptions.from_env(cache_dir=cache, offline=True)):
        task = openml.tasks.get_task(1882, download_splits=True, download_data=False,
                                     download_qualities=False, download_features_meta_data=False)
        return {(r, f): task.get_train_test_split_indices(fold=f, repeat=r) for r, f in pairs}


@pytest.mark.slow
def test_run_task_1882_offline_uses_openml_splits(tmp_path, cache, no_network) -> None:  # noqa: F811
    suite = write_suite(tmp_path, TASK_SUITE)
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(suite), "--out", str(out), "--quiet", "--device", "cpu",
                                 "--offline", "--cache-dir", str(cache)])
    assert result.exit_code == 0, result.output
    frame = pd.read_parquet(out / "results.parquet")
    assert (frame["status"] == "ok").all()
    assert set(zip(frame["repeat"], frame["fold"], strict=True)) == {(0, 0), (0, 1)}
    assert (frame["openml_task_id"] == 1882).all()
    assert (frame["dataset"] == "anneal").all()
    official = _official(cache, [(0, 0), (0, 1)])
    for (r, f), (train, test) in official.items():
        rows = frame[(frame["repeat"] == r) & (frame["fold"] == f)]
        assert (rows["n_train"] == len(train)).all()
        assert (rows["n_test"] == len(test)).all()
    manifest = json.loads((out / "manifest.json").read_text())
    provenance = manifest["datasets"]["anneal"]["provenance"]
    assert provenance[0].startswith("OpenML dataset 2 'anneal' version 1")
    assert provenance[-1] == "OpenML task 1882 (Supervised Classification, target 'class')"


def test_job_splits_are_exactly_openml_train_test_indices(tmp_path, cache) -> None:
    suite = load_suite(write_suite(tmp_path, TASK_SUITE))
    options = OpenMLOptions.from_env(cache_dir=cache, offline=True)
    plan = make_plan(suite, options=options)
    (job,) = plan.jobs()
    ctx = RunContext(suite, "t", suite.config_hash(), resolve_device("cpu"), offline=True,
                     cache_dir=cache)
    dataset, splits = load_job_data(job, ctx)
    assert dataset.n_rows == 898
    assert sorted(splits) == [(0, 0), (0, 1)]
    for key, (train, test) in _official(cache, list(splits)).items():
        assert splits[key].origin == "openml"
        np.testing.assert_array_equal(splits[key].train, train)  # no row dropped: ids = positions
        np.testing.assert_array_equal(splits[key].test, test)


def test_run_offline_without_cache_is_one_line_with_the_fetch_command(tmp_path, monkeypatch,
                                                                     no_network) -> None:  # noqa: F811
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


@pytest.mark.parametrize(("suite", "n"), [("cc18", 72), ("ctr23", 35), ("grinsztajn", 59),
                                          ("grinsztajn-num-clf", 16), ("amlb-regression", 33)])
def test_shipped_openml_suites_list_offline_without_cache(tmp_path, suite, n,
                                                          no_network) -> None:  # noqa: F811
    result = runner.invoke(app, ["datasets", suite, "--offline", "--cache-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    rows = [line for line in result.output.splitlines() if "│ openml" in line]
    assert len(rows) == n
    assert all("?" in line for line in rows)
    assert f"{n} OpenML entries are not cached" in result.output
    assert f"bench fetch {suite}" in result.output


def test_datasets_lists_full_info_from_the_cache(tmp_path, cache, no_network) -> None:  # noqa: F811
    suite = write_suite(tmp_path, TASK_SUITE + '\n[[datasets]]\nsource = "openml"\ntask = 3\n')
    result = runner.invoke(app, ["datasets", str(suite), "--offline", "--cache-dir", str(cache)])
    assert result.exit_code == 0, result.output
    anneal = next(line for line in result.output.splitlines() if "│ anneal" in line)
    assert "t1882/d2" in anneal
    assert "multiclass" in anneal
    assert "898" in anneal
    assert "31" in anneal
    other = next(line for line in result.output.splitlines() if "task-3 " in line)
    assert "classification" in other
    assert "?" in other  # task 3 is in the cc18 list, not cached
    assert "1 OpenML entry is not cached" in result.output


def test_fetch_reports_failures_in_a_table_and_exits_1(tmp_path, monkeypatch) -> None:
    from tests.openml_server import FakeOpenML, fake_openml

    suite = write_suite(tmp_path, TASK_SUITE + '\n[[datasets]]\nsource = "openml"\ntask = 999\n')
    with fake_openml(FakeOpenML(busy={"/data/download/2": 1})) as srv:
        monkeypatch.setenv("BENCH_OPENML_SERVER", srv.server)
        result = runner.invoke(app, ["fetch", str(suite), "--cache-dir", str(tmp_path / "c"),
                                     "--backoff", "0.01", "--timeout", "5", "--quiet"])
        assert srv.hits["/data/download/2"] == 2  # the ARFF download was retried once
    assert result.exit_code == 1
    assert "fetched 1 of 2 OpenML entries" in result.output
    assert "task-999" in result.output
    assert "does not exist" in result.output
    offline = runner.invoke(app, ["datasets", str(suite), "--offline",
                                  "--cache-dir", str(tmp_path / "c")])
    assert "898" in offline.output


def test_fetch_of_a_suite_without_openml_entries(tiny_suite) -> None:
    result = runner.invoke(app, ["fetch", str(tiny_suite)])
    assert result.exit_code == 0
    assert "no OpenML entries" in result.output
