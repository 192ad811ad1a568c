"""bench.cli.compare: `bench compare BASELINE NEW` exits with the verdict's code (0 ok, 1
regression, 2 not comparable) and turns bad options into one line."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from bench.cli import app
from tests.helpers import copy_small_run

runner = CliRunner()


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(copy_small_run(tmp_path_factory.mktemp("compare") / "run"))


def test_a_run_compared_with_itself_exits_0(run: str) -> None:
    assert runner.invoke(app, ["compare", run, run]).exit_code == 0


def test_the_json_carries_the_exit_code(run: str) -> None:
    result = runner.invoke(app, ["compare", run, run, "--json"])
    assert json.loads(result.stdout)["exit_code"] == result.exit_code


def test_a_bad_alpha_exits_2(run: str) -> None:
    assert runner.invoke(app, ["compare", run, run, "--alpha", "1.5"]).exit_code == 2


def test_a_bad_option_is_one_line_without_the_values(run: str) -> None:
    result = runner.invoke(app, ["compare", run, run, "--alpha", "1.5"])
    assert result.stderr == ("error: tolerance and time tolerance must be >= 0 and alpha in "
                             "(0, 1)\n")
