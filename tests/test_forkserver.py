"""The fork server workers are forked from: torch and XGBoost imported once, no threads started."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from bench.forkserver import (
    WORKER_ENV,
    forkserver_pid,
    sleep_when_idle,
    start_forkserver,
    worker_context,
)


def _report(conn) -> None:
    """Runs in a forked worker: what it inherited from the server."""
    conn.send({"torch": "torch" in sys.modules, "xgboost": "xgboost" in sys.modules,
               "omp": os.environ.get("OMP_NUM_THREADS"),
               "openblas_timeout": os.environ.get("OPENBLAS_THREAD_TIMEOUT")})
    conn.close()


def _forked() -> dict:
    context = worker_context()
    parent, child = context.Pipe()
    proc = context.Process(target=_report, args=(child,))
    proc.start()
    child.close()
    inherited = parent.recv()
    proc.join(timeout=30)
    return inherited


def test_workers_do_not_spin_wait() -> None:
    assert WORKER_ENV["OMP_WAIT_POLICY"] == "PASSIVE"


def test_workers_openblas_threads_sleep_when_idle() -> None:
    start_forkserver()
    assert _forked()["openblas_timeout"] == "4"


def test_sleep_when_idle_sets_what_the_user_left_unset(monkeypatch) -> None:
    monkeypatch.setenv("OPENBLAS_THREAD_TIMEOUT", "")  # restored after the test
    monkeypatch.delenv("OPENBLAS_THREAD_TIMEOUT")
    sleep_when_idle()
    assert os.environ["OPENBLAS_THREAD_TIMEOUT"] == "4"


def test_sleep_when_idle_keeps_the_users_setting(monkeypatch) -> None:
    monkeypatch.setenv("OMP_WAIT_POLICY", "ACTIVE")
    monkeypatch.setenv("OPENBLAS_THREAD_TIMEOUT", "4")  # restored after the test
    sleep_when_idle()
    assert os.environ["OMP_WAIT_POLICY"] == "ACTIVE"


def test_workers_inherit_torch_already_imported() -> None:
    start_forkserver()
    assert _forked()["torch"]


def test_workers_inherit_xgboost_already_imported() -> None:
    start_forkserver()
    assert _forked()["xgboost"]


def test_workers_start_with_one_thread_pools() -> None:
    start_forkserver()
    assert _forked()["omp"] == "1"


def test_the_server_has_started_no_threads_after_its_imports() -> None:
    """Forking a process with threads can deadlock; the server only imports (checked once its
    imports are done: it forks a worker only after them)."""
    start_forkserver()
    _forked()
    pid = forkserver_pid()
    assert pid is not None
    assert len(os.listdir(Path("/proc") / str(pid) / "task")) == 1


def test_this_process_keeps_its_environment() -> None:
    before = os.environ.get("OMP_NUM_THREADS")
    start_forkserver()
    assert os.environ.get("OMP_NUM_THREADS") == before
