"""``bench check SUITE``: find every problem in a suite and its data before any work (exit 2)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bench.cli._common import DEBUG_HELP, console, user_errors

if TYPE_CHECKING:
    from bench.check import CheckResult, Problem

INFER_TASKS_HELP = ("Take the guess for datasets whose task is ambiguous (whole-number targets "
                    "with more than two values) instead of stopping; the guess is printed and "
                    "recorded. Better: add `task = ...` to those [[datasets]] entries.")


@user_errors
def check(
    suite: Annotated[str, typer.Argument(help="A shipped suite name or a suite TOML path.")],
    infer_tasks: Annotated[bool, typer.Option("--infer-tasks", help=INFER_TASKS_HELP)] = False,
    offline: Annotated[bool, typer.Option(
        "--offline", help="Report OpenML entries missing from the cache as problems.")] = False,
    cache_dir: Annotated[Path | None, typer.Option(
        help="Cache directory for OpenML data (default: $BENCH_CACHE_DIR or the user cache dir).")
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help=DEBUG_HELP)] = False,
) -> None:
    """Check a suite: every dataset's file, target, columns, task and class sizes, in one go."""
    from bench.check import Problem, check_suite
    from bench.data import OpenMLOptions
    from bench.suite_loader import load_suite_problems

    loaded, suite_problems = load_suite_problems(suite)
    if loaded is None:
        report_problems(suite, [Problem("suite", p) for p in suite_problems])
        return
    result = check_suite(loaded, options=OpenMLOptions.from_env(cache_dir=cache_dir,
                                                                offline=offline),
                         infer_tasks=infer_tasks)
    report_check(result, suite_problems=[Problem("suite", p) for p in suite_problems])
    console().print(f"suite {loaded.name}: {len(loaded.datasets)} datasets checked, no problems")


def report_check(result: CheckResult, *, suite_problems: Sequence[Problem] = ()) -> None:
    """Print the guesses and warnings; on problems, print them all and exit 2."""
    for name, guess in result.guesses.items():
        typer.echo(f"{name}: task inferred as {guess.task} (--infer-tasks): the target has "
                   f"{guess.describe()}", err=True)
    for warning in result.warnings:
        typer.echo(f"warning: {warning}", err=True)
    report_problems(result.suite.name, [*suite_problems, *result.problems])


def report_problems(suite: str, problems: Sequence[Problem]) -> None:
    """Every problem on its own line (stderr), then exit 2; nothing when there are none."""
    if not problems:
        return
    n = len(problems)
    typer.echo(f"{n} problem{'s' * (n > 1)} in suite {suite}:", err=True)
    for problem in problems:
        typer.echo(f"  {problem}", err=True)
    raise typer.Exit(2)
