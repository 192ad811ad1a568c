"""One writer per run directory (issue 17, item 3): a file lock for the life of a run, the
manifest created exclusively, "run in progress (pid N)" and exit 2 for a second writer, and a
lock left by a killed run that does not block the resume."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from bench.cli import app
from bench.fsio import create_exclusive
from bench.store import LOCK, PID, RunInProgress, RunStore, load
from tests.helpers import IRIS, pca_suite, write_suite

SUITE = pca_suite("locked", IRIS + """
[[datasets]]
source = "embedded"
name = "230_machine_cpu"
""")
EXPECTED_ROWS = 2 * 2 * 3  # datasets x folds x (raw, pca/emb, pca/raw+emb)

HOLD = """
import sys, time
from pathlib import Path
from bench.store import RunStore
with RunStore(Path(sys.argv[1])).writer_lock():
    print("held", flush=True)
    time.sleep(120)
"""


def _holder(run_dir: Path) -> subprocess.Popen[str]:
    """Another process holding the run directory's lock (it says when it holds it)."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(run_dir)], stdout=subprocess.PIPE,
                            text=True, env=env)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_a_second_writer_is_told_the_pid_and_exits_2(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    holder = _holder(run_dir)
    try:
        suite = write_suite(tmp_path, SUITE)
        result = CliRunner().invoke(app, ["run", str(suite), "--out", str(run_dir), "-q"])
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 2
    assert f"run in progress (pid {holder.pid})" in result.output
    assert not (run_dir / "manifest.json").exists()


def test_a_lock_left_by_a_killed_run_does_not_block_the_resume(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    suite = write_suite(tmp_path, SUITE)
    first = CliRunner().invoke(app, ["run", str(suite), "--out", str(run_dir), "-q"])
    assert first.exit_code == 0, first.output
    holder = _holder(run_dir)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert (run_dir / LOCK).exists()
    assert (run_dir / PID).exists()  # stale: its process is gone
    again = CliRunner().invoke(app, ["run", str(suite), "--out", str(run_dir), "-q"])
    assert again.exit_code == 0, again.output
    assert len(load(run_dir)) == EXPECTED_ROWS


def test_the_lock_is_held_in_process_and_released_after(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "run")
    with store.writer_lock():
        assert (tmp_path / "run" / PID).read_text().strip() == str(os.getpid())
    assert not (tmp_path / "run" / PID).exists()
    with store.writer_lock():  # released: it can be taken again
        pass


def test_the_manifest_is_created_exclusively(tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    assert create_exclusive(path, b"first")
    assert not create_exclusive(path, b"second")
    assert path.read_bytes() == b"first"
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"]  # no temporary left


def test_run_in_progress_is_a_user_error() -> None:
    assert issubclass(RunInProgress, Exception)
    assert "run in progress" in str(RunInProgress("run in progress (pid 1)", where="x"))


@pytest.mark.slow
def test_two_concurrent_runs_give_exact_rows_and_no_failed_writes(tmp_path: Path) -> None:
    suite = write_suite(tmp_path, SUITE)
    run_dir = tmp_path / "run"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}
    command = [sys.executable, "-c", "from bench.cli import main; main()", "run", str(suite),
               "--out", str(run_dir), "-q"]
    procs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=env) for _ in range(2)]
    outputs = []
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        outputs.append((proc.returncode, out + err))
    codes = sorted(code for code, _ in outputs)
    assert codes == [0, 2], outputs
    loser = next(text for code, text in outputs if code == 2)
    assert "run in progress (pid" in loser
    assert not any("cannot write" in text for _, text in outputs)
    part_rows = sum(pq.read_metadata(p).num_rows for p in (run_dir / "parts").glob("*.parquet"))
    assert part_rows == EXPECTED_ROWS
    assert len(load(run_dir)) == EXPECTED_ROWS
