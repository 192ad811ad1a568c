"""``bench query``: metrics that do not apply to a row's task are NULL, so SQL averages work on a
mixed suite (classification and regression), for new runs and runs written with NaN."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bench.cli import app

BASELINE = Path(__file__).resolve().parent.parent / "results" / "baselines" / "quick-cpu"


@pytest.fixture(scope="module")
def old_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run written with NaN for non-applicable metrics (the committed baseline)."""
    target = tmp_path_factory.mktemp("q") / "run"
    shutil.copytree(BASELINE, target)
    return target


def _json(run: Path, sql: str) -> list[dict]:
    result = CliRunner().invoke(app, ["query", str(run), sql, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_average_over_a_mixed_suite_is_a_number(old_run: Path) -> None:
    (row,) = _json(old_run, "SELECT avg(accuracy) AS acc FROM results")
    assert 0.0 < row["acc"] < 1.0


def test_regression_rows_have_null_accuracy(old_run: Path) -> None:
    rows = _json(old_run, "SELECT DISTINCT accuracy FROM results WHERE task = 'regression'")
    assert rows == [{"accuracy": None}]


def test_classification_rows_have_null_rmse(old_run: Path) -> None:
    rows = _json(old_run, "SELECT count(rmse) AS n FROM results WHERE task <> 'regression'")
    assert rows == [{"n": 0}]


def test_table_output_says_null(old_run: Path) -> None:
    result = CliRunner().invoke(app, ["query", str(old_run),
                                      "SELECT max(rmse) AS r FROM results WHERE task = 'binary'"])
    assert "NULL" in result.output


def test_csv_output_leaves_null_empty(old_run: Path) -> None:
    result = CliRunner().invoke(app, ["query", str(old_run), "SELECT NULL::DOUBLE AS x, 1 AS y",
                                      "--format", "csv"])
    assert result.output == "x,y\n,1\n"
