"""The result row: its key, columns, defaults, arrow schema and vocabularies, in one place.

Every other module imports these facts from here: the runner and executors build rows with
:func:`new_row` / :func:`error_row`, the store writes them with :data:`RESULT_SCHEMA`, statistics
and ``bench compare`` select them by :data:`KEY_COLUMNS` and :data:`METRIC_COLUMNS`. Adding a
column is a change to :class:`ResultRow` (and its arrow type below) plus its tests.

This module is at the bottom of the layers: it imports nothing of ``bench`` but ``errors``.
"""

from __future__ import annotations

import dataclasses
import functools
import traceback
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, NamedTuple

from bench.errors import ConfigError

#: Written into ``manifest.json`` and every parquet file's metadata; see ``bench.store``.
#: History: 1 — the first release; 2 — ``shift_auc`` added (NULL when read from a version-1 run);
#: 3 — ``device_peak_mib`` added (NULL when read from older runs, and on the CPU).
#: The store reads this version and every older one (columns an older run lacks are NULL), and
#: refuses newer ones; it never appends rows to a run of another version.
SCHEMA_VERSION = 3
VERSION_KEY = b"bench_schema_version"


class Status(StrEnum):
    """What happened to a row's unit."""

    OK = "ok"
    ERROR = "error"
    TIMEOUT = "timeout"


class FeatureSet(StrEnum):
    """What XGBoost sees."""

    RAW = "raw"
    EMB = "emb"
    RAW_EMB = "raw+emb"


FEATURE_SETS: tuple[str, ...] = tuple(fs.value for fs in FeatureSet)


class Mode(StrEnum):
    """The ``encoder_mode`` column: how a supervised encoder embeds its own training rows.

    Unsupervised encoders (and the encoder-free ``raw`` row) have the empty mode.
    """

    NONE = ""
    CROSSFIT = "crossfit"
    HOLDOUT = "holdout"
    OOF_PROBA = "oof-proba"
    NAIVE = "naive"


class Verdict(StrEnum):
    """A significance verdict against the baseline (the ``significant`` column of the
    per-dataset tests, and a method's verdict across datasets): Holm-adjusted p < α."""

    WIN = "win"
    TIE = "tie"
    LOSS = "loss"
    NA = "n/a"


class Practical(StrEnum):
    """A practical (Bayesian, with a ROPE) decision against the baseline: posterior ≥ 1 − α."""

    WIN = "win"
    EQUIVALENT = "equivalent"
    UNDECIDED = "undecided"
    LOSS = "loss"
    NA = "n/a"


#: Modes whose training-row embeddings never come from a model that saw that row.
LEAK_FREE_MODES: tuple[str, ...] = (Mode.CROSSFIT, Mode.HOLDOUT, Mode.OOF_PROBA)
#: The ``encoder`` of the shared ``raw`` row (no encoder at all).
NO_ENCODER = "none"
#: The method name of the shared baseline in the statistics.
RAW_METHOD = "raw"


class RowKey(NamedTuple):
    """What identifies a result row: one per (split, seed, encoder, feature set)."""

    dataset: str
    repeat: int
    fold: int
    seed: int
    encoder: str
    feature_set: str


KEY_COLUMNS: tuple[str, ...] = RowKey._fields
#: A unit: one encoder fit (or the raw model) on one split and seed (what ``--max-failures``
#: counts and the progress bar advances by).
UNIT_COLUMNS: tuple[str, ...] = KEY_COLUMNS[:5]
#: A run of one method on one split: what the statistics pair across methods.
RUN_COLUMNS: tuple[str, ...] = ("repeat", "fold", "seed")
SPLIT_COLUMNS: tuple[str, ...] = ("dataset", "repeat", "fold")

CLASSIFICATION_METRICS: tuple[str, ...] = ("accuracy", "balanced_accuracy", "log_loss", "roc_auc")
REGRESSION_METRICS: tuple[str, ...] = ("rmse", "mae", "r2")
METRIC_COLUMNS: tuple[str, ...] = CLASSIFICATION_METRICS + REGRESSION_METRICS
HIGHER_IS_BETTER: dict[str, bool] = {
    "accuracy": True, "balanced_accuracy": True, "log_loss": False, "roc_auc": True,
    "rmse": False, "mae": False, "r2": True,
}
#: Seconds, per row. ``encoder_fit_s`` is the encoder fit's time, repeated on each feature-set
#: row of that fit: count it once per unit (see :func:`unit_seconds`).
TIMING_COLUMNS: tuple[str, ...] = ("encoder_fit_s", "xgb_fit_s", "predict_s")
#: The embedding shift diagnostic's column (schema version 2 on).
SHIFT_COLUMN = "shift_auc"
#: Peak device memory of a unit's encoder fit (schema version 3 on).
PEAK_MEMORY_COLUMN = "device_peak_mib"

_NAN = float("nan")


@dataclass(frozen=True, kw_only=True)
class ResultRow:
    """One result row with every column and its default (metrics NULL until filled in)."""

    run_id: str
    config_hash: str
    schema_version: int = SCHEMA_VERSION
    suite: str
    dataset: str
    task: str = ""
    openml_task_id: int | None = None
    repeat: int
    fold: int
    seed: int
    encoder: str
    encoder_mode: str = Mode.NONE.value
    feature_set: str
    n_train: int = 0
    n_test: int = 0
    n_features: int = 0
    n_embedding: int = 0
    # Metrics: None (NULL in parquet and DuckDB) where the metric does not apply to the task or
    # was not computed (a failed row); NaN only where computing it failed (e.g. ROC AUC of a
    # test fold with one class), which the report counts.
    accuracy: float | None = None
    balanced_accuracy: float | None = None
    log_loss: float | None = None
    roc_auc: float | None = None
    rmse: float | None = None
    mae: float | None = None
    r2: float | None = None
    # How well a small classifier tells this fit's training-row embeddings from its test-row
    # embeddings (ROC AUC, cross-validated; ~0.5 = one distribution; see ``bench.shift``). None
    # for the encoder-free raw row, for a holdout encoder's own raw row, and on failure.
    shift_auc: float | None = None
    encoder_fit_s: float = _NAN
    xgb_fit_s: float = _NAN
    predict_s: float = _NAN
    # Peak CUDA memory (MiB) torch allocated during the encoder fit of this row's unit (the
    # fit's whole batched program when fits share one; XGBoost's own allocations are not
    # counted). None on the CPU, for raw rows, and in runs before schema version 3.
    device_peak_mib: float | None = None
    best_iteration: int = -1
    device: str = "cpu"
    fallback_reason: str = ""
    status: str = Status.OK.value
    error: str = ""


COLUMNS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(ResultRow))



@functools.cache
def result_schema() -> Any:
    """The arrow schema of the result rows (``RESULT_SCHEMA``), with the version in its metadata.

    Built on first use, so that light commands that only need column names skip pyarrow.
    """
    import pyarrow as pa

    types = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(),
             "int | None": pa.int64(), "float | None": pa.float64()}
    return pa.schema([(f.name, types[str(f.type)]) for f in dataclasses.fields(ResultRow)],
                     metadata={VERSION_KEY.decode(): str(SCHEMA_VERSION)})


def __getattr__(name: str) -> Any:
    if name == "RESULT_SCHEMA":
        return result_schema()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
#: Extra key on a row dict that carries the traceback to ``errors/`` (never stored as a column).
TRACEBACK_KEY = "_traceback"


class RunFields(NamedTuple):
    """The columns every row of one run shares."""

    run_id: str
    config_hash: str
    suite: str
    device: str
    fallback_reason: str = ""


def new_row(run: RunFields, key: RowKey, *, mode: str = "", **fields: Any) -> dict[str, Any]:
    """A complete result row (a dict with every column of :class:`ResultRow`) for ``key``."""
    row = ResultRow(**run._asdict(), **key._asdict(), encoder_mode=str(mode), **fields)
    return {name: getattr(row, name) for name in COLUMNS}


def error_row(run: RunFields, key: RowKey, exc: BaseException | str, *, mode: str = "",
              status: Status = Status.ERROR, detail: str | None = None,
              **fields: Any) -> dict[str, Any]:
    """A row recording that ``key`` failed, and why: a one-line ``error``, the traceback aside.

    ``exc`` is the exception (its type and first line become the message) or a ready message.
    """
    if isinstance(exc, BaseException):
        text = str(exc).strip()
        message = f"{type(exc).__name__}: {text.splitlines()[0] if text else ''}".rstrip(": ")
        detail = detail or "".join(traceback.format_exception(exc))
    else:
        message = exc
        detail = detail or message + "\n"
    row = new_row(run, key, mode=mode, **fields, status=Status(status).value,
                  error=message[:500])
    row[TRACEBACK_KEY] = detail
    return row


def row_key(row: dict[str, Any]) -> RowKey:
    return RowKey(*(row[c] for c in KEY_COLUMNS))


def parse_metrics(text: str | None) -> dict[str, str]:
    """``"log_loss,mae"`` -> {"classification": "log_loss", "regression": "mae"}."""
    chosen: dict[str, str] = {}
    for name in (t.strip() for t in (text or "").split(",")):
        if not name:
            continue
        if name in CLASSIFICATION_METRICS:
            family = "classification"
        elif name in REGRESSION_METRICS:
            family = "regression"
        else:
            raise ConfigError(f"--metric: unknown metric {name!r}; expected one of "
                              f"{', '.join(CLASSIFICATION_METRICS + REGRESSION_METRICS)}")
        if family in chosen and chosen[family] != name:
            raise ConfigError(f"--metric: two {family} metrics given ({chosen[family]}, {name})")
        chosen[family] = name
    return chosen
