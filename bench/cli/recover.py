"""``bench recover RUN_DIR``: rebuild a missing or corrupt manifest from the run's parts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bench.cli._common import DEBUG_HELP, console, user_errors


@user_errors
def recover(
    run_dir: Annotated[Path, typer.Argument(help="A run directory whose manifest.json is lost.")],
    debug: Annotated[bool, typer.Option("--debug", help=DEBUG_HELP)] = False,
) -> None:
    """Rebuild RUN_DIR's manifest.json from its parts; then rerun the suite to resume."""
    from bench.recovery import recover as rebuild

    done = rebuild(run_dir)
    if done is None:
        console().print(f"{run_dir}: the manifest is sound; nothing to recover")
        return
    kept = f"; the damaged one is kept as {done.kept.name}" if done.kept else ""
    console().print(f"rebuilt {done.manifest} from {done.n_parts} parts ({done.n_rows} rows)"
                    f"{kept}; rerun the same suite with --out {run_dir} to resume")
