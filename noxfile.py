"""Sessions: `nox -s tests` (what CI runs), `nox -s lint`, `nox -s perf` (benchmarks).

They run in the current environment (``venv_backend="none"``): install the project first as the
README says. A nox-made venv would have to pick a torch build for you, and the right one (CPU or
which CUDA) is a choice of your machine, not of this file.
"""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "none"
nox.options.sessions = ["tests"]


@nox.session
def tests(session: nox.Session) -> None:
    """The full test suite (real torch, XGBoost, parquet); GPU tests skip without CUDA."""
    # pytest exits 5 when it collects no tests: nox treats any non-zero code as failure.
    session.run("python", "-m", "pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    session.run("ruff", "check", "bench", "tests", "benchmarks", "noxfile.py")


@nox.session
def perf(session: nox.Session) -> None:
    """Benchmarks (pytest-benchmark): speed and memory targets, with numbers to quote."""
    session.run("python", "-m", "pytest", "benchmarks", "-p", "no:cacheprovider",
                "--benchmark-columns=min,mean,max,rounds", *session.posargs)
