"""``bench query``: DuckDB over the parts (latest row per key) or over results.parquet."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from bench import load
from bench.cli import app
from bench.cli.query import connect
from bench.schema import SCHEMA_VERSION
from bench.store import RunStore
from tests.test_store import _row

runner = CliRunner()


def _run(path: Path) -> Path:
    store = RunStore(path)
    store.open({"config_hash": "h", "schema_version": SCHEMA_VERSION})
    store.append([_row(fold=0, accuracy=0.5), _row(fold=1, status="error", error="E: x")])
    store.append([_row(fold=1, accuracy=0.75)])  # the retried key
    store.append([_row(dataset="e", fold=0, accuracy=0.25)])
    return path


def test_results_view_has_one_row_per_key_as_load_does(tmp_path: Path) -> None:
    run = _run(tmp_path / "run")
    con = connect(run)
    frame = con.execute("SELECT * FROM results ORDER BY dataset, fold").df()
    expected = load(run).sort_values(["dataset", "fold"]).reset_index(drop=True)
    assert list(frame["accuracy"]) == list(expected["accuracy"]) == [0.5, 0.75, 0.25]
    assert list(frame.columns) == list(expected.columns)
    assert con.execute("SELECT count(*) FROM parts").fetchone() == (4,)


def test_query_command_formats(tmp_path: Path) -> None:
    run = _run(tmp_path / "run")
    sql = "SELECT dataset, round(avg(accuracy), 3) AS acc FROM results GROUP BY 1 ORDER BY 1"
    result = runner.invoke(app, ["query", str(run), sql, "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "dataset,acc\nd,0.625\ne,0.25\n"
    result = runner.invoke(app, ["query", str(run), sql, "--format", "json"])
    assert json.loads(result.stdout) == [{"dataset": "d", "acc": 0.625},
                                         {"dataset": "e", "acc": 0.25}]
    result = runner.invoke(app, ["query", str(run), sql])
    assert result.exit_code == 0
    assert "0.625" in result.stdout


def test_query_reads_results_parquet_when_there_are_no_parts(tmp_path: Path) -> None:
    run = _run(tmp_path / "run")
    RunStore(run).consolidate()
    shutil.rmtree(run / "parts")  # as in a shipped baseline: manifest + results.parquet
    result = runner.invoke(app, ["query", str(run), "SELECT count(*) AS n FROM results",
                                 "--format", "csv"])
    assert result.exit_code == 0
    assert result.stdout == "n\n3\n"
    assert len(pd.read_parquet(run / "results.parquet")) == 3


def test_query_errors_start_with_one_summary_line(tmp_path: Path) -> None:
    run = _run(tmp_path / "run")
    result = runner.invoke(app, ["query", str(run), "SELEC nonsense"])
    assert result.exit_code == 2
    first = result.stderr.strip().splitlines()[0]
    assert first.startswith("error: bench query: SQL error: Parser Error")
    result = runner.invoke(app, ["query", str(tmp_path), "SELECT 1"])
    assert result.exit_code == 2
    assert "not a run directory (no manifest.json)" in result.stderr


# -- read-only (issue 17, item 4) --------------------------------------------------------------


@pytest.mark.parametrize("sql", [
    "COPY results TO '{out}/copy.csv'",
    "ATTACH '{out}/other.duckdb' AS other",
    "INSTALL httpfs",
    "SELECT * FROM read_csv('{outside}')",
    "EXPORT DATABASE '{out}/export'",
    "SET enable_external_access = true",
])
def test_query_is_read_only(sql: str, tmp_path: Path) -> None:
    run = _run(tmp_path / "run")
    outside = tmp_path / "secret.csv"
    outside.write_text("a\n1\n")
    before = sorted(p.name for p in tmp_path.iterdir())
    result = runner.invoke(app, ["query", str(run), sql.format(out=tmp_path, outside=outside)])
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_a_sql_error_shows_duckdbs_whole_message(tmp_path: Path) -> None:
    run = _run(tmp_path / "run")
    result = runner.invoke(app, ["query", str(run), "SELECT accurracy FROM results"])
    assert result.exit_code == 2
    assert 'Candidate bindings: "accuracy"' in result.output
