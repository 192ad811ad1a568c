"""bench.results_file: one results file's schema version and columns (older versions read)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from bench.errors import BenchError
from bench.results_file import (
    check_file_version,
    check_schema_version,
    read_results_file,
    read_results_table,
)
from bench.schema import COLUMNS, RESULT_SCHEMA, SCHEMA_VERSION, VERSION_KEY

V1_RUN = Path(__file__).resolve().parent / "data" / "runs" / "quick-cpu-v1" / "results.parquet"


def test_this_version_is_read() -> None:
    assert check_schema_version(SCHEMA_VERSION, where="x") == SCHEMA_VERSION


def test_an_older_version_is_read() -> None:
    assert check_schema_version(1, where="x") == 1


def test_a_newer_version_is_refused() -> None:
    with pytest.raises(BenchError, match="written by a newer bench"):
        check_schema_version(SCHEMA_VERSION + 1, where="x")


def test_an_older_version_is_not_written_to() -> None:
    with pytest.raises(BenchError, match="never mixes versions"):
        check_schema_version(1, where="x", writing=True)


def test_no_version_is_refused() -> None:
    with pytest.raises(BenchError, match="no valid results schema version"):
        check_schema_version("?", where="x")


def test_a_version_1_file_reads_with_every_current_column() -> None:
    assert list(read_results_file(V1_RUN).columns) == list(COLUMNS)


def test_a_version_1_file_reads_its_missing_column_as_null() -> None:
    assert read_results_file(V1_RUN)["shift_auc"].isna().all()


V2_RUN = V1_RUN.parent.parent / "quick-cpu-v2" / "results.parquet"


def test_a_version_2_file_reads_with_every_current_column() -> None:
    assert list(read_results_file(V2_RUN).columns) == list(COLUMNS)


def test_a_version_2_file_reads_device_peak_mib_as_null() -> None:
    assert read_results_file(V2_RUN)["device_peak_mib"].isna().all()


def test_a_file_without_version_metadata_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bare.parquet"
    pq.write_table(pa.table({"x": [1]}), path)
    with pytest.raises(BenchError, match="no valid results schema version"):
        check_file_version(path)


def test_the_version_key_is_in_a_v1_file() -> None:
    assert VERSION_KEY in (pq.read_schema(V1_RUN).metadata or {})


CURRENT_RUN = (Path(__file__).resolve().parent.parent / "results" / "baselines" / "quick-cpu"
               / "results.parquet")


def test_a_version_1_table_has_this_versions_schema() -> None:
    assert read_results_table(V1_RUN).schema.equals(RESULT_SCHEMA, check_metadata=False)


def test_a_current_file_reads_as_the_same_frame_through_the_table() -> None:
    """The table path (parts concatenated, converted once) gives pandas what it gave before:
    the frame of a plain read of the file, conformed to this version's schema."""
    plain = _conform_plain(pq.read_table(CURRENT_RUN)).to_pandas()
    pd.testing.assert_frame_equal(read_results_table(CURRENT_RUN).to_pandas(), plain)


def _conform_plain(table: pa.Table) -> pa.Table:
    return pa.Table.from_arrays([table.column(f.name).cast(f.type) for f in RESULT_SCHEMA],
                                schema=RESULT_SCHEMA)


def test_a_damaged_file_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "part.parquet"
    path.write_bytes(b"not parquet")
    with pytest.raises(BenchError, match="unreadable results file"):
        read_results_table(path)
