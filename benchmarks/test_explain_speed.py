"""How long ``bench explain iris --encoder ae --latent 2`` takes with its defaults (5 folds × 5
seeds = 25 autoencoders of 100 epochs, every measure, the Markdown, CSV and three figures), in
process, after imports. Target: ≤ 15 s on 2 shared cores (measured 5–7 s). ``nox -s perf``."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

import bench.explain  # noqa: F401 - imported here, so the benchmark times the command, not imports
import bench.report.explain  # noqa: F401
from bench.cli import app

TARGET_S = 15.0


def test_explain_iris_with_default_seeds_and_folds(benchmark, tmp_path: Path) -> None:
    args = ["explain", "iris", "--encoder", "ae", "--latent", "2", "--device", "cpu",
            "--out", str(tmp_path)]
    result = benchmark.pedantic(CliRunner().invoke, args=(app, args), rounds=1, iterations=1)
    assert result.exit_code == 0, result.output
    assert benchmark.stats.stats.median <= TARGET_S
