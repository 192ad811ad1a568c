"""``bench datasets``: what a suite contains (name, rows, features, classes, task)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from bench.cli._common import DEBUG_HELP, console, user_errors
from bench.config import load_suite
from bench.data import load_dataset


@user_errors
def datasets(
    suite: Annotated[str, typer.Argument(help="A shipped suite name or a suite TOML path.")] = "quick",
    debug: Annotated[bool, typer.Option("--debug", help=DEBUG_HELP)] = False,
) -> None:
    """List a suite's datasets with their size and task."""
    loaded = load_suite(suite)
    table = Table(title=f"suite {loaded.name}")
    for col in ("dataset", "source", "task", "rows", "features", "categorical", "classes"):
        table.add_column(col, justify="right" if col not in ("dataset", "source", "task") else "left")
    for spec in loaded.datasets:
        info = load_dataset(spec, base_dir=loaded.base_dir).summary()
        table.add_row(str(info["name"]), str(info["source"]), str(info["task"]), str(info["rows"]),
                      str(info["features"]), str(info["categorical"]),
                      str(info["classes"] or "—"))
    console().print(table)
