"""Start-up of the command line, measured as a user meets it: a fresh interpreter per call.

Targets (2 cores): ``bench --help`` ≤ 0.5 s and ``bench report`` of the quick run (546 rows, every
format) ≤ 2 s. ``bench run`` stores the analysis and figures of its report
(:mod:`bench.report.cache`), so a later ``bench report`` of the run renders them: that is the
timed case with the target. A report whose analysis is not stored (other options, or a run from
another machine) computes it and draws the figures; it is timed too, with the store emptied
before every round. ``python -c pass`` is measured in the same run, so that the ratio to the bare
interpreter can be quoted whatever the machine's load. Run with ``nox -s perf``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BASELINE = Path(__file__).resolve().parent.parent / "results" / "baselines" / "quick-cpu"
BENCH = [sys.executable, "-c", "from bench.cli import main; main()"]


def _run(args: list[str], env: dict[str, str] | None = None) -> None:
    subprocess.run(args, check=True, capture_output=True, timeout=120, env=env)


def test_bare_interpreter(benchmark) -> None:
    benchmark.pedantic(_run, args=([sys.executable, "-c", "pass"],), rounds=5, iterations=1)


def test_help(benchmark) -> None:
    benchmark.pedantic(_run, args=([*BENCH, "--help"],), rounds=5, iterations=1)
    assert benchmark.stats.stats.min <= 0.5


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    target = tmp_path / "quick-cpu"
    shutil.copytree(BASELINE, target)
    return target


@pytest.fixture
def cache_env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "BENCH_CACHE_DIR": str(tmp_path / "cache")}


def _report_args(run_dir: Path) -> list[str]:
    return [*BENCH, "report", str(run_dir), "--out", str(run_dir / "report")]


def test_report_of_the_quick_run(benchmark, run_dir: Path, cache_env: dict[str, str]) -> None:
    """After the run: its analysis and figures are stored (the first call here stores them, as
    ``bench run`` does)."""
    _run(_report_args(run_dir), cache_env)
    benchmark.pedantic(_run, args=(_report_args(run_dir), cache_env), rounds=3, iterations=1)
    assert benchmark.stats.stats.min <= 2.0


def test_report_of_the_quick_run_computed(benchmark, run_dir: Path,
                                          cache_env: dict[str, str]) -> None:
    """Nothing stored: the analysis is computed and the figures drawn in every round."""
    store = Path(cache_env["BENCH_CACHE_DIR"])

    def empty_store() -> None:
        shutil.rmtree(store, ignore_errors=True)

    benchmark.pedantic(_run, args=(_report_args(run_dir), cache_env), setup=empty_store,
                       rounds=3, iterations=1)
