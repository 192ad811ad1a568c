"""The result row's one definition: key, columns, defaults, arrow schema, row factories."""

from __future__ import annotations

import dataclasses

import pyarrow as pa
import pytest

from bench.schema import (
    COLUMNS,
    KEY_COLUMNS,
    METRIC_COLUMNS,
    RESULT_SCHEMA,
    SCHEMA_VERSION,
    TRACEBACK_KEY,
    VERSION_KEY,
    FeatureSet,
    Mode,
    ResultRow,
    RowKey,
    RunFields,
    Status,
    error_row,
    new_row,
    row_key,
)

RUN = RunFields(run_id="r", config_hash="abc", suite="s", device="cpu")
KEY = RowKey("iris", 0, 1, 2, "ae", "emb")


def test_key_columns_are_the_named_tuple_fields() -> None:
    assert KEY_COLUMNS == ("dataset", "repeat", "fold", "seed", "encoder", "feature_set")


def test_row_key_equals_a_plain_tuple() -> None:
    assert KEY == ("iris", 0, 1, 2, "ae", "emb")


def test_arrow_schema_has_every_row_column_in_order() -> None:
    assert tuple(RESULT_SCHEMA.names) == COLUMNS


def test_arrow_schema_carries_the_version() -> None:
    assert RESULT_SCHEMA.metadata[VERSION_KEY] == str(SCHEMA_VERSION).encode()


def test_metric_columns_are_floats() -> None:
    assert {str(RESULT_SCHEMA.field(m).type) for m in METRIC_COLUMNS} == {"double"}


def test_new_row_has_every_column() -> None:
    assert tuple(new_row(RUN, KEY)) == COLUMNS


def test_new_row_defaults_metrics_to_null() -> None:
    row = new_row(RUN, KEY)
    assert [row[m] for m in METRIC_COLUMNS] == [None] * len(METRIC_COLUMNS)


def test_null_metrics_are_null_in_parquet() -> None:
    table = pa.Table.from_pylist([new_row(RUN, KEY, accuracy=0.5)], schema=RESULT_SCHEMA)
    assert table.column("rmse").null_count == 1


def test_new_row_fills_key_and_run_fields() -> None:
    row = new_row(RUN, KEY, mode=Mode.CROSSFIT, accuracy=0.5)
    assert (row["dataset"], row["encoder_mode"], row["accuracy"], row["suite"]) == (
        "iris", "crossfit", 0.5, "s")


def test_new_row_rejects_an_unknown_column() -> None:
    with pytest.raises(TypeError):
        new_row(RUN, KEY, not_a_column=1)


def test_rows_fit_the_arrow_schema() -> None:
    table = pa.Table.from_pylist([new_row(RUN, KEY)], schema=RESULT_SCHEMA)
    assert table.num_rows == 1


def test_error_row_is_one_line_with_the_exception_type() -> None:
    row = error_row(RUN, KEY, ValueError("bad thing\nsecond line"))
    assert row["error"] == "ValueError: bad thing"


def test_error_row_status() -> None:
    assert error_row(RUN, KEY, "boom", status=Status.TIMEOUT)["status"] == "timeout"


def test_error_row_keeps_the_traceback_aside() -> None:
    try:
        raise RuntimeError("x")
    except RuntimeError as exc:
        row = error_row(RUN, KEY, exc)
    assert "Traceback" in row[TRACEBACK_KEY]


def test_error_row_truncates_long_messages() -> None:
    assert len(error_row(RUN, KEY, "x" * 2000)["error"]) == 500


def test_row_key_of_a_row() -> None:
    assert row_key(new_row(RUN, KEY)) == KEY


def test_feature_sets_vocabulary() -> None:
    assert [fs.value for fs in FeatureSet] == ["raw", "emb", "raw+emb"]


def test_result_row_is_frozen() -> None:
    row = ResultRow(run_id="r", config_hash="c", suite="s", dataset="d", repeat=0, fold=0, seed=0,
                    encoder="ae", feature_set="emb")
    with pytest.raises(dataclasses.FrozenInstanceError):
        row.status = "error"  # type: ignore[misc]


def test_schema_version_is_3_since_device_peak_mib() -> None:
    assert SCHEMA_VERSION == 3


def test_device_peak_mib_is_a_float_column() -> None:
    assert str(RESULT_SCHEMA.field("device_peak_mib").type) == "double"


def test_new_row_defaults_device_peak_mib_to_null() -> None:
    assert new_row(RUN, KEY)["device_peak_mib"] is None


def test_shift_auc_is_a_float_column() -> None:
    assert str(RESULT_SCHEMA.field("shift_auc").type) == "double"


def test_new_row_defaults_shift_auc_to_null() -> None:
    assert new_row(RUN, KEY)["shift_auc"] is None
