"""Turn a raw table from any source into a :class:`Dataset`.

Every source (embedded, local file, scikit-learn, OpenML) ends here, so the rules are the same
whatever the origin: nominal/string columns become categoricals, booleans become numbers,
date/time columns are dropped, id-like columns are dropped (those a source names, e.g. OpenML's
``row_id_attribute`` / ``ignore_attribute``, and columns whose every value is distinct and that
are named like an id or hold free text), all-missing and constant columns are dropped, class
labels are encoded as ``0..C-1`` (declared classes without any row are dropped). Each change is
recorded in the dataset's provenance.

Rare classes are kept as they are, never merged: merging would change the task (and make
results incomparable with anyone else's on the same data). Where a class is too small for the
evaluation, the split stage refuses with a clear error (``bench.splits.check_splittable``:
stratified K-fold needs every class in every fold); OpenML's official splits are used as given.

:func:`subsample_rows` and :func:`subsample_columns` implement the suite filters ``max_rows``
and ``max_features`` deterministically from a seed.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from bench.data.columns import missing_column_message, unknown_columns_message
from bench.data.dataset import Dataset, SourceType, TaskType
from bench.data.task_inference import ambiguity_message, guessed_note, infer_task
from bench.errors import DataError

#: A text column whose non-missing values parse as numbers at least this often is a numeric
#: column with garbage in it, not a categorical.
NUMERIC_GARBAGE_SHARE = 0.95
#: Column names that mark a row identifier (with all values distinct, the column is dropped).
ID_NAME = re.compile(r"^(id|.*[_ .-]id|uuid|guid|index|row_?id|unnamed: ?0)$", re.IGNORECASE)
#: Below this many rows, "every value distinct" says nothing about a column being an id.
MIN_ROWS_FOR_ID_CHECK = 20
#: Larger feature values overflow float32, XGBoost's working precision: they become missing.
FLOAT32_MAX = float(np.finfo(np.float32).max)
#: Integers beyond this are not exactly representable as float64.
EXACT_INT = 2**53
NESTED_TYPES = (list, tuple, dict, set, np.ndarray)


def normalize(
    frame: pd.DataFrame,
    *,
    target: str,
    name: str,
    source: SourceType,
    task: str | None = None,
    categorical: Iterable[str] | None = None,
    drop: Sequence[str] = (),
    provenance: Sequence[str] = (),
    openml_task_id: int | None = None,
    openml_dataset_id: int | None = None,
) -> Dataset:
    """Validate ``frame`` and return the normalized :class:`Dataset`.

    ``categorical`` names columns to treat as nominal even if they hold numbers (PMLB-style
    integer codes); ``drop`` names id-like columns to remove; ``task`` is ``classification``,
    ``binary``, ``multiclass`` or ``regression``; ``None`` infers it from an unambiguous target
    (an ambiguous one is an error) and ``"infer"`` takes the guess (:mod:`bench.data.task_inference`).
    """
    _check_table(frame, target, name)
    _check_scalar(frame[target], target, name)
    notes = list(provenance)
    declared = set(categorical or ())
    unknown = declared - set(frame.columns)
    if unknown:
        raise DataError(unknown_columns_message("categorical", sorted(unknown, key=str),
                                                list(frame.columns)), where=name)

    n_before = len(frame)
    frame = frame.loc[frame[target].notna()]
    if len(frame) < n_before:
        notes.append(f"dropped {n_before - len(frame)} rows with a missing target")
    if len(frame) == 0:
        raise DataError(f"target column {target!r} has no values", where=name)

    y_raw = frame[target]
    X = frame.drop(columns=[target, *[c for c in drop if c in frame.columns]])
    if drop:
        notes.append(f"dropped id/ignored columns {list(drop)}")
    X, categorical_cols = _normalize_features(X, declared, name, notes)
    task_type = _resolve_task(y_raw, task, name, notes, openml=source == "openml")
    y, classes = _encode_target(y_raw, task_type, name, notes)
    if task_type != "regression":
        task_type = "binary" if len(classes) == 2 else "multiclass"
    return Dataset(
        name=name,
        source=source,
        task=task_type,
        X=X.reset_index(drop=True),
        y=y,
        categorical=tuple(categorical_cols),
        classes=tuple(classes),
        openml_task_id=openml_task_id,
        openml_dataset_id=openml_dataset_id,
        provenance=tuple(notes),
    )


def _check_table(frame: pd.DataFrame, target: str, name: str) -> None:
    if frame.shape[0] == 0 or frame.shape[1] == 0:
        raise DataError("the table is empty", where=name)
    duplicated = frame.columns[frame.columns.duplicated()].unique().tolist()
    if duplicated:
        raise DataError(f"duplicate column names: {duplicated}", where=name)
    if target not in frame.columns:
        raise DataError(missing_column_message("target column", target, list(frame.columns)),
                        where=name)
    if frame.shape[1] < 2:
        raise DataError("the table has a target but no feature columns", where=name)


def _normalize_features(
    X: pd.DataFrame, declared: set[str], name: str, notes: list[str]
) -> tuple[pd.DataFrame, list[str]]:
    columns: dict[str, pd.Series] = {}
    categorical: list[str] = []
    dropped_time, dropped_empty, dropped_constant, made_categorical = [], [], [], []
    dropped_id: list[object] = []
    n_inf, n_huge = 0, 0
    for col in X.columns:
        s = X[col]
        _check_scalar(s, col, name)
        if ptypes.is_datetime64_any_dtype(s) or ptypes.is_timedelta64_dtype(s):
            dropped_time.append(col)
            continue
        if col not in declared and _is_id_like(s, col):
            dropped_id.append(col)
            continue
        inexact = col not in declared and _inexact_integers(s)
        if inexact:
            notes.append(f"column {col!r} holds integers beyond ±2^53, which floats cannot "
                         f"represent exactly: treated as categorical")
        if col in declared or inexact or _is_nominal(s, col, name):
            if not isinstance(s.dtype, pd.CategoricalDtype):
                made_categorical.append(col)
            s = s.astype("category")
            s = s.cat.remove_unused_categories()
        else:
            s = pd.to_numeric(s, errors="raise").astype("float64")
            inf = np.isinf(s.to_numpy())
            if inf.any():
                n_inf += int(inf.sum())
                s = s.mask(inf)
            # XGBoost works in float32: larger values would overflow to inf inside it.
            huge = np.abs(s.to_numpy()) > FLOAT32_MAX
            if huge.any():
                n_huge += int(huge.sum())
                s = s.mask(huge)
        if s.isna().all():
            dropped_empty.append(col)
        elif s.nunique(dropna=False) <= 1:
            dropped_constant.append(col)
        else:
            columns[str(col)] = s
            if isinstance(s.dtype, pd.CategoricalDtype):
                categorical.append(str(col))
    for what, cols in [
        ("id-like", dropped_id),
        ("date/time", dropped_time),
        ("all-missing", dropped_empty),
        ("constant", dropped_constant),
    ]:
        if cols:
            notes.append(f"dropped {what} columns {cols}")
    if made_categorical:
        notes.append(f"treated as categorical: {made_categorical}")
    if n_inf:
        notes.append(f"set {n_inf} infinite feature values to missing")
    if n_huge:
        notes.append(f"set {n_huge} feature values beyond the float32 range (±{FLOAT32_MAX:.3g}) "
                     f"to missing")
    if not columns:
        raise DataError("no usable feature columns (all constant, empty or dropped)", where=name)
    return pd.DataFrame(columns, index=X.index), categorical


def _check_scalar(s: pd.Series, col: object, name: str) -> None:
    """Refuse a column of lists, structs, arrays or mappings (parquet list/struct columns)."""
    if isinstance(s.dtype, pd.ArrowDtype) and s.dtype.pyarrow_dtype.num_fields > 0:
        kind = str(s.dtype.pyarrow_dtype)
    elif s.dtype == object:
        values = s.dropna()
        nested = values.map(lambda v: isinstance(v, NESTED_TYPES)).to_numpy(dtype=bool)
        if not nested.any():
            return
        kind = type(values[nested].iloc[0]).__name__
    else:
        return
    raise DataError(f"column {col!r} must hold scalar values, however: it holds {kind} values "
                    f"(a list/struct column); flatten it into scalar columns or drop it",
                    where=name)


def _inexact_integers(s: pd.Series) -> bool:
    """An integer column with a value that float64 cannot hold exactly (|v| > 2^53)."""
    if not ptypes.is_integer_dtype(s) or ptypes.is_bool_dtype(s):
        return False
    values = s.dropna()
    return bool(((values > EXACT_INT) | (values < -EXACT_INT)).any())


def _is_id_like(s: pd.Series, col: object) -> bool:
    """Every value distinct, and named like an id or free text: identifies rows, predicts nothing.

    Distinct float values are normal for a continuous feature, so numbers count as an id only
    under an id-like name.
    """
    values = s.dropna()
    if len(s) < MIN_ROWS_FOR_ID_CHECK or len(values) < 0.95 * len(s):
        return False
    if isinstance(s.dtype, pd.CategoricalDtype) or ptypes.is_bool_dtype(s):
        return False
    if not values.is_unique:
        return False
    if ptypes.is_numeric_dtype(s):
        integral = bool(np.all(np.mod(values.to_numpy(dtype="float64"), 1) == 0))
        return integral and bool(ID_NAME.match(str(col)))
    if ID_NAME.match(str(col)):
        return True
    return pd.to_numeric(values, errors="coerce").notna().mean() < 0.5


def _is_nominal(s: pd.Series, col: object, name: str) -> bool:
    """True for text/bool-free nominal columns; raises on a numeric column with text garbage."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        return True
    if ptypes.is_bool_dtype(s) or ptypes.is_numeric_dtype(s):
        return False
    values = s.dropna()
    if values.empty:
        return False
    parsed = pd.to_numeric(values, errors="coerce")
    ok = parsed.notna()
    if ok.all():
        return False
    if ok.mean() >= NUMERIC_GARBAGE_SHARE:
        bad = values[~ok]
        raise DataError(
            f"column {col!r} is numeric but holds non-numeric values, e.g. {bad.iloc[0]!r} "
            f"(row {bad.index[0]}); fix the file or declare the column categorical",
            where=name,
        )
    return True


def _resolve_task(y: pd.Series, task: str | None, name: str, notes: list[str], *,
                  openml: bool = False) -> TaskType:
    """The task the suite names, else the unambiguous one the target implies
    (:mod:`bench.data.task_inference`); an ambiguous target needs ``task`` (or ``"infer"``)."""
    if task in ("binary", "multiclass", "classification"):
        return "multiclass"  # refined to binary/multiclass once classes are known
    if task == "regression":
        if not ptypes.is_numeric_dtype(y) or ptypes.is_bool_dtype(y):
            raise DataError(f"task is regression but the target is {y.dtype}", where=name)
        return "regression"
    if task not in (None, "infer"):
        raise DataError(
            f"task must be classification, binary, multiclass, regression or infer, "
            f"got {task!r}", where=name)
    guess = infer_task(y)
    if guess.ambiguous and task is None:
        raise DataError(ambiguity_message(guess, key="task_type" if openml else "task",
                                          can_infer=not openml), where=name)
    notes.append(guessed_note(guess) if guess.ambiguous
                 else f"task inferred as {guess.task} ({guess.reason})")
    return "regression" if guess.task == "regression" else "multiclass"


def _encode_target(y: pd.Series, task: TaskType, name: str,
                   notes: list[str]) -> tuple[np.ndarray, list[str]]:
    if task == "regression":
        values = y.to_numpy(dtype="float64")
        if not np.all(np.isfinite(values)):
            raise DataError("regression target has non-finite values", where=name)
        if np.ptp(values) == 0:
            raise DataError("regression target is constant", where=name)
        return values, []
    labels = y.astype("category") if not isinstance(y.dtype, pd.CategoricalDtype) else y
    declared = [str(c) for c in labels.cat.categories]
    labels = labels.cat.remove_unused_categories()
    empty = [c for c in declared if c not in {str(v) for v in labels.cat.categories}]
    if empty:
        notes.append(f"dropped declared classes without rows {empty}")
    classes = [str(c) for c in labels.cat.categories]
    if len(classes) < 2:
        raise DataError(
            f"target has a single class ({classes[0]!r}); classification needs two or more",
            where=name,
        )
    return labels.cat.codes.to_numpy(dtype="int64"), classes



def subsample_rows(dataset: Dataset, max_rows: int, *, seed: int) -> np.ndarray:
    """Sorted positions of ``max_rows`` rows drawn without replacement.

    Classification draws per class in proportion to its size (largest remainders), keeping at
    least one row of every class, so a rare class does not vanish.
    """
    n = dataset.n_rows
    rng = np.random.default_rng(seed)
    if max_rows >= n:
        return np.arange(n)
    if not dataset.is_classification:
        return np.sort(rng.choice(n, size=max_rows, replace=False))
    counts = np.bincount(dataset.y, minlength=dataset.n_classes)
    quota = counts * max_rows / n
    take = np.minimum(counts, np.maximum(np.floor(quota).astype(int), counts > 0))
    order = np.argsort(-(quota - np.floor(quota)), kind="stable")
    i = 0
    while take.sum() < max_rows and i < 10 * len(order):  # hand out the remainder
        c = order[i % len(order)]
        if take[c] < counts[c]:
            take[c] += 1
        i += 1
    while take.sum() > max_rows:  # more classes than rows allowed: trim the largest
        take[np.argmax(take)] -= 1
    picked = [rng.choice(np.flatnonzero(dataset.y == c), size=k, replace=False)
              for c, k in enumerate(take) if k > 0]
    return np.sort(np.concatenate(picked))


def subsample_columns(dataset: Dataset, max_features: int, *, seed: int) -> Dataset:
    """Keep a random subset of ``max_features`` feature columns (in their original order)."""
    if dataset.n_features <= max_features:
        return dataset
    rng = np.random.default_rng(seed)
    keep = np.sort(rng.choice(dataset.n_features, size=max_features, replace=False))
    columns = [dataset.X.columns[i] for i in keep]
    note = (f"kept a random subset of {max_features} of {dataset.n_features} feature columns "
            f"(max_features = {max_features})")
    return dataclasses.replace(
        dataset, X=dataset.X[columns],
        categorical=tuple(c for c in dataset.categorical if c in set(columns)),
        provenance=(*dataset.provenance, note))
