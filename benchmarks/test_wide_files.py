"""The duplicate-column check of a 100,000-column header is linear (``nox -s perf``).

``list.count`` per name made it quadratic: 96 s of a 151 s load of a 100,000-column, 20-row file
(issue 17). Target: under 1 s on 2 cores.
"""

from __future__ import annotations

from pathlib import Path

from bench.data.local import _check_unique_columns

N_COLUMNS = 100_000


def test_duplicate_column_check_of_a_wide_header(benchmark) -> None:
    names = [f"c{i}" for i in range(N_COLUMNS)]
    benchmark.pedantic(_check_unique_columns, args=(names, Path("wide.csv")), rounds=3)
    assert benchmark.stats.stats.max < 1.0
