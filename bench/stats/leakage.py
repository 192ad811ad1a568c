"""The leakage audit: how much a naive supervised embedding flatters itself, per dataset.

A supervised encoder (``mlp``) whose network trained on the very rows XGBoost then trains on hands
XGBoost features that encode those rows' labels. Its test score is the honest consequence, but
comparing it with a leak-free variant shows how large the effect is on real data. Both are
measured as the *relative gain over their own* ``raw`` *baseline* — ``raw`` on the full training
fold for ``naive``, ``crossfit`` and ``oof-proba``; the ``raw`` row trained on exactly the held-out
rows for ``holdout`` (which trains XGBoost on fewer rows) — on the (repeat, fold, seed) splits
where all four rows exist. As in the baseline comparison, a gain is ``(method - raw) / |raw|`` of
the mean primary metric, sign-flipped for lower-is-better metrics, so positive is better and
datasets of different metrics can be summarised together. The inflation is
``naive gain - leak-free gain``: positive means the leak makes the naive variant look better.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from bench.schema import (
    HIGHER_IS_BETTER,
    KEY_COLUMNS,
    LEAK_FREE_MODES,
    NO_ENCODER,
    FeatureSet,
    Mode,
    Status,
)
from bench.stats.scores import DEFAULT_METRICS


@dataclass(frozen=True)
class LeakageRow:
    """One (dataset, feature set, naive encoder, leak-free encoder) comparison."""

    dataset: str
    metric: str
    feature_set: str
    naive: str
    leak_free: str
    leak_free_mode: str
    n_splits: int
    naive_score: float
    leak_free_score: float
    naive_gain: float
    leak_free_gain: float

    @property
    def inflation(self) -> float:
        return self.naive_gain - self.leak_free_gain


@dataclass(frozen=True)
class LeakageAudit:
    """Every naive/leak-free pair found in a run's rows (empty when a run has no naive rows)."""

    rows: tuple[LeakageRow, ...]
    metrics: dict[str, str] = field(default_factory=dict)

    def frame(self) -> pd.DataFrame:
        columns = [*LeakageRow.__dataclass_fields__, "inflation"]
        return pd.DataFrame([{**r.__dict__, "inflation": r.inflation} for r in self.rows],
                            columns=columns)

    def median_inflation(self) -> dict[tuple[str, str, str], float]:
        """Median inflation across datasets per (naive, leak-free, feature set)."""
        out: dict[tuple[str, str, str], list[float]] = {}
        for r in self.rows:
            out.setdefault((r.naive, r.leak_free, r.feature_set), []).append(r.inflation)
        return {k: float(np.median(v)) for k, v in out.items()}


def leakage_audit(frame: pd.DataFrame, *, metrics: dict[str, str] | None = None) -> LeakageAudit:
    """Pair every ``naive`` encoder with every leak-free one on each dataset and feature set."""
    chosen = {**DEFAULT_METRICS, **(metrics or {})}
    if "encoder_mode" not in frame.columns:  # rows from before encoder modes existed
        return LeakageAudit(())
    ok = frame[frame["status"] == Status.OK]
    metric_of = {d: chosen["regression" if t == "regression" else "classification"]
                 for d, t in ok.groupby("dataset")["task"].first().items()}
    modes = ok[ok["encoder"] != NO_ENCODER].groupby("encoder")["encoder_mode"].first()
    naive = sorted(e for e, m in modes.items() if m == Mode.NAIVE)
    free = sorted(e for e, m in modes.items() if m in LEAK_FREE_MODES)
    rows = [row
            for n in naive for f in free for dataset in sorted(metric_of)
            for row in _compare(ok[ok["dataset"] == dataset], n, f, str(modes[f]),
                                metric_of[dataset])]
    return LeakageAudit(tuple(rows), metric_of)


def _compare(rows: pd.DataFrame, naive: str, free: str, mode: str, metric: str) -> list[LeakageRow]:
    sign = 1.0 if HIGHER_IS_BETTER[metric] else -1.0
    scores = rows.set_index(list(KEY_COLUMNS))[metric]
    scores = scores[~scores.index.duplicated()]
    raw = _scores(scores, NO_ENCODER, FeatureSet.RAW)
    own_raw = _scores(scores, free, FeatureSet.RAW)
    free_raw = own_raw if len(own_raw) else raw
    out = []
    for feature_set in ("emb", "raw+emb"):
        table = pd.concat({"naive": _scores(scores, naive, feature_set),
                           "free": _scores(scores, free, feature_set),
                           "raw": raw, "free_raw": free_raw}, axis=1).dropna()
        if table.empty:
            continue
        out.append(LeakageRow(
            dataset=str(rows["dataset"].iloc[0]), metric=metric, feature_set=feature_set,
            naive=naive, leak_free=free, leak_free_mode=mode, n_splits=len(table),
            naive_score=float(table["naive"].mean()), leak_free_score=float(table["free"].mean()),
            naive_gain=_gain(table["naive"], table["raw"], sign),
            leak_free_gain=_gain(table["free"], table["free_raw"], sign),
        ))
    return out


def _gain(method: pd.Series, raw: pd.Series, sign: float) -> float:
    base = float(raw.mean())
    return sign * (float(method.mean()) - base) / (abs(base) if base else 1.0)


def _scores(scores: pd.Series, encoder: str, feature_set: str) -> pd.Series:
    """Scores of one (encoder, feature set) indexed by split."""
    mask = (scores.index.get_level_values("encoder") == encoder) & (
        scores.index.get_level_values("feature_set") == feature_set)
    return scores[mask].droplevel(["encoder", "feature_set"])
