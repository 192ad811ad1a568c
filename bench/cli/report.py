"""``bench report RUN_DIR``: regenerate the report from the result rows alone."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bench.cli._common import DEBUG_HELP, console, user_errors
from bench.report.formats import FORMATS, parse_formats
from bench.schema import CLASSIFICATION_METRICS, REGRESSION_METRICS, parse_metrics


@user_errors
def report(
    run_dir: Annotated[Path, typer.Argument(help="A run directory made by `bench run`.")],
    metric: Annotated[str | None, typer.Option(
        help="Primary metric(s), comma-separated: a classification metric "
             f"({', '.join(CLASSIFICATION_METRICS)}) and/or a regression metric "
             f"({', '.join(REGRESSION_METRICS)}). Default: the suite's.")] = None,
    baseline: Annotated[str, typer.Option(help="The method every other is compared with.")] = "raw",
    alpha: Annotated[float, typer.Option(help="Significance level of every test.")] = 0.05,
    rope: Annotated[float, typer.Option(
        help="Region of practical equivalence, relative to the baseline's mean "
             "(0.01 = ±1%).")] = 0.01,
    formats_: Annotated[str, typer.Option(
        "--format", help=f"Comma-separated subset of {','.join(FORMATS)}.")] = ",".join(FORMATS),
    out: Annotated[Path | None, typer.Option(
        help="Where to write the report (default: RUN_DIR).")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Overwrite a report of another run in --out.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help=DEBUG_HELP)] = False,
) -> None:
    """Rewrite the report (report.md/.tex/.html, tables/, figures/) from RUN_DIR's results."""
    from bench.config import MetricsConfig
    from bench.report.writer import write_run_report
    from bench.stats import ReportOptions
    from bench.store import RunStore, load

    formats = parse_formats(formats_)
    frame = load(run_dir)
    manifest = RunStore(run_dir).read_manifest()
    suite_metrics = ((manifest.get("config") or {}).get("run") or {}).get("metrics") or {}
    metrics = {**MetricsConfig.model_validate(suite_metrics).model_dump(), **parse_metrics(metric)}
    options = ReportOptions(metrics=metrics, baseline=baseline, alpha=alpha, rope=rope)
    path = write_run_report(out or run_dir, frame, manifest, options=options, formats=formats,
                            force=force)
    console().print(f"report: {path}")
