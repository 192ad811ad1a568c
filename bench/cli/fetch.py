"""``bench fetch SUITE``: download every OpenML task, dataset and split a suite needs, so that
``bench run --offline`` works (on a cluster node without internet, on a plane)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bench.cli._common import DEBUG_HELP, console, user_errors
from bench.errors import BenchError


@user_errors
def fetch(
    suite: Annotated[str, typer.Argument(help="A shipped suite name or a suite TOML path.")],
    cache_dir: Annotated[Path | None, typer.Option(
        help="Cache directory (default: $BENCH_CACHE_DIR or the user cache dir).")] = None,
    retries: Annotated[int, typer.Option(
        min=1, help="Attempts per entry for transient errors (connection, time-out, 5xx).")] = 3,
    timeout: Annotated[float, typer.Option(min=0.1, help="Seconds allowed per HTTP request.")] = 60.0,
    backoff: Annotated[float, typer.Option(
        min=0.0, help="Seconds before the first retry; doubled for each further one.")] = 1.0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help=DEBUG_HELP)] = False,
) -> None:
    """Prefetch a suite's OpenML tasks, datasets and splits into the cache.

    Transient errors are retried with exponential back-off; a missing id or a damaged file is
    reported at once. Every entry is tried; a table lists what failed and why (exit code 1).
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from bench.config import OpenMLSpec
    from bench.data import OpenMLOptions, spec_label
    from bench.data.openml import describe, load_openml
    from bench.suite_loader import load_suite

    loaded = load_suite(suite)
    options = OpenMLOptions.from_env(cache_dir=cache_dir, retries=retries, timeout_s=timeout,
                                     backoff_s=backoff)
    specs = [s for s in loaded.datasets if isinstance(s, OpenMLSpec)]
    con = console()
    if not specs:
        con.print(f"suite {loaded.name} has no OpenML entries: nothing to fetch")
        return
    failures: list[tuple[str, str, str]] = []
    columns = (TextColumn("{task.description}", style="cyan"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with Progress(*columns, console=console(stderr=True), disable=quiet) as bar:
        task = bar.add_task("fetch", total=len(specs))
        for spec in specs:
            label = spec_label(spec)
            bar.update(task, description=f"{label[:30]:<30}")
            try:
                load_openml(spec, options=options, name=label, seed=loaded.seed)
            except BenchError as exc:
                failures.append((label, describe(spec), str(exc)))
            bar.advance(task)
    con.print(f"fetched {len(specs) - len(failures)} of {len(specs)} OpenML entries of suite "
              f"{loaded.name} into {options.cache_dir}")
    if failures:
        table = Table("dataset", "entry", "why", title=f"{len(failures)} failed",
                      title_style="bold red")
        for row in failures:
            table.add_row(*row)
        console(stderr=True).print(table)
        raise typer.Exit(1)
