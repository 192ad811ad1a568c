"""Kill -9 at any moment, Ctrl-C, SIGTERM: a rerun completes with exactly the rows of an
uninterrupted run, no duplicates, identical values. Real subprocesses, real signals."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import psutil
import pytest
from typer.testing import CliRunner

from bench.cli import app
from bench.schema import KEY_COLUMNS
from tests.helpers import write_suite

pytestmark = pytest.mark.slow

TIMINGS = ["encoder_fit_s", "xgb_fit_s", "predict_s"]
N_PARTS = 8  # 2 datasets × 2 folds × 2 seeds: one part per work item
N_ROWS = N_PARTS * 5  # raw + (ae, pca) × (emb, raw+emb)

SUITE = """
    name = "resume"
    [run]
    folds = 2
    seeds = [0, 1]
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
    """


@pytest.fixture(scope="module")
def suite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_suite(tmp_path_factory.mktemp("suite"), SUITE)


@pytest.fixture(scope="module")
def reference(suite: Path, tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """An uninterrupted run, in a directory of the same name (so run ids match too)."""
    out = tmp_path_factory.mktemp("reference") / "run"
    result = CliRunner().invoke(app, ["run", str(suite), "--out", str(out), "--quiet",
                                      "--device", "cpu"])
    assert result.exit_code == 0, result.output
    frame = pd.read_parquet(out / "results.parquet")
    assert len(frame) == N_ROWS
    return frame


def _start(suite: Path, out: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", "from bench.cli import main; main()", "run", str(suite),
         "--out", str(out), "--quiet", "--device", "cpu", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def _parts(out: Path) -> int:
    return len(list((out / "parts").glob("part-*.parquet"))) if (out / "parts").is_dir() else 0


def _progress(out: Path, parts: int) -> Callable[[], bool]:
    """At least ``parts`` parts, and at least one written by the run started now.

    A resumed run starts with the parts its predecessor left, maybe already ``parts`` of them;
    a signal sent at once would reach the interpreter before it installs its own handlers.
    """
    target = max(parts, _parts(out) + 1)
    return lambda: _parts(out) >= target


def _wait_for(condition, proc: subprocess.Popen[str], timeout: float = 300) -> bool:
    """Poll until ``condition()``; False if the process ended first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.02)
    raise AssertionError("timed out waiting for the run")


def _assert_same_rows(out: Path, reference: pd.DataFrame) -> None:
    frame = pd.read_parquet(out / "results.parquet")
    assert not frame.duplicated(list(KEY_COLUMNS)).any()
    assert len(frame) == N_ROWS
    assert (frame["status"] == "ok").all()
    pd.testing.assert_frame_equal(frame.drop(columns=TIMINGS), reference.drop(columns=TIMINGS),
                                  check_exact=True)


def test_sigkill_at_several_moments_then_resume(suite: Path, reference: pd.DataFrame,
                                                tmp_path: Path) -> None:
    out = tmp_path / "run"
    kills = 0
    # Right after the manifest appears (nothing computed yet), then after 2 and 5 parts, each
    # time once the run just started has written a part of its own.
    for parts in (0, 2, 5):
        ready = _progress(out, parts) if parts else (out / "manifest.json").exists
        proc = _start(suite, out)
        if _wait_for(ready, proc):
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait(timeout=60)
    assert kills == 3, "the run finished before it could be killed"
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "running"
    assert len(manifest["resumes"]) == 2
    proc = _start(suite, out)
    _, stderr = proc.communicate(timeout=600)
    assert proc.returncode == 0, stderr
    _assert_same_rows(out, reference)
    assert not list(out.rglob("*.tmp"))
    assert json.loads((out / "manifest.json").read_text())["status"] == "finished"
    # A rerun of the finished run computes nothing and changes nothing.
    parts = sorted(p.name for p in (out / "parts").iterdir())
    result = CliRunner().invoke(app, ["run", str(suite), "--out", str(out), "--quiet"])
    assert result.exit_code == 0
    assert "resumed" in result.output
    assert sorted(p.name for p in (out / "parts").iterdir()) == parts
    _assert_same_rows(out, reference)


def test_sigterm_and_ctrl_c_flush_rows_and_say_how_to_resume(
        suite: Path, reference: pd.DataFrame, tmp_path: Path) -> None:
    out = tmp_path / "run"
    extra: list[str] = []
    # Signals land while items remain (8 in all), so the run cannot finish first.
    for sig, parts in ((signal.SIGTERM, 2), (signal.SIGINT, 4)):
        ready = _progress(out, parts)
        proc = _start(suite, out, *extra)
        assert _wait_for(ready, proc)
        proc.send_signal(sig)
        _, stderr = proc.communicate(timeout=120)
        assert proc.returncode == 130, stderr
        assert "Traceback" not in stderr
        assert "finished rows are kept" in stderr
        assert f"--out {out}" in stderr
        assert json.loads((out / "manifest.json").read_text())["status"] == "interrupted"
        kept = pd.read_parquet(out / "results.parquet")
        assert parts * 5 <= len(kept) < N_ROWS
        assert not kept.duplicated(list(KEY_COLUMNS)).any()
        # The printed command resumes the run.
        command = stderr.strip().splitlines()[-1].split("resume with: ", 1)[1].split()
        assert command[:5] == ["bench", "run", str(suite), "--out", str(out)]
        extra = command[5:]
    proc = _start(suite, out, *extra)
    _, stderr = proc.communicate(timeout=600)
    assert proc.returncode == 0, stderr
    _assert_same_rows(out, reference)


def test_sigkill_with_unit_workers_leaves_no_orphan_and_resumes(suite: Path,
                                                                reference: pd.DataFrame,
                                                                tmp_path: Path) -> None:
    """The isolated executor's worker dies with its parent; its rows match the local ones."""
    out = tmp_path / "run"
    proc = _start(suite, out, "--unit-timeout", "120")
    assert _wait_for(lambda: _parts(out) >= 3, proc)
    children = psutil.Process(proc.pid).children(recursive=True)
    assert children, "expected a unit worker process"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    _, alive = psutil.wait_procs(children, timeout=15)
    assert not alive, f"orphaned workers: {alive}"
    proc = _start(suite, out, "--unit-timeout", "120")
    _, stderr = proc.communicate(timeout=600)
    assert proc.returncode == 0, stderr
    _assert_same_rows(out, reference)


def test_interrupt_while_writing_the_report_is_one_message_not_a_traceback(
        suite: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C after the last item (consolidating, reporting): rows kept, exit 130, resumable."""
    import bench.pipeline

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(bench.pipeline, "write_run_report", interrupted)
    out = tmp_path / "run"
    result = CliRunner().invoke(app, ["run", str(suite), "--out", str(out), "--quiet",
                                      "--device", "cpu"])
    assert result.exit_code == 130
    assert "the finished rows are kept" in result.output
    assert "Traceback" not in result.output
    assert json.loads((out / "manifest.json").read_text())["status"] == "interrupted"
    assert _parts(out) == N_PARTS
