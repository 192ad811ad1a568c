"""User-facing errors.

Every error a user can cause (a bad suite file, a missing column, an unknown encoder) derives
from :class:`BenchError`; the CLI turns it into one line on stderr and exit code 2. Bugs in our
own code stay ordinary exceptions so they keep their tracebacks.
"""

from __future__ import annotations

#: What every command prints on Ctrl-C before exiting with 130.
INTERRUPTED = "interrupted (Ctrl-C)"


class BenchError(Exception):
    """An error the user can fix, with the context needed to find it.

    ``where`` names the culprit (a file, a dataset, a key); it prefixes the message so the
    one-line rendering reads ``suites/x.toml: run.folds: expected ... , got ...``.
    """

    def __init__(self, message: str, *, where: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.where = where

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class ConfigError(BenchError, ValueError):
    """A suite file or command-line option is invalid."""


class DataError(BenchError, ValueError):
    """A dataset cannot be loaded or is unusable for the requested task."""


class EncoderError(BenchError, ValueError):
    """An encoder was given invalid parameters or unusable input."""


class DeviceError(BenchError, RuntimeError):
    """The requested device is not available."""
