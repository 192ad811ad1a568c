"""bench.cli._common: a BenchError is one line on stderr and exit 2, Ctrl-C one line and exit
130, ``--debug`` shows the traceback; consoles do not squeeze tables into 80 columns."""

from __future__ import annotations

from typing import Annotated

import pytest
import typer
from typer.testing import CliRunner

from bench.cli import app
from bench.cli._common import console, user_errors
from bench.errors import INTERRUPTED, ConfigError

runner = CliRunner()

toy = typer.Typer()


@toy.command()
@user_errors
def fail(
    kind: Annotated[str, typer.Argument()],
    debug: Annotated[bool, typer.Option("--debug")] = False,
) -> None:
    """Raise what ``kind`` names, as a command might."""
    if kind == "bench":
        raise ConfigError("folds must be >= 2, however: 1", where="suite.toml")
    if kind == "interrupt":
        raise KeyboardInterrupt
    raise ValueError("a bug")


def test_a_bench_error_exits_2() -> None:
    assert runner.invoke(toy, ["bench"]).exit_code == 2


def test_a_bench_error_is_one_line_on_stderr() -> None:
    assert runner.invoke(toy, ["bench"]).stderr == "error: suite.toml: folds must be >= 2, however: 1\n"


def test_a_bench_error_under_debug_propagates() -> None:
    result = runner.invoke(toy, ["bench", "--debug"])
    assert isinstance(result.exception, ConfigError)


def test_ctrl_c_exits_130() -> None:
    assert runner.invoke(toy, ["interrupt"]).exit_code == 130


def test_ctrl_c_is_one_line_on_stderr() -> None:
    assert runner.invoke(toy, ["interrupt"]).stderr == f"{INTERRUPTED}\n"


def test_ctrl_c_under_debug_is_left_to_the_command_line_library() -> None:
    assert INTERRUPTED not in runner.invoke(toy, ["interrupt", "--debug"]).stderr


def test_a_bug_is_not_hidden() -> None:
    result = runner.invoke(toy, ["bug"])
    assert isinstance(result.exception, ValueError)


def test_debug_shows_the_error_of_a_real_command() -> None:
    result = runner.invoke(app, ["run", "no_such_suite", "--dry-run", "--debug"])
    assert isinstance(result.exception, ConfigError)


def test_a_console_writing_to_a_file_is_160_columns_wide(capsys: pytest.CaptureFixture[str]) -> None:
    assert console().width == 160


def test_a_stderr_console_writes_to_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    console(stderr=True).print("to stderr")
    assert capsys.readouterr().err == "to stderr\n"
