"""``bench query RUN_DIR "SQL"``: DuckDB over a run's results, as a table named ``results``.

Read-only by construction: the rows are loaded into an in-memory database, then DuckDB's
``enable_external_access`` is turned off and the configuration locked, so a query can read
nothing else (``read_csv('/etc/passwd')``), write nothing (``COPY … TO``, ``EXPORT``), attach no
database and install or load no extension; it cannot turn the setting back on.
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path
from typing import Annotated

import typer

from bench.cli._common import DEBUG_HELP, console, user_errors
from bench.errors import BenchError

FORMATS = ("table", "csv", "json")


def connect(run_dir: Path):  # noqa: ANN201 - a duckdb connection
    """A sandboxed DuckDB connection with ``results`` (one row per key) and ``parts`` (every
    row), loaded in memory; the connection cannot touch files or the network.

    ``results`` reads the parts while a run is going (the latest row of each key wins, as in
    :func:`bench.store.load`), or ``results.parquet`` where there are no parts (a baseline).
    """
    import duckdb

    from bench.results_file import check_file_version
    from bench.schema import KEY_COLUMNS
    from bench.store import MANIFEST, RESULTS, RunStore

    store = RunStore(run_dir)
    if not (run_dir / MANIFEST).exists():
        raise BenchError("not a run directory (no manifest.json)", where=str(run_dir))
    store.read_manifest()  # a run directory of this schema version, or a clear error
    parts = store.part_files()
    for path in parts:
        check_file_version(path)
    con = duckdb.connect()
    if parts:
        files = ", ".join(_quote(p) for p in parts)
        keys = ", ".join(KEY_COLUMNS)
        con.execute(f"CREATE TABLE parts AS "  # noqa: S608 - quoted paths of our own files
                    f"{_applicable_only(f'read_parquet([{files}], filename = true)')}")
        con.execute(f"CREATE VIEW results AS SELECT * EXCLUDE (filename, _rank) FROM ("  # noqa: S608
                    f"SELECT *, row_number() OVER (PARTITION BY {keys} ORDER BY filename DESC) "
                    f"AS _rank FROM parts) WHERE _rank = 1")
    elif (run_dir / RESULTS).exists():
        check_file_version(run_dir / RESULTS)
        source = f"read_parquet({_quote(run_dir / RESULTS)})"
        con.execute(f"CREATE TABLE results AS {_applicable_only(source)}")
        con.execute("CREATE VIEW parts AS SELECT * FROM results")
    else:
        raise BenchError("no results yet (no parts, no results.parquet)", where=str(run_dir))
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con


def _applicable_only(source: str) -> str:
    """``SELECT *`` from ``source`` with every metric that does not apply to a row's task as
    NULL: runs written before schema version 2 stored NaN there, which SQL's ``avg`` would
    propagate; a NaN that remains is a metric that failed to compute."""
    from bench.schema import CLASSIFICATION_METRICS, REGRESSION_METRICS

    cases = [f"CASE WHEN task = 'regression' THEN NULL ELSE {m} END AS {m}"
             for m in CLASSIFICATION_METRICS]
    cases += [f"CASE WHEN task = 'regression' THEN {m} ELSE NULL END AS {m}"
              for m in REGRESSION_METRICS]
    return f"SELECT * REPLACE ({', '.join(cases)}) FROM {source}"  # noqa: S608 - our columns


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


@user_errors
def query(
    run_dir: Annotated[Path, typer.Argument(help="A run directory made by `bench run`.")],
    sql: Annotated[str, typer.Argument(
        help='SQL over the view `results`, e.g. "SELECT dataset, avg(accuracy) FROM results '
             'GROUP BY dataset".')],
    format: Annotated[str, typer.Option("--format", help="table | csv | json")] = "table",
    debug: Annotated[bool, typer.Option("--debug", help=DEBUG_HELP)] = False,
) -> None:
    """Run read-only SQL (DuckDB) over RUN_DIR's result rows: tables `results` and `parts`."""
    import duckdb

    if format not in FORMATS:
        raise BenchError(f"--format must be one of {', '.join(FORMATS)}, got {format!r}")
    con = connect(run_dir)
    try:
        result = con.execute(sql)
        columns = [d[0] for d in result.description or ()]
        records = result.fetchall()
    except duckdb.PermissionException as exc:
        first = str(exc).strip().splitlines()[0]
        raise BenchError(f"refused: bench query is read-only and reads only this run's rows "
                         f"({first})", where="bench query") from None
    except duckdb.Error as exc:  # the whole message: DuckDB's hints ("Candidate bindings")
        raise BenchError(f"SQL error: {str(exc).strip() or type(exc).__name__}",
                         where="bench query") from None
    if format == "csv":
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(
            [columns, *[["" if v is None else v for v in row] for row in records]])
        typer.echo(buffer.getvalue(), nl=False)
    elif format == "json":
        rows = [{c: _json_value(v) for c, v in zip(columns, row, strict=True)} for row in records]
        typer.echo(json.dumps(rows, indent=2, default=str))
    else:
        from rich.table import Table

        table = Table(*map(str, columns))
        for row in records:
            table.add_row(*(_cell(v) for v in row))
        console().print(table)


def _cell(value: object) -> str:
    """NULL (a metric that does not apply) and NaN (one that failed) are told apart."""
    if value is None:
        return "NULL"
    return f"{value:.6g}" if isinstance(value, float) else str(value)


def _json_value(value: object) -> object:
    """JSON has no NaN: a failed metric becomes the string "NaN", a NULL becomes null."""
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    return value
