"""``bench env``: versions, CPU and GPU, and the device ``--device auto`` would pick."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from bench.cli._common import DEBUG_HELP, console, user_errors


@user_errors
def env(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help=DEBUG_HELP)] = False,
) -> None:
    """Show versions, CPU, GPU and the device `--device auto` picks."""
    from rich.table import Table

    from bench.device import resolve_device
    from bench.environment import environment

    info = environment()
    device = resolve_device("auto")
    info["auto_device"] = {"kind": device.kind, "name": device.name, "reason": device.reason}
    if as_json:
        typer.echo(json.dumps(info, indent=2, default=str))
        return
    table = Table(title="bench env", show_header=False)
    for name, version in info["versions"].items():
        table.add_row(name, str(version or "not installed"))
    table.add_row("platform", info["platform"])
    table.add_row("cpu", f"{info['cpu']} ({info['cpu_count']} logical cores)")
    gpu = info["gpu"]
    table.add_row("gpu", ", ".join(gpu.get("devices", [])) or "none visible to torch")
    table.add_row("torch CUDA build", str(gpu["torch_cuda"] or "no (CPU build)"))
    table.add_row("--device auto", f"{device.kind} ({device.reason})")
    table.add_row("git sha", str(info["git_sha"] or "not a git checkout"))
    console().print(table)
