"""Reading one results file (a part or ``results.parquet``): its schema version and columns.

Runs of this version and of every older one are read; a column an older run lacks (e.g.
``shift_auc`` before version 2, ``device_peak_mib`` before 3) reads as NULL, and its rows keep
their own ``schema_version``. A newer version is refused with what to do. :mod:`bench.store`
reads and writes whole runs on top.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from bench.errors import BenchError
from bench.schema import RESULT_SCHEMA, SCHEMA_VERSION, VERSION_KEY

__all__ = ["check_file_version", "check_schema_version", "read_results_file",
           "read_results_table"]


def check_schema_version(version: object, *, where: str, writing: bool = False) -> int:
    """The version number, or a :class:`BenchError` that says what to do with it.

    Reading accepts this version and older ones; ``writing`` (appending rows) only this one.
    """
    try:
        number = int(version)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise BenchError(f"no valid results schema version ({version!r}); this bench reads "
                         f"versions 1 to {SCHEMA_VERSION}", where=where) from None
    if number > SCHEMA_VERSION:
        raise BenchError(f"results schema version {number} was written by a newer bench; this "
                         f"bench reads versions 1 to {SCHEMA_VERSION}: upgrade bench to read it",
                         where=where)
    if number < 1:
        raise BenchError(f"results schema version must be >= 1, however: {number}", where=where)
    if writing and number < SCHEMA_VERSION:
        raise BenchError(f"results schema version {number} was written by an older bench; this "
                         f"bench writes version {SCHEMA_VERSION} and never mixes versions in one "
                         f"run: resume it with the bench version that wrote it (see the "
                         f"manifest) or choose another --out directory", where=where)
    return number


def check_file_version(path: Path) -> None:
    """Check the schema version in a results file's parquet metadata."""
    try:
        metadata = pq.read_schema(path).metadata or {}
    except (OSError, pa.ArrowException) as exc:
        raise BenchError(f"unreadable results file ({type(exc).__name__})", where=str(path)) from None
    check_schema_version(metadata.get(VERSION_KEY, b"?").decode(), where=str(path))


def read_results_file(path: Path) -> pd.DataFrame:
    """Read one part or ``results.parquet``, checking its schema version."""
    return read_results_table(path).to_pandas()


def read_results_table(path: Path) -> pa.Table:
    """:func:`read_results_file` as an Arrow table with this version's schema: many parts are
    concatenated as tables and converted to pandas once (half the time of one frame each)."""
    try:
        with pq.ParquetFile(path) as file:
            check_schema_version((file.schema_arrow.metadata or {}).get(VERSION_KEY, b"?")
                                 .decode(), where=str(path))
            return _conform(file.read())
    except (OSError, pa.ArrowException) as exc:
        raise BenchError(f"unreadable results file ({type(exc).__name__}: "
                         f"{str(exc).splitlines()[0] if str(exc) else ''}); delete it and rerun "
                         f"`bench run` with the same --out to recompute its rows",
                         where=str(path)) from None


def _conform(table: pa.Table) -> pa.Table:
    """``table`` with this version's columns, in order and type: columns an older version
    lacked are NULL (its rows keep their own ``schema_version``)."""
    if table.schema.equals(RESULT_SCHEMA, check_metadata=False):
        return pa.Table.from_arrays(table.columns, schema=RESULT_SCHEMA)
    columns = [table.column(f.name).cast(f.type) if f.name in table.column_names
               else pa.nulls(table.num_rows, f.type) for f in RESULT_SCHEMA]
    return pa.Table.from_arrays(columns, schema=RESULT_SCHEMA)
