"""Error handling and console helpers shared by the commands."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from rich.console import Console

from bench.errors import INTERRUPTED, BenchError

F = TypeVar("F", bound=Callable[..., Any])

DEBUG_HELP = "Show the full traceback of an error instead of one line."


def console(*, stderr: bool = False) -> Console:
    """A console that does not squeeze tables to 80 columns when output goes to a file/CI log."""
    stream = sys.stderr if stderr else sys.stdout
    width = None if stream.isatty() else 160
    return Console(stderr=stderr, highlight=False, width=width)




def user_errors(func: F) -> F:
    """Turn a :class:`BenchError` into one line on stderr and exit code 2 (unless ``--debug``),
    and Ctrl-C at any moment into one line and exit code 130."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except KeyboardInterrupt:
            if kwargs.get("debug"):
                raise
            sys.stderr.write(f"{INTERRUPTED}\n")
            raise typer.Exit(130) from None
        except BenchError as exc:
            if kwargs.get("debug"):
                raise
            sys.stderr.write(f"error: {exc}\n")
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]
