"""``bench run``: run a suite (default ``quick``), resumably, and write results and a report."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from bench.cli._common import DEBUG_HELP, console, user_errors
from bench.config import Suite, load_suite
from bench.data import OpenMLOptions
from bench.data.openml import require_cached
from bench.device import DeviceInfo, resolve_device
from bench.errors import ConfigError
from bench.pipeline import RunOutcome, run_suite
from bench.plan import make_plan


@user_errors
def run(
    suite: Annotated[str, typer.Argument(help="A shipped suite name or a suite TOML path.")] = "quick",
    out: Annotated[Path | None, typer.Option(
        help="Run directory (rerun with the same one to resume). "
             "Default: results/<suite>-<timestamp>.")] = None,
    device: Annotated[str, typer.Option(help="auto | cpu | cuda")] = "auto",
    folds: Annotated[int | None, typer.Option(help="Override the suite's folds.")] = None,
    repeats: Annotated[int | None, typer.Option(help="Override the suite's repeats.")] = None,
    seeds: Annotated[str | None, typer.Option(
        help="N (seeds 0..N-1) or a comma-separated list of seeds.")] = None,
    encoders: Annotated[str | None, typer.Option(
        help="Comma-separated encoders, e.g. ae,mlp,pca.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the plan; run nothing.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar (CI logs).")] = False,
    offline: Annotated[bool, typer.Option(
        "--offline", help="OpenML data from the cache only; never touch the network.")] = False,
    cache_dir: Annotated[Path | None, typer.Option(
        help="Cache directory for OpenML data (default: $BENCH_CACHE_DIR or the user cache dir).")
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help=DEBUG_HELP)] = False,
) -> None:
    """Run a benchmark suite: raw vs embedded vs raw+embedded features for XGBoost."""
    loaded = load_suite(suite).with_overrides(
        folds=folds, repeats=repeats, seeds=_parse_seeds(seeds), encoders=_parse_list(encoders)
    )
    options = OpenMLOptions.from_env(cache_dir=cache_dir, offline=offline)
    if dry_run:
        _print_plan(loaded, options)
        return
    if offline:
        require_cached(loaded.datasets, options, suite_arg=suite)
    resolved = resolve_device(device)
    out_dir = out or Path("results") / f"{loaded.name}-{datetime.now():%Y%m%d-%H%M%S}"
    out_con = console()
    if not quiet:
        out_con.print(f"device: [bold]{resolved.kind}[/] ({resolved.name}; {resolved.reason})")
    outcome = _run_with_progress(loaded, out_dir, resolved, quiet, options)
    _print_outcome(outcome, resolved)
    if not outcome.failures.empty:
        raise typer.Exit(1)


def _run_with_progress(suite: Suite, out_dir: Path, device: DeviceInfo, quiet: bool,
                       options: OpenMLOptions) -> RunOutcome:
    data = {"offline": options.offline, "cache_dir": options.cache_dir}
    if quiet:
        return run_suite(suite, out_dir=out_dir, device=device, **data)
    columns = (TextColumn("{task.description}", style="cyan"), BarColumn(),
               MofNCompleteColumn(), TimeElapsedColumn(), TextColumn("ETA"),
               TimeRemainingColumn())
    with Progress(*columns, console=console(stderr=True), transient=False) as bar:
        task = bar.add_task(suite.name, total=None)

        class _Hook:
            def start(self, total: int, resumed: int) -> None:
                bar.update(task, total=total)

            def advance(self, description: str) -> None:
                bar.update(task, advance=1, description=description[:40].ljust(40))

        outcome = run_suite(suite, out_dir=out_dir, device=device, progress=_Hook(), **data)
        bar.update(task, description=suite.name)
    return outcome


def _print_outcome(outcome: RunOutcome, device: DeviceInfo) -> None:
    con = console()
    frame = outcome.results
    verb = "resumed and finished" if outcome.resumed else "finished"
    con.print(f"{verb} {frame['suite'].iloc[0] if len(frame) else ''}: {len(frame)} rows "
              f"({outcome.n_ok} ok) on {device.kind} in {outcome.wall_s:.1f} s")
    con.print(f"results: {outcome.run_dir / 'results.parquet'}")
    con.print(f"report:  {outcome.report_path}")
    failures = outcome.failures
    if failures.empty:
        return
    table = Table(title=f"{len(failures)} failed rows", title_style="bold red")
    for col in ("dataset", "encoder", "feature set", "count", "error"):
        table.add_column(col)
    grouped = failures.groupby(["dataset", "encoder", "feature_set", "error"]).size()
    for (dataset, encoder, fs, error), count in grouped.items():
        table.add_row(dataset, encoder, fs, str(count), error)
    console(stderr=True).print(table)


def _print_plan(suite: Suite, options: OpenMLOptions) -> None:
    plan = make_plan(suite, options=options)
    run = suite.run
    con = console()
    con.print(f"suite [bold]{suite.name}[/]: {len(plan.datasets)} datasets × {run.repeats} "
              f"repeat(s) × {run.folds} folds × {len(run.seeds)} seed(s); "
              f"encoders {', '.join(run.encoders) or '—'}; feature sets "
              f"{', '.join(run.feature_sets)}")
    table = Table("dataset", "work items", "units", "rows")
    for name in plan.datasets:
        items = [i for i in plan.items if i.dataset == name]
        table.add_row(name, str(len(items)), str(sum(i.n_units for i in items)),
                      str(sum(len(i.row_keys()) for i in items)))
    table.add_row("[bold]total[/]", str(len(plan.items)), str(plan.n_units), str(plan.n_rows))
    con.print(table)
    con.print(f"expected rows: {plan.n_rows}")


def _parse_seeds(text: str | None) -> list[int] | None:
    if text is None:
        return None
    try:
        parts = [int(p) for p in text.split(",") if p.strip()]
    except ValueError:
        raise ConfigError(f"--seeds: expected N or a list like 0,1,2, got {text!r}") from None
    if len(parts) == 1 and "," not in text:
        if parts[0] < 1:
            raise ConfigError(f"--seeds: the number of seeds must be >= 1, got {parts[0]}")
        return list(range(parts[0]))
    return parts


def _parse_list(text: str | None) -> list[str] | None:
    if text is None:
        return None
    return [p.strip() for p in text.split(",") if p.strip()]
