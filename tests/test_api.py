"""The Python API: the README's notebook example runs as written, and each function's contract."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pandas as pd
import pytest

import bench

README = Path(__file__).resolve().parent.parent / "README.md"


def _readme_example() -> str:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Python API", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_import_bench_is_light() -> None:
    import subprocess

    script = ("import sys, bench; "
              "print([m for m in ('torch', 'xgboost', 'pandas') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "[]"


@pytest.mark.slow
def test_readme_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    exec(compile(_readme_example(), "README.md", "exec"), {})  # noqa: S102 - our own README
    assert (tmp_path / "results" / "quick-nb" / "report" / "report.md").is_file()


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory: pytest.TempPathFactory):
    from tests.helpers import TINY_SUITE, write_suite

    folder = tmp_path_factory.mktemp("api")
    suite = write_suite(folder, TINY_SUITE)
    return bench.run(suite, out=folder / "run", device="cpu", encoders=["pca"], seeds=1)


def test_run_returns_the_outcome(tiny_run) -> None:
    assert tiny_run.status == "finished"


def test_run_applies_overrides(tiny_run) -> None:
    assert sorted(tiny_run.results["encoder"].unique()) == ["none", "pca"]


def test_load_gives_the_same_rows(tiny_run) -> None:
    assert len(bench.load(tiny_run.run_dir)) == len(tiny_run.results)


def test_analyze_uses_the_chosen_metric(tiny_run) -> None:
    analysis = bench.analyze(bench.load(tiny_run.run_dir), metric="balanced_accuracy,mae")
    assert set(analysis.scores.metrics.values()) == {"balanced_accuracy", "mae"}


def test_report_writes_the_formats(tiny_run, tmp_path: Path) -> None:
    files = bench.report(bench.analyze(bench.load(tiny_run.run_dir)), out=tmp_path, formats="md")
    assert [f.name for f in files] == ["report.md"]


def test_unknown_metric_is_a_config_error(tiny_run) -> None:
    from bench.errors import ConfigError

    with pytest.raises(ConfigError, match="unknown metric"):
        bench.analyze(pd.DataFrame(), metric="f1")
