"""Executors: the same rows whichever runs them (in-process, a real Dask LocalCluster, a
scheduler address, isolated unit workers); unit timeouts really stop the work."""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from bench.cli import app
from bench.errors import ConfigError
from bench.executors import DaskExecutor, LocalExecutor, make_executor
from bench.threads import usable_cores
from tests.helpers import TINY_SUITE, write_suite

pytestmark = pytest.mark.slow

TIMINGS = ["encoder_fit_s", "xgb_fit_s", "predict_s"]

SUITE = """
    name = "executors"
    [run]
    folds = 2
    seeds = [0]
    encoders = ["ae", "pca"]
    [xgboost]
    n_estimators = 15
    max_depth = 3
    early_stopping_rounds = 5
    [encoders.ae]
    latent = 3
    hidden = [8]
    epochs = 4
    [encoders.pca]
    latent = 3
    [[datasets]]
    source = "embedded"
    name = "iris"
    [[datasets]]
    source = "embedded"
    name = "230_machine_cpu"
    [[datasets]]
    source = "local"
    path = "broken.csv"
    """


def _run(suite: Path, out: Path, *extra: str) -> pd.DataFrame:
    result = CliRunner().invoke(app, ["run", str(suite), "--out", str(out), "--quiet",
                                      "--device", "cpu", *extra])
    assert result.exit_code == 1, result.output  # the broken dataset fails; the rest runs
    return pd.read_parquet(out / "results.parquet").drop(columns=TIMINGS)


@pytest.fixture(scope="module")
def suite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("suite")
    (folder / "broken.csv").write_text("a,b\n1,2\n3,4\n")  # no target column
    return write_suite(folder, SUITE)


@pytest.fixture(scope="module")
def local_rows(suite: Path, tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    frame = _run(suite, tmp_path_factory.mktemp("local") / "run")
    assert len(frame) == 3 * 2 * 5
    assert (frame["status"] == "ok").sum() == 2 * 2 * 5
    return frame


def test_dask_local_cluster_gives_identical_rows(suite, local_rows, tmp_path: Path) -> None:
    """Two worker processes share this machine's cores; every fit's thread count still comes
    from the data, so the rows are bitwise those of the local executor."""
    frame = _run(suite, tmp_path / "run", "--executor", "dask", "--workers", "2")
    pd.testing.assert_frame_equal(frame, local_rows, check_exact=True)
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text())
    assert manifest["executor"] == {"name": "dask", "workers": 2, "scheduler": None}


def test_dask_scheduler_address_gives_identical_rows(suite, local_rows, tmp_path: Path) -> None:
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                      dashboard_address=None) as cluster:
        frame = _run(suite, tmp_path / "run", "--executor", "dask", "--scheduler",
                     cluster.scheduler_address)
    pd.testing.assert_frame_equal(frame, local_rows, check_exact=True)


def test_isolated_unit_workers_give_identical_rows(suite, local_rows, tmp_path: Path) -> None:
    frame = _run(suite, tmp_path / "run", "--unit-timeout", "300")
    pd.testing.assert_frame_equal(frame, local_rows, check_exact=True)
    assert not multiprocessing.active_children()


def test_unit_timeout_kills_the_unit_and_the_suite_goes_on(tmp_path: Path) -> None:
    suite = write_suite(tmp_path, """
        name = "slow"
        [run]
        folds = 2
        seeds = [0]
        encoders = ["ae", "pca"]
        [xgboost]
        n_estimators = 10
        [encoders.ae]
        epochs = 10000
        patience = 1000
        batch_size = 1
        allow_large = true
        [encoders.pca]
        latent = 2
        [[datasets]]
        source = "embedded"
        name = "iris"
        """)
    out = tmp_path / "run"
    result = CliRunner().invoke(app, ["run", str(suite), "--out", str(out), "--quiet",
                                      "--device", "cpu", "--unit-timeout", "15"])
    assert result.exit_code == 1, result.output
    frame = pd.read_parquet(out / "results.parquet")
    timed_out = frame[frame["encoder"] == "ae"]
    assert len(timed_out) == 4
    assert (timed_out["status"] == "timeout").all()
    assert (timed_out["error"] == "TimeoutError: unit exceeded --unit-timeout 15 s; its worker "
                                  "process was killed").all()
    assert (timed_out["task"] == "multiclass").all()  # known from the dataset's raw unit
    assert (frame.loc[frame["encoder"] != "ae", "status"] == "ok").sum() == 2 * 3
    assert "timeout" in result.stderr
    assert len(list((out / "errors").glob("iris__*__ae__*.txt"))) == 4
    assert not multiprocessing.active_children()


def test_dask_cuda_without_the_package_is_a_clear_error(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    try:
        import dask_cuda  # noqa: F401

        pytest.skip("dask-cuda is installed")
    except ImportError:
        pass
    suite = write_suite(tmp_path, '[[datasets]]\nsource = "embedded"\nname = "iris"\n')
    result = CliRunner().invoke(app, ["run", str(suite), "--out", str(tmp_path / "o"),
                                      "--quiet", "--executor", "dask-cuda"])
    assert result.exit_code == 2
    assert result.stderr.strip() == ("error: --executor dask-cuda needs the dask-cuda package "
                                     "(pip install dask-cuda); or use --executor dask")


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"name": "ray"}, "--executor must be one of local, dask, dask-cuda, got 'ray'"),
        ({"scheduler": "tcp://x:1"}, "--scheduler needs --executor dask or dask-cuda"),
        ({"workers": 0}, "--workers must be >= 1, got 0"),
        ({"name": "dask", "workers": 0}, "--workers must be >= 1, got 0"),
        ({"name": "dask", "unit_timeout": 5}, "--unit-timeout works with --executor local only"),
        ({"unit_timeout": 0}, "--unit-timeout must be > 0 seconds"),
        ({"name": "dask", "workers": 2, "scheduler": "tcp://x:1"}, "with --scheduler the cluster"),
    ],
)
def test_executor_options_are_checked(kwargs: dict, match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        make_executor(**kwargs)


def test_make_executor_defaults() -> None:
    assert isinstance(make_executor(), LocalExecutor)
    assert make_executor().describe()["workers"] == usable_cores()
    assert make_executor(workers=3).describe()["workers"] == 3
    dask = make_executor("dask", workers=3)
    assert isinstance(dask, DaskExecutor)
    assert dask.describe()["workers"] == 3


def test_tiny_suite_rows_are_identical_serial_in_workers_and_on_dask(tmp_path: Path) -> None:
    """Every value of every row (timings and the run id aside) is the same whether the tiny suite
    runs in this process, in 2 worker processes, or on a 2-worker Dask cluster."""
    suite = write_suite(tmp_path, TINY_SUITE)
    frames = []
    for name, extra in [("serial", ["--workers", "1"]), ("pool", ["--workers", "2"]),
                        ("dask", ["--executor", "dask", "--workers", "2"])]:
        out = tmp_path / name / "run"
        result = CliRunner().invoke(app, ["run", str(suite), "--out", str(out), "--quiet",
                                          "--device", "cpu", *extra])
        assert result.exit_code == 0, result.output
        frames.append(pd.read_parquet(out / "results.parquet").drop(columns=TIMINGS))
        datasets = json.loads((out / "manifest.json").read_text())["datasets"]
        assert {d["fit_threads"] for d in datasets.values()} == {1}  # small tables: 1 thread
    assert len(frames[0]) == 56
    pd.testing.assert_frame_equal(frames[1], frames[0], check_exact=True)
    pd.testing.assert_frame_equal(frames[2], frames[0], check_exact=True)
