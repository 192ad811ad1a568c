"""``bench.stats.leakage``: the leakage audit's gains, each relative to the variant's own raw
baseline, checked on a worked example computed by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bench.stats.leakage import LeakageAudit, leakage_audit


def _row(dataset, task, fold, encoder, mode, feature_set, **metrics):
    return {"dataset": dataset, "task": task, "repeat": 0, "fold": fold, "seed": 0,
            "encoder": encoder, "encoder_mode": mode, "feature_set": feature_set,
            "status": "ok", "accuracy": np.nan, "rmse": np.nan, **metrics}


def _acc(enc, mode, fs, fold, v):
    return _row("d1", "binary", fold, enc, mode, fs, accuracy=v)


#: Hand-computed below: gains are relative to each variant's own raw baseline.
WORKED = [
    _acc("none", "", "raw", 0, 0.80), _acc("none", "", "raw", 1, 0.70),
    _acc("mlp_naive", "naive", "emb", 0, 0.90), _acc("mlp_naive", "naive", "emb", 1, 0.80),
    _acc("mlp", "crossfit", "emb", 0, 0.82), _acc("mlp", "crossfit", "emb", 1, 0.70),
    _acc("mlp_h", "holdout", "raw", 0, 0.60), _acc("mlp_h", "holdout", "raw", 1, 0.64),
    _acc("mlp_h", "holdout", "emb", 0, 0.65), _acc("mlp_h", "holdout", "emb", 1, 0.63),
    _acc("mlp_h", "holdout", "emb", 2, 0.99),  # no other row of split 2: ignored
    _acc("ae", "", "emb", 0, 0.5),  # not supervised: not part of the audit
    _row("d2", "regression", 0, "none", "", "raw", rmse=2.0),
    _row("d2", "regression", 0, "mlp_naive", "naive", "emb", rmse=1.5),
    _row("d2", "regression", 0, "mlp", "crossfit", "emb", rmse=1.9),
    {**_row("d2", "regression", 0, "mlp_h", "holdout", "emb", rmse=9.9), "status": "error"},
]


def worked_audit() -> LeakageAudit:
    return leakage_audit(pd.DataFrame(WORKED))


@pytest.fixture(scope="module")
def rows():
    return {(r.dataset, r.leak_free): r for r in worked_audit().rows}


def test_every_naive_leak_free_pair_with_rows_is_compared(rows) -> None:
    assert set(rows) == {("d1", "mlp"), ("d1", "mlp_h"), ("d2", "mlp")}


def test_the_naive_side_is_the_naive_encoder(rows) -> None:
    assert {r.naive for r in rows.values()} == {"mlp_naive"}


def test_only_feature_sets_with_rows_are_compared(rows) -> None:
    assert {r.feature_set for r in rows.values()} == {"emb"}


def test_splits_are_those_where_all_rows_exist(rows) -> None:
    assert rows[("d1", "mlp")].n_splits == 2


def test_metric_follows_the_task(rows) -> None:
    assert rows[("d1", "mlp")].metric == "accuracy"


def test_leak_free_mode_is_carried(rows) -> None:
    assert rows[("d1", "mlp")].leak_free_mode == "crossfit"


def test_scores_are_means_over_the_splits(rows) -> None:
    assert rows[("d1", "mlp")].naive_score == pytest.approx(0.85)


def test_leak_free_score(rows) -> None:
    assert rows[("d1", "mlp")].leak_free_score == pytest.approx(0.76)


def test_naive_gain_is_relative_to_raw(rows) -> None:
    assert rows[("d1", "mlp")].naive_gain == pytest.approx(0.10 / 0.75)


def test_leak_free_gain_is_relative_to_raw(rows) -> None:
    assert rows[("d1", "mlp")].leak_free_gain == pytest.approx(0.01 / 0.75)


def test_inflation_is_the_difference_of_the_gains(rows) -> None:
    assert rows[("d1", "mlp")].inflation == pytest.approx(0.09 / 0.75)


def test_holdout_uses_its_own_raw_rows(rows) -> None:
    assert rows[("d1", "mlp_h")].leak_free_gain == pytest.approx(0.02 / 0.62)


def test_holdout_ignores_a_split_without_the_other_rows(rows) -> None:
    assert rows[("d1", "mlp_h")].n_splits == 2


def test_an_error_metric_flips_the_sign(rows) -> None:
    assert rows[("d2", "mlp")].naive_gain == pytest.approx(0.25)


def test_an_error_metric_leak_free_gain(rows) -> None:
    assert rows[("d2", "mlp")].leak_free_gain == pytest.approx(0.05)


def test_an_error_metric_inflation(rows) -> None:
    assert rows[("d2", "mlp")].inflation == pytest.approx(0.20)


def test_median_inflation_across_datasets() -> None:
    assert worked_audit().median_inflation()[("mlp_naive", "mlp", "emb")] == pytest.approx(
        np.median([0.09 / 0.75, 0.20]))


def test_frame_has_one_row_per_comparison() -> None:
    assert len(worked_audit().frame()) == 3


def test_frame_carries_the_inflation() -> None:
    assert "inflation" in worked_audit().frame().columns


def test_without_a_naive_encoder_the_audit_is_empty() -> None:
    rows = [_row("d", "binary", 0, "none", "", "raw", accuracy=0.5),
            _row("d", "binary", 0, "mlp", "crossfit", "emb", accuracy=0.6)]
    assert leakage_audit(pd.DataFrame(rows)) == LeakageAudit((), {"d": "accuracy"})


def test_rows_without_encoder_modes_give_an_empty_audit() -> None:
    rows = pd.DataFrame(WORKED).drop(columns="encoder_mode")
    assert leakage_audit(rows) == LeakageAudit(())
