"""The per-encoder shift summary counts each fit once and flags a median above 0.6."""

from __future__ import annotations

import pandas as pd
import pytest

from bench.schema import RESULT_SCHEMA
from bench.stats.shift import FLAG_ABOVE, shift_summary


def _rows(encoder: str, values: list[float], *, mode: str = "", status: str = "ok") -> list[dict]:
    rows = []
    for fold, value in enumerate(values):
        for feature_set in ("emb", "raw+emb"):  # one fit, two rows with the same value
            row = {name: None for name in RESULT_SCHEMA.names}
            row.update(dataset=f"d{fold % 2}", repeat=0, fold=fold, seed=0, encoder=encoder,
                       encoder_mode=mode, feature_set=feature_set, status=status, shift_auc=value)
            rows.append(row)
    return rows


FRAME = pd.DataFrame(_rows("ae", [0.5, 0.52, 0.9]) + _rows("mlp", [0.7, 0.8, 0.61], mode="crossfit")
                     + _rows("pca", [0.99], status="error")
                     + [{**_rows("none", [0.5])[0], "shift_auc": None, "feature_set": "raw"}])


def test_each_fit_counts_once() -> None:
    assert shift_summary(FRAME).get("ae").n_fits == 3


def test_median_over_fits() -> None:
    assert shift_summary(FRAME).get("ae").median == pytest.approx(0.52)


def test_maximum_and_where() -> None:
    ae = shift_summary(FRAME).get("ae")
    assert (ae.maximum, ae.worst_dataset) == (0.9, "d0")


def test_median_above_the_flag_is_flagged() -> None:
    assert [e.encoder for e in shift_summary(FRAME).flagged] == ["mlp"]


def test_the_flag_is_strictly_above() -> None:
    at = pd.DataFrame(_rows("ae", [FLAG_ABOVE]))
    assert shift_summary(at).flagged == ()


def test_failed_rows_and_rows_without_a_value_are_left_out() -> None:
    assert [e.encoder for e in shift_summary(FRAME).encoders] == ["ae", "mlp"]


def test_mode_is_carried() -> None:
    assert shift_summary(FRAME).get("mlp").mode == "crossfit"


def test_rows_without_the_column_give_an_empty_summary() -> None:
    assert shift_summary(FRAME.drop(columns="shift_auc")).encoders == ()
