"""What a run's rows record as compute, for the throughput benchmarks."""

from __future__ import annotations

import pandas as pd

from bench.schema import UNIT_COLUMNS


def recorded_compute(rows: pd.DataFrame) -> float:
    """Seconds of model work the rows record: XGBoost fit and predict per row, plus each encoder
    fit once per unit (its time is on each of its feature-set rows, not to be counted twice)."""
    encoder = rows[rows["encoder"] != "none"].groupby(list(UNIT_COLUMNS))["encoder_fit_s"].first()
    return float(rows["xgb_fit_s"].sum() + rows["predict_s"].sum() + encoder.sum())
