"""The ``bench`` command line: each command parses arguments, calls one function, prints.

Command modules import only typer and light helpers at the top; what a command needs (the
pipeline, torch, XGBoost, pandas, matplotlib, DuckDB) is imported inside the command, so that
``bench --help`` and the light commands start fast (``tests/test_cli_imports.py`` checks which
heavy modules each command loads).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from typing import Annotated

from bench.errors import INTERRUPTED


def _interrupted_while_starting(signum: int, frame: object) -> None:
    sys.stderr.write(f"{INTERRUPTED}\n")
    sys.stderr.flush()
    os._exit(130)


# Ctrl-C while the command line itself is imported (typer, the command modules) is one line and
# exit 130 too; the previous handler is back once the imports are done.
_MAIN_THREAD = threading.current_thread() is threading.main_thread()
_PREVIOUS = signal.signal(signal.SIGINT, _interrupted_while_starting) if _MAIN_THREAD else None
try:
    import typer

    from bench.cli import (
        check,
        compare,
        datasets,
        env,
        explain,
        fetch,
        query,
        recover,
        report,
        run,
    )
    from bench.version import DISTRIBUTION, __version__
finally:
    if _MAIN_THREAD:
        signal.signal(signal.SIGINT, _PREVIOUS if _PREVIOUS is not None else signal.default_int_handler)

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
