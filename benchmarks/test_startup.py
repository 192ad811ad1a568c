"""Start-up of the command line, measured as a user meets it: a fresh interpreter per call.

Targets (2 cores): ``bench --help`` ≤ 0.5 s and ``bench report`` of the quick run (546 rows, every
format) ≤ 2 s. ``python -c pass`` is measured in the same run, so that the ratio to the bare
interpreter can be quoted whatever the machine's load. Run with ``nox -s perf``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BASELINE = Path(__file__).resolve().parent.parent / "results" / "baselines" / "quick-cpu"
BENCH = [sys.executable, "-c", "from bench.cli import main; main()"]


def _run(args: list[str]) -> None:
    subprocess.run(args, check=True, capture_output=True, timeout=120)


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


def test_report_of_the_quick_run(benchmark, run_dir: Path) -> None:
    args = [*BENCH, "report", str(run_dir), "--out", str(run_dir / "report")]
    benchmark.pedantic(_run, args=(args,), rounds=3, iterations=1)
    assert benchmark.stats.stats.min <= 2.0
