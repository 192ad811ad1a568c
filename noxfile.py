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
    """ruff, and the import-linter contracts in pyproject.toml (layers only point down)."""
    session.run("ruff", "check", "bench", "tests", "benchmarks", "scripts", "noxfile.py")
    session.run("lint-imports")


@nox.session
def perf(session: nox.Session) -> None:
    """Benchmarks (pytest-benchmark): speed and memory targets, with numbers to quote.

    ``nox -s perf -- benchmarks/test_startup.py`` runs one file: a path among the arguments
    replaces the default ``benchmarks`` folder instead of being added to it."""
    paths = [a for a in session.posargs if not a.startswith("-") and a.startswith("benchmarks")]
    session.run("python", "-m", "pytest", *([] if paths else ["benchmarks"]), "-p",
                "no:cacheprovider", "--benchmark-columns=min,mean,max,rounds", *session.posargs)


@nox.session
def baseline(session: nox.Session) -> None:
    """Refresh results/baselines/quick-cpu (the CI regression gate's reference) on purpose.

    Runs the quick suite on the CPU and keeps only manifest.json and results.parquet. Commit the
    result together with the change that moved the numbers, and say why in the message.
    """
    import shutil
    import tempfile
    from pathlib import Path

    target = Path("results/baselines/quick-cpu")
    run_dir = Path(tempfile.mkdtemp()) / "quick-cpu"
    session.run("bench", "run", "quick", "--device", "cpu", "--out", str(run_dir), "--quiet")
    target.mkdir(parents=True, exist_ok=True)
    for name in ("manifest.json", "results.parquet"):
        shutil.copy2(run_dir / name, target / name)
    shutil.rmtree(run_dir.parent, ignore_errors=True)
    session.log(f"baseline refreshed in {target}")


@nox.session
def gpu(session: nox.Session) -> None:
    """The one GPU check (scripts/gpu-check.sh): pytest -m gpu, GPU benchmarks, a CUDA suite run;
    writes gpu-evidence.json. `nox -s gpu -- --dry-run` runs its steps on the CPU, tiny."""
    session.run("bash", "scripts/gpu-check.sh", *session.posargs, external=True)
