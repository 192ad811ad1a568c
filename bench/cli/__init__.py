"""The ``bench`` command line: each command parses arguments, calls one function, prints.

Command modules import only typer and light helpers at the top; what a command needs (the
pipeline, torch, XGBoost, pandas, matplotlib, DuckDB) is imported inside the command, so that
``bench --help`` and the light commands start fast (``tests/test_cli_imports.py`` checks which
heavy modules each command loads).
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from bench.cli import check, compare, datasets, env, explain, fetch, query, recover, report, run
from bench.cli._common import INTERRUPTED
from bench.version import DISTRIBUTION, __version__

app = typer.Typer(
    name="bench",
    help="EmbedBench: does a neural encoder's embedding make XGBoost better?",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"bench ({DISTRIBUTION}) {__version__}")
        raise typer.Exit(0)


@app.callback()
def _main(
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Print the version and exit.")] = False,
) -> None:
    """EmbedBench: does a neural encoder's embedding make XGBoost better?"""


app.command("run")(run.run)
app.command("check")(check.check)
app.command("datasets")(datasets.datasets)
app.command("fetch")(fetch.fetch)
app.command("report")(report.report)
app.command("explain")(explain.explain)
app.command("env")(env.env)
app.command("query")(query.query)
app.command("compare")(compare.compare)
app.command("recover")(recover.recover)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:  # between commands' own handlers (argument parsing, start-up)
        sys.stderr.write(f"{INTERRUPTED}\n")
        sys.exit(130)
