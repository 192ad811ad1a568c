"""``bench report RUN_DIR``: regenerate the report from the result rows alone."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bench.cli._common import DEBUG_HELP, console, user_errors
from bench.config import load_suite_data
from bench.device import DeviceInfo
from bench.pipeline import write_report
from bench.store import RunStore, load


@user_errors
def report(
    run_dir: Annotated[Path, typer.Argument(help="A run directory made by `bench run`.")],
    debug: Annotated[bool, typer.Option("--debug", help=DEBUG_HELP)] = False,
) -> None:
    """Rewrite RUN_DIR/report.md from RUN_DIR's results."""
    frame = load(run_dir)
    manifest = RunStore(run_dir).read_manifest()
    suite = load_suite_data({**manifest["config"], "base_dir": run_dir},
                            where=str(run_dir / "manifest.json"))
    dev = manifest["device"]
    path = write_report(run_dir, frame, suite, DeviceInfo(dev["kind"], dev["name"], dev["reason"]))
    console().print(f"report: {path}")
