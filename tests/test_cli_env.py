"""bench.cli.env: `bench env` shows versions, CPU, GPU and the device `--device auto` picks."""

from __future__ import annotations

import json
import re

from typer.testing import CliRunner

from bench.cli import app
from bench.device import resolve_device

runner = CliRunner()


def test_env_json_names_the_auto_device() -> None:
    result = runner.invoke(app, ["env", "--json"])
    assert result.exit_code == 0
    info = json.loads(result.output)
    assert info["auto_device"]["kind"] in ("cpu", "cuda")
    assert info["versions"]["xgboost"]


def test_env_json_picks_what_resolve_device_picks() -> None:
    info = json.loads(runner.invoke(app, ["env", "--json"]).output)
    assert info["auto_device"]["reason"] == resolve_device("auto").reason


def test_env_table_shows_the_auto_device_row() -> None:
    result = runner.invoke(app, ["env"])
    device = resolve_device("auto")
    assert re.search(rf"--device auto +│ {device.kind} \(", result.output)
