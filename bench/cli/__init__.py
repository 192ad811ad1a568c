"""The ``bench`` command line: each command parses arguments, calls one function, prints."""

from __future__ import annotations

import typer

from bench.cli import compare, datasets, env, explain, fetch, query, report, run

app = typer.Typer(
    name="bench",
    help="EmbedBench: does a neural encoder's embedding make XGBoost better?",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("run")(run.run)
app.command("datasets")(datasets.datasets)
app.command("fetch")(fetch.fetch)
app.command("report")(report.report)
app.command("explain")(explain.explain)
app.command("env")(env.env)
app.command("query")(query.query)
app.command("compare")(compare.compare)


def main() -> None:
    app()
