"""Embedding shift per encoder: the ``shift_auc`` column summarised across a run's fits.

``shift_auc`` (see ``bench.shift``) is one value per encoder fit — per (dataset, repeat, fold,
seed, encoder) — repeated on that fit's feature-set rows; it is counted once per fit here. An
encoder whose median AUC is above :data:`FLAG_ABOVE` embeds test rows from a visibly different
distribution than its training rows: XGBoost then learns its splits on one distribution and is
scored on another, so its test scores say little about how useful the embedding is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from bench.schema import SHIFT_COLUMN, UNIT_COLUMNS, Status

#: A median shift AUC above this flags an encoder (0.5: the two cannot be told apart).
FLAG_ABOVE = 0.6


@dataclass(frozen=True)
class EncoderShift:
    """One encoder's shift AUC over its fits."""

    encoder: str
    mode: str
    n_fits: int
    n_datasets: int
    median: float
    maximum: float
    worst_dataset: str  # the dataset of the maximum

    @property
    def flagged(self) -> bool:
        return self.median > FLAG_ABOVE


@dataclass(frozen=True)
class ShiftSummary:
    """Every encoder with a shift AUC (empty for runs written before schema version 2)."""

    encoders: tuple[EncoderShift, ...]

    @property
    def flagged(self) -> tuple[EncoderShift, ...]:
        return tuple(e for e in self.encoders if e.flagged)

    def get(self, encoder: str) -> EncoderShift | None:
        return next((e for e in self.encoders if e.encoder == encoder), None)


def shift_summary(frame: pd.DataFrame) -> ShiftSummary:
    """Median and maximum shift AUC per encoder over its successful fits."""
    if SHIFT_COLUMN not in frame.columns:
        return ShiftSummary(())
    rows = frame[(frame["status"] == Status.OK) & frame[SHIFT_COLUMN].notna()]
    fits = rows.drop_duplicates(list(UNIT_COLUMNS))
    out = []
    for encoder, group in fits.groupby("encoder", sort=True):
        values = group[SHIFT_COLUMN].to_numpy(dtype=float)
        worst = int(np.argmax(values))
        modes = group["encoder_mode"].unique() if "encoder_mode" in group else [""]
        out.append(EncoderShift(
            encoder=str(encoder), mode=str(modes[0]) if len(modes) == 1 else "mixed",
            n_fits=len(values), n_datasets=int(group["dataset"].nunique()),
            median=float(np.median(values)), maximum=float(values[worst]),
            worst_dataset=str(group["dataset"].iloc[worst])))
    return ShiftSummary(tuple(out))
