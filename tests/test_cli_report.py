"""bench.cli.report: `bench report RUN_DIR` rewrites the report from the result rows alone, with
the metrics the run's suite chose unless --metric says otherwise."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bench.cli import app
from tests.helpers import copy_small_run

runner = CliRunner()


@pytest.fixture(scope="module")
def balanced_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two datasets of the frozen quick run, their suite choosing balanced accuracy and MAE."""
    run = copy_small_run(tmp_path_factory.mktemp("report") / "run")
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    manifest["config"]["run"]["metrics"] = {"classification": "balanced_accuracy",
                                           "regression": "mae"}
    (run / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return run


@pytest.fixture(scope="module")
def suite_metrics(balanced_run: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """`bench report` without --metric: its output and the folder written."""
    out = tmp_path_factory.mktemp("suite-metrics")
    result = runner.invoke(app, ["report", str(balanced_run), "--format", "md", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return result.output, out


def test_the_report_path_is_printed(suite_metrics: tuple[str, Path]) -> None:
    output, out = suite_metrics
    assert output.replace("\n", "") == f"report: {out / 'report.md'}"


def test_only_the_formats_asked_for_are_written(suite_metrics: tuple[str, Path]) -> None:
    assert not (suite_metrics[1] / "report.html").exists()


def test_the_suites_metric_is_the_default(suite_metrics: tuple[str, Path]) -> None:
    assert "balanced_accuracy ↑" in (suite_metrics[1] / "report.md").read_text(encoding="utf-8")


def test_the_suites_regression_metric_is_the_default(suite_metrics: tuple[str, Path]) -> None:
    assert "mae ↓" in (suite_metrics[1] / "report.md").read_text(encoding="utf-8")


def test_metric_overrides_the_suites_choice(balanced_run: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", str(balanced_run), "--format", "md", "--metric",
                                 "r2", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "r2 ↑" in (tmp_path / "report.md").read_text(encoding="utf-8")


def test_a_folder_without_results_is_one_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", str(tmp_path), "--format", "md"])
    assert result.stderr.count("\n") == 1
