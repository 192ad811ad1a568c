"""Throughput of ``bench run`` on the CPU: against the plain loop, parallel efficiency, overhead.

Targets (issue 13, 2 cores, an idle machine): ``bench`` ≥ 3× the plain loop on the same grid,
parallel efficiency ≥ 85 %, overhead ≤ 10 %. Each number is stored in the benchmark's
``extra_info`` (``--benchmark-json``) and printed (``-s``). Measure on an idle machine with

    nox -s perf -- benchmarks/test_throughput.py -s --benchmark-json=throughput.json

and a larger grid with ``BENCH_PERF_SEEDS=2 BENCH_PERF_FOLDS=3``, other embedded classification
datasets with ``BENCH_PERF_DATASETS=iris,vehicle`` (a quick check that it runs:
``BENCH_PERF_DATASETS=iris nox -s perf -- -k test_throughput --benchmark-disable``). The grid
(3 small embedded PMLB classification sets by default) is :class:`benchmarks.plain_loop.Grid`.
The issue's grid of 10 mid-size PMLB sets (3 folds x 2 seeds, :data:`MID_SIZE`) runs from a
folder of PMLB ``<name>.tsv.gz`` files, read through the ``local`` source:

    BENCH_PERF_PMLB_DIR=/path/to/pmlb nox -s perf -- benchmarks/test_throughput.py -s

(``BENCH_PERF_DATASETS``, ``_FOLDS`` and ``_SEEDS`` still override it). The 45-dataset grid of
the issue is ``python -m benchmarks.grid45 /path/to/pmlb`` (from the repository root).

* **Plain loop**: :func:`benchmarks.plain_loop.plain_loop` and ``bench run`` (default workers)
  on the same grid, in the same test, one after the other. The plain loop's imports (torch,
  XGBoost, scikit-learn) are done before it is timed; ``bench``'s first run also starts the fork
  server its workers come from (a fresh interpreter importing them), so ``speedup`` is the cold
  ratio and ``speedup_warm`` that of a second run with the server up (as for every run after
  the first in one process, e.g. through :func:`bench.api.run`). ``ceiling`` is the most any
  scheduling could give on these cores: the plain loop's time over the warm run's recorded
  compute spread evenly over the cores. Past it only cheaper fits help, and fewer or cheaper
  boosting rounds change the results. (Exact when every fit runs on one thread, as on these
  grids; a fit on several threads records its wall time, which counts its compute low.)
* **Parallel efficiency**: the single-thread compute (``--workers 1``: one process, one thread
  per fit on these small tables) over (the default run's wall time × usable cores).
* **Overhead**: a ``--workers 1`` run's wall time over its recorded compute (XGBoost fit and
  predict per row, plus each encoder fit once per unit, not once per feature-set row), minus 1.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from bench.api import run
from bench.threads import usable_cores
from benchmarks.plain_loop import Grid, plain_loop, suite_toml
from benchmarks.recorded import recorded_compute

#: The issue's 10 mid-size PMLB classification sets (3 folds x 2 seeds), read from the folder
#: ``BENCH_PERF_PMLB_DIR`` names (PMLB ``<name>.tsv.gz`` files; never a path of ours).
MID_SIZE = ("pendigits", "vowel", "segmentation", "dna", "splice", "spambase", "car", "phoneme",
            "churn", "kr_vs_kp")


def grid_from_env(env: Mapping[str, str]) -> Grid:
    """The grid the environment asks for: the 3 small embedded sets (2 folds, 1 seed) by
    default; with ``BENCH_PERF_PMLB_DIR`` the 10 mid-size sets of that folder (3 folds, 2
    seeds); ``BENCH_PERF_DATASETS``, ``BENCH_PERF_FOLDS`` and ``BENCH_PERF_SEEDS`` override."""
    pmlb = env.get("BENCH_PERF_PMLB_DIR")
    grid = Grid() if not pmlb else Grid(datasets=MID_SIZE, folds=3, seeds=(0, 1),
                                        data_dir=Path(pmlb))
    if grid.data_dir is not None and not grid.data_dir.is_dir():
        raise ValueError(f"BENCH_PERF_PMLB_DIR must be a folder of PMLB <name>.tsv.gz files, "
                         f"however: {grid.data_dir} is not a folder")
    if env.get("BENCH_PERF_DATASETS"):
        grid = replace(grid, datasets=tuple(env["BENCH_PERF_DATASETS"].split(",")))
    if env.get("BENCH_PERF_FOLDS"):
        grid = replace(grid, folds=int(env["BENCH_PERF_FOLDS"]))
    if env.get("BENCH_PERF_SEEDS"):
        grid = replace(grid, seeds=tuple(range(int(env["BENCH_PERF_SEEDS"]))))
    return grid


GRID = grid_from_env(os.environ)


@pytest.fixture(scope="module")
def suite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("grid") / "grid.toml"
    path.write_text(suite_toml(GRID), encoding="utf-8")
    return path


def _bench(suite: Path, out: Path, *, workers: int | None) -> tuple[float, pd.DataFrame]:
    outcome = run(suite, out=out, device="cpu", workers=workers, force_new=True)
    assert outcome.failures.empty, outcome.failures["error"].tolist()
    return outcome.wall_s, outcome.results


def _report(benchmark, **numbers: float) -> None:
    benchmark.extra_info.update(numbers)
    print(" ".join(f"{name}={value:.3f}" for name, value in numbers.items()))


def test_bench_against_the_plain_loop(benchmark, suite: Path, tmp_path: Path) -> None:
    start = time.perf_counter()
    loop = plain_loop(GRID)
    loop_s = time.perf_counter() - start
    assert len(loop) == len(GRID.datasets) * GRID.folds * len(GRID.seeds) * 7
    cold_s, _ = benchmark.pedantic(_bench, args=(suite, tmp_path / "cold"),
                                   kwargs={"workers": None}, rounds=1, iterations=1)
    warm_s, warm_rows = _bench(suite, tmp_path / "warm", workers=None)  # the server already up
    cores = usable_cores()
    compute_s = recorded_compute(warm_rows)
    _report(benchmark, plain_loop_s=loop_s, bench_s=cold_s, speedup=loop_s / cold_s,
            bench_warm_s=warm_s, speedup_warm=loop_s / warm_s, cores=cores,
            compute_s=compute_s, ceiling=loop_s / (compute_s / cores))


def test_parallel_efficiency(benchmark, suite: Path, tmp_path: Path) -> None:
    serial_s, serial_rows = _bench(suite, tmp_path / "serial", workers=1)
    parallel_s, _ = benchmark.pedantic(_bench, args=(suite, tmp_path / "parallel"),
                                       kwargs={"workers": None}, rounds=1, iterations=1)
    cores = usable_cores()
    _report(benchmark, serial_s=serial_s, parallel_s=parallel_s, cores=cores,
            efficiency=serial_s / (parallel_s * cores))


def test_overhead(benchmark, suite: Path, tmp_path: Path) -> None:
    wall_s, rows = benchmark.pedantic(_bench, args=(suite, tmp_path / "serial"),
                                      kwargs={"workers": 1}, rounds=1, iterations=1)
    compute_s = recorded_compute(rows)
    _report(benchmark, wall_s=wall_s, compute_s=compute_s, overhead=wall_s / compute_s - 1)
