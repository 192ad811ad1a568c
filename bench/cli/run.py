"""``bench run``: run a suite (default ``quick``), resumably, and write results and a report."""

from __future__ import annotations

import contextlib
import shlex
import signal
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from bench.cli._common import DEBUG_HELP, console, user_errors
from bench.cli.check import INFER_TASKS_HELP, report_check
from bench.errors import BenchError, ConfigError
from bench.schema import UNIT_COLUMNS

if TYPE_CHECKING:
    from bench.check import Shape
    from bench.config import Suite
    from bench.data import OpenMLOptions
    from bench.device import DeviceInfo
    from bench.pipeline import RunOptions, RunOutcome


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
    threads: Annotated[int, typer.Option(
        min=0, help="Threads of every XGBoost and torch fit (0: from each dataset's size: 1 for "
                    "small tables, 4 for large ones; never from the core count, so rows do not "
                    "depend on the machine). Set, it becomes part of the config hash.")
    ] = 0,
    executor: Annotated[str, typer.Option(help="local | dask | dask-cuda")] = "local",
    workers: Annotated[int | None, typer.Option(
        help="Work items in flight. local: worker processes (default: one per usable core; 1 "
             "runs in this process, one item after another). dask: workers of the local "
             "cluster (default: 1 per GPU for dask-cuda, else 1).")] = None,
    scheduler: Annotated[str | None, typer.Option(
        help="Address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786.")] = None,
    max_failures: Annotated[int | None, typer.Option(
        help="Stop early (rows so far are kept) once N units have failed.")] = None,
    unit_timeout: Annotated[float | None, typer.Option(
        help="Seconds a unit may take; runs units in a worker process that is killed on "
             "timeout (status 'timeout'). Local executor only.")] = None,
    force_new: Annotated[bool, typer.Option(
        "--force-new", help="Start afresh even if --out holds a run: the old one is moved to "
                            "OUT.replaced-<timestamp> (nothing is deleted).")] = False,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Check every dataset (as `bench check` does), print the plan and a "
                          "memory estimate; run nothing.")] = False,
    infer_tasks: Annotated[bool, typer.Option("--infer-tasks", help=INFER_TASKS_HELP)] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar (CI logs).")] = False,
    offline: Annotated[bool, typer.Option(
        "--offline", help="OpenML data from the cache only; never touch the network.")] = False,
    cache_dir: Annotated[Path | None, typer.Option(
        help="Cache directory for OpenML data (default: $BENCH_CACHE_DIR or the user cache dir).")
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help=DEBUG_HELP)] = False,
) -> None:
    """Run a benchmark suite: raw vs embedded vs raw+embedded features for XGBoost."""
    # Idle threads sleep rather than spin (read when torch, XGBoost and NumPy load, just below):
    # a large dataset's fits may run more threads than the cores, and other work may share them.
    from bench.forkserver import sleep_when_idle, start_forkserver

    sleep_when_idle()
    if executor == "local" and (workers != 1 or unit_timeout is not None) and not dry_run:
        # Worker processes fork from a server that imports torch and XGBoost once: start it now,
        # so that its imports overlap this command's own, the suite's loading and planning.
        start_forkserver()
    # The pipeline (torch, XGBoost) loads only when a command needs it: `bench --help` stays fast.
    from bench.check import check_suite
    from bench.data import OpenMLOptions
    from bench.device import resolve_device
    from bench.executors import make_executor
    from bench.pipeline import RunOptions
    from bench.suite_loader import load_suite, with_overrides

    loaded = with_overrides(load_suite(suite), folds=folds, repeats=repeats,
                            seeds=_parse_seeds(seeds), encoders=_parse_list(encoders))
    data_options = OpenMLOptions.from_env(cache_dir=cache_dir, offline=offline)
    # Nothing starts while a dataset's task is ambiguous; --dry-run checks everything.
    checked = check_suite(loaded, options=data_options, infer_tasks=infer_tasks,
                          tasks_only=not dry_run)
    report_check(checked)
    loaded = checked.suite
    if dry_run:
        _print_plan(loaded, data_options, checked.shapes)
        return
    if offline:
        from bench.data.openml import require_cached  # openml-python only where it is used

        require_cached(loaded.datasets, data_options, suite_arg=suite)
    resolved = resolve_device(device)
    options = RunOptions(
        out_dir=out or Path("results") / f"{loaded.name}-{datetime.now():%Y%m%d-%H%M%S}",
        device=resolved, max_failures=max_failures, force_new=force_new, offline=offline,
        cache_dir=cache_dir, threads=threads,
        executor=make_executor(executor, workers=workers, scheduler=scheduler,
                               unit_timeout=unit_timeout))
    if not quiet:
        console().print(f"device: [bold]{resolved.kind}[/] ({resolved.name}; {resolved.reason})")
    again = _resume_command(suite, options.out_dir, folds=folds, repeats=repeats, seeds=seeds,
                            encoders=encoders, device=device, executor=executor, workers=workers,
                            scheduler=scheduler, unit_timeout=unit_timeout,
                            offline=offline, cache_dir=cache_dir, threads=threads or None,
                            infer_tasks=infer_tasks)
    with _sigterm_as_interrupt():
        try:
            outcome = _run_with_progress(loaded, options, quiet)
        except KeyboardInterrupt:  # outside the item loop (opening, consolidating, reporting)
            _interrupted_elsewhere(options.out_dir, again)
    _finish(outcome, resolved, again)


def _interrupted_elsewhere(out_dir: Path, again: str) -> NoReturn:
    """An interrupt the pipeline did not catch: parts on disk are complete, so say how to go on."""
    from bench.store import RunStore

    with contextlib.suppress(BenchError, OSError):
        if (out_dir / "manifest.json").exists():
            RunStore(out_dir).update_manifest(status="interrupted")
    typer.echo(f"interrupted: the finished rows are kept in {out_dir}; resume with: {again}",
               err=True)
    raise typer.Exit(130)


def _finish(outcome: RunOutcome, device: DeviceInfo, again: str) -> None:
    """Print the outcome and exit with its code: 0 ok, 1 failures or stopped, 130 interrupted."""
    # Plain writes, not rich: a wrapped line would break the command to copy.
    if outcome.set_aside is not None:
        typer.echo(f"the previous run in {outcome.run_dir} was moved to {outcome.set_aside}",
                   err=True)
    if outcome.status == "interrupted":
        typer.echo(f"interrupted: {len(outcome.results)} finished rows are kept in "
                   f"{outcome.run_dir}; resume with: {again}", err=True)
        raise typer.Exit(130)
    _print_outcome(outcome, device)
    if outcome.status == "stopped":
        typer.echo(f"{outcome.message}; the rows so far are kept; resume (failed units are "
                   f"retried) with:\n  {again}", err=True)
        raise typer.Exit(1)
    if not outcome.failures.empty:
        raise typer.Exit(1)


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """Treat SIGTERM (pre-emption, ``kill``) like Ctrl-C: stop cleanly after flushing rows."""

    def handler(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread (e.g. embedded in another program)
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _resume_command(suite: str, out_dir: Path, **options: object) -> str:
    """The command that continues this run (the same options, the same --out)."""
    words = ["bench", "run", suite, "--out", str(out_dir)]
    defaults = {"device": "auto", "executor": "local"}
    for name, value in options.items():
        flag = f"--{name.replace('_', '-')}"
        if value is True:
            words.append(flag)
        elif value not in (None, False) and defaults.get(name) != value:
            words += [flag, str(value)]
    return shlex.join(words)


def _run_with_progress(suite: Suite, options: RunOptions, quiet: bool) -> RunOutcome:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from bench.pipeline import run_suite

    if quiet:
        return run_suite(suite, options)
    # A unit is one encoder fit (or the raw model) on one split and seed; it writes 1-3 rows.
    columns = (TextColumn("{task.description}", style="cyan"), BarColumn(),
               MofNCompleteColumn(), TextColumn("units (fits)"), TimeElapsedColumn(),
               TextColumn("ETA"), TimeRemainingColumn())
    with Progress(*columns, console=console(stderr=True), transient=False) as bar:
        task = bar.add_task(suite.name, total=None)

        class _Hook:
            def start(self, total: int, resumed: int) -> None:
                bar.update(task, total=total)

            def advance(self, description: str) -> None:
                bar.update(task, advance=1, description=description[:40].ljust(40))

        outcome = run_suite(suite, options, progress=_Hook())
        bar.update(task, description=suite.name)
    return outcome


def _print_outcome(outcome: RunOutcome, device: DeviceInfo) -> None:
    from rich.table import Table

    con = console()
    frame = outcome.results
    verb = "resumed and finished" if outcome.resumed else "finished"
    units = len(frame.drop_duplicates(list(UNIT_COLUMNS))) if len(frame) else 0
    con.print(f"{verb} {frame['suite'].iloc[0] if len(frame) else ''}: {units} units (encoder "
              f"fits and raw models) gave {len(frame)} result rows ({outcome.n_ok} ok) on {device.kind} in "
              f"{outcome.wall_s:.1f} s")
    con.print(f"results: {outcome.run_dir / 'results.parquet'}")
    con.print(f"report:  {outcome.report_path}")
    _print_answer(outcome.report_path)
    failures = outcome.failures
    if failures.empty:
        return
    table = Table(title=f"{len(failures)} failed rows (tracebacks in "
                        f"{outcome.run_dir / 'errors'})", title_style="bold red")
    for col in ("dataset", "status", "rows", "which", "error"):
        table.add_column(col)
    # One line per distinct failure: a dataset that fails to load is one line, not one per row.
    per_dataset = frame.groupby("dataset").size()
    grouped = failures.groupby(["dataset", "status", "error"], sort=True)
    for (dataset, status, error), rows in grouped:
        which = sorted({f"{e}/{f}" for e, f in zip(rows["encoder"], rows["feature_set"],
                                                   strict=True)})
        shown = ("every row" if len(rows) == per_dataset[dataset]
                 else ", ".join(which[:4]) + (" ..." if len(which) > 4 else ""))
        table.add_row(dataset, status, str(len(rows)), shown, error)
    console(stderr=True).print(table)


def _print_answer(report_path: Path | None) -> None:
    """The report's answer block (read back from report.md: the statistics are not rerun)."""
    from bench.report.markdown import answer_section

    if report_path is not None and report_path.suffix == ".md" and report_path.exists():
        answer = answer_section(report_path.read_text(encoding="utf-8"))
        if answer:
            typer.echo(f"\nAnswer:\n{answer}")


def _print_plan(suite: Suite, options: OpenMLOptions, shapes: dict[str, Shape]) -> None:
    from rich.table import Table

    from bench.check import available_memory, size_text, unit_memory
    from bench.plan import make_plan

    plan = make_plan(suite, options=options)
    run = suite.run
    con = console()
    con.print(f"suite [bold]{suite.name}[/]: {len(plan.datasets)} datasets × {run.repeats} "
              f"repeat(s) × {run.folds} folds × {len(run.seeds)} seed(s); "
              f"encoders {', '.join(run.encoders) or '—'}; feature sets "
              f"{', '.join(run.feature_sets)}")
    table = Table("dataset", "work items", "units", "rows", "memory at once (est.)")
    for name in plan.datasets:
        items = [i for i in plan.items if i.dataset == name]
        memory = size_text(unit_memory(suite, shapes[name])) if name in shapes else "?"
        table.add_row(name, str(len(items)), str(sum(i.n_units for i in items)),
                      str(sum(len(i.row_keys()) for i in items)), memory)
    table.add_row("[bold]total[/]", str(len(plan.items)), str(plan.n_units), str(plan.n_rows), "")
    con.print(table)
    available = available_memory()
    con.print(f"expected rows: {plan.n_rows}"
              + (f"; memory available now: {size_text(available)}" if available else ""))


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
