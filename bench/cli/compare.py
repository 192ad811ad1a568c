"""``bench compare BASELINE NEW``: a regression gate for CI (exit 0 ok, 1 regression, 2 not
comparable)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from bench.cli._common import DEBUG_HELP, user_errors
from bench.errors import ConfigError


@user_errors
def compare(
    baseline: Annotated[Path, typer.Argument(help="The reference run directory.")],
    new: Annotated[Path, typer.Argument(help="The run directory to check.")],
    tolerance: Annotated[float, typer.Option(
        help="Non-inferiority margin: NEW may be this fraction worse (relative, e.g. 0.01 = 1%) "
             "before it counts.")] = 0.01,
    time_tolerance: Annotated[float | None, typer.Option(
        help="Gate on timing too: fail when fit+predict time grows by more than this fraction "
             "(e.g. 0.5 = 50%). Off by default: CI machines differ.")] = None,
    alpha: Annotated[float, typer.Option(help="Significance level of the tests.")] = 0.05,
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of markdown.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help=DEBUG_HELP)] = False,
) -> None:
    """Is NEW worse than BASELINE? Exit 0 no, 1 regression, 2 not comparable (CI gate)."""
    from bench.compare import compare_runs, render_markdown

    try:
        result = compare_runs(baseline, new, tolerance=tolerance, time_tolerance=time_tolerance,
                              alpha=alpha)
    except ValueError as exc:
        raise ConfigError(str(exc).split(", however")[0]) from None
    if as_json:
        typer.echo(json.dumps(result.to_json(), indent=2))
    else:
        typer.echo(render_markdown(result), nl=False)
    raise typer.Exit(result.exit_code)
