"""OpenML tasks and datasets through openml-python, with our cache and offline mode.

Loading a task:

1. its description (``task.xml``): dataset id, target, task type, split design;
2. the dataset, normalized (:func:`bench.data.normalize.normalize`) once and kept as parquet in
   our cache (:class:`bench.data.cache.NormalizedStore`), so the next load parses no ARFF;
3. its official train/test splits, ``task.get_train_test_split_indices(repeat, fold)``, as
   original row ids (:class:`OfficialSplits`; :func:`bench.splits.official_splits` maps them).

Offline, the cache is checked *before* openml-python is called: openml-python deletes a task's
or dataset's cache folder when a call fails half-way (``openml/tasks/functions.py::get_task``),
and it would try the network for any missing file.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import openml
import pandas as pd

from bench.config import OpenMLSpec
from bench.data.cache import CorruptCacheError, NormalizedStore, entry_lock
from bench.data.columns import column_hint
from bench.data.dataset import Dataset
from bench.data.normalize import normalize, subsample_columns, subsample_rows
from bench.data.openml_cache import (
    CLASSIFICATION_TASK,
    REGRESSION_TASK,
    cached_summary,
    cached_task_info,
    dataset_dir,
    describe,
    fetch_command,
    has_source_data,
    missing_from_cache,
    read_xml,
    require_cached,
    spec_label,
    store_key,
    task_dir,
)
from bench.data.openml_client import (
    OfflineMissing,
    OpenMLError,
    OpenMLOptions,
    openml_session,
    with_retries,
)
from bench.data.openml_files import (
    CacheWarning,
    no_pickles,
    read_data_file,
    remove_own_pickles,
    warn,
)
from bench.errors import DataError

#: Cache inspection is in :mod:`bench.data.openml_cache`; these names stay importable from here.
__all__ = ["CacheWarning", "OfficialSplits", "OpenMLData", "cached_summary", "cached_task_info",
           "describe", "fetch_command", "load_openml", "missing_from_cache", "require_cached",
           "spec_label", "split_design"]

logger = logging.getLogger(__name__)

@dataclass(frozen=True, eq=False)
class OfficialSplits:
    """OpenML's train/test row ids of a task, by (repeat, fold), for the rows of the source data."""

    task_id: int
    repeats: int
    folds: int
    indices: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True, eq=False)
class OpenMLData:
    """A loaded OpenML entry: the dataset, each row's original row id, and official splits."""

    dataset: Dataset
    row_ids: np.ndarray
    official: OfficialSplits | None


# ----------------------------------------------------------------------------- loading


def load_openml(spec: OpenMLSpec, *, options: OpenMLOptions, name: str | None = None,
                seed: int = 0, splits: bool = True, max_repeats: int | None = None,
                max_folds: int | None = None) -> OpenMLData:
    """Load a task (with its official splits unless ``splits=False``, capped) or a dataset."""
    from bench.seeding import derive_seed

    label = name or spec_label(spec)
    if options.offline:
        missing = missing_from_cache(spec, options)
        if missing:
            raise OfflineMissing(f"{describe(spec)} is not in the cache ({'; '.join(missing)}) "
                                 f"and --offline forbids downloading it", missing=[describe(spec)])
    if spec.task is not None:
        data = _load_task(spec.task, options, label, splits, max_repeats, max_folds)
    else:
        assert spec.dataset is not None
        data = _load_dataset_entry(spec, options, label)
    dataset, rows = data.dataset, data.row_ids
    if spec.task_type is not None and (spec.task_type == "regression") != (
            dataset.task == "regression"):
        raise DataError(f"{describe(spec)} is a {dataset.task} task, but the suite asks for "
                        f"task_type = {spec.task_type!r}", where=label)
    if spec.max_rows is not None and dataset.n_rows > spec.max_rows:
        keep = subsample_rows(dataset, spec.max_rows, seed=derive_seed(seed, label, "max_rows"))
        dataset, rows = _take_rows(dataset, keep, spec.max_rows), rows[keep]
        if data.official is not None:
            dataset = dataclasses.replace(dataset, provenance=(
                *dataset.provenance, "official splits keep only the subsampled rows of each "
                                     "train and test fold"))
    if spec.max_features is not None and dataset.n_features > spec.max_features:
        dataset = subsample_columns(dataset, spec.max_features,
                                    seed=derive_seed(seed, label, "max_features"))
    return OpenMLData(dataset, rows, data.official)


def _take_rows(dataset: Dataset, keep: np.ndarray, max_rows: int) -> Dataset:
    note = (f"kept a stratified random subsample of {len(keep)} of {dataset.n_rows} rows "
            f"(max_rows = {max_rows})" if dataset.is_classification else
            f"kept a random subsample of {len(keep)} of {dataset.n_rows} rows (max_rows = {max_rows})")
    X = dataset.X.iloc[keep].reset_index(drop=True)
    for col in dataset.categorical:
        X[col] = X[col].cat.remove_unused_categories()
    return dataclasses.replace(dataset, X=X, y=dataset.y[keep],
                               provenance=(*dataset.provenance, note))


@contextmanager
def _exclusive(options: OpenMLOptions) -> Iterator[None]:
    """openml-python settings + the cache lock: openml-python is not process-safe (it writes its
    cache files in place), so one process at a time uses it on a cache directory."""
    with openml_session(options), entry_lock(options.cache_dir, f"{options.namespace}-openml"):
        yield


def _load_task(task_id: int, options: OpenMLOptions, label: str, splits: bool,
               max_repeats: int | None, max_folds: int | None) -> OpenMLData:
    what = f"OpenML task {task_id}"
    with _exclusive(options):
        info = cached_task_info(task_id, options)
        xmls = [task_dir(task_id, options) / "task.xml"]
        if info is not None:
            xmls += [dataset_dir(info.dataset_id, options) / f for f in ("description.xml",
                                                                          "features.xml")]
        folders = [task_dir(task_id, options)]
        if info is not None:
            folders.append(dataset_dir(info.dataset_id, options))
        with no_pickles(folders):
            task = _call_with_repair(lambda: openml.tasks.get_task(
                task_id, download_splits=False, download_data=False, download_qualities=False,
                download_features_meta_data=False), what=what, options=options, files=xmls)
        remove_own_pickles([dataset_dir(task.dataset_id, options)])
        kind = {CLASSIFICATION_TASK: "classification", REGRESSION_TASK: "regression"}.get(
            str(task.task_type))
        if kind is None:
            raise DataError(f"{what} is a {task.task_type!r} task; only supervised "
                            f"classification and regression tasks are supported")
        dataset, rows = _normalized(task.dataset_id, task.target_name, kind, options, label)
        official = _official_splits(task, options, max_repeats, max_folds) if splits else None
    dataset = dataclasses.replace(dataset, openml_task_id=task_id, provenance=(
        *dataset.provenance, f"OpenML task {task_id} ({task.task_type}, target {task.target_name!r})"))
    return OpenMLData(dataset, rows, official)


def _load_dataset_entry(spec: OpenMLSpec, options: OpenMLOptions, label: str) -> OpenMLData:
    assert spec.dataset is not None
    with _exclusive(options):
        target = spec.target
        if target is None:
            target = _default_target(spec.dataset, options)
        dataset, rows = _normalized(spec.dataset, target, spec.task_type, options, label)
    return OpenMLData(dataset, rows, None)


def _default_target(dataset_id: int, options: OpenMLOptions) -> str:
    description = read_xml(dataset_dir(dataset_id, options) / "description.xml",
                            "oml:data_set_description", required=False)
    if description is None:
        ds = with_retries(lambda: openml.datasets.get_dataset(
            dataset_id, download_data=False, download_qualities=False,
            download_features_meta_data=False), what=f"OpenML dataset {dataset_id}",
            options=options)
        target = ds.default_target_attribute
    else:
        target = description.get("oml:default_target_attribute")
    if not target or "," in str(target):
        raise DataError(f"OpenML dataset {dataset_id} has no single default target "
                        f"({target!r}); name one with `target = ...`")
    return str(target)


def _normalized(dataset_id: int, target: str, kind: str | None, options: OpenMLOptions,
                label: str) -> tuple[Dataset, np.ndarray]:
    """The normalized dataset from our cache, building (and caching) it on a miss."""
    store = NormalizedStore(options.cache_dir, options.namespace)
    key = store_key(dataset_id, target, kind)
    try:
        cached = store.load(key)
    except CorruptCacheError as exc:
        if options.offline and not has_source_data(dataset_id, options):
            raise CorruptCacheError(f"{exc.message}; the OpenML source file is not cached "
                                    f"either, so it cannot be rebuilt offline",
                                    path=exc.path) from None
        warn(f"{exc.where}: {exc.message}; rebuilding the normalized copy")
        store.discard(key)
        cached = None
    if cached is None:
        with no_pickles([dataset_dir(dataset_id, options)]):
            dataset, rows = _build(dataset_id, target, kind, options)
        store.save(key, dataset, rows, {"openml_server": options.server, "target": target})
    else:
        dataset, rows, _ = cached
    return dataclasses.replace(dataset, name=label), rows


def _build(dataset_id: int, target: str, kind: str | None,
           options: OpenMLOptions) -> tuple[Dataset, np.ndarray]:
    """Parse the OpenML data file (ARFF or parquet) once and normalize it."""
    what = f"OpenML dataset {dataset_id}"
    ds, (frame, sha256) = _download_and_read(dataset_id, options)
    if target not in frame.columns:
        raise DataError(f"{what} has no column {target!r}{column_hint(target, frame.columns)}")
    keep = np.flatnonzero(frame[target].notna().to_numpy())
    notes = [f"OpenML dataset {dataset_id} {ds.name!r} version {ds.version} from {options.server}"
             f" (file md5 {ds.md5_checksum or 'n/a'}; SHA-256 of the bytes parsed {sha256})"]
    if len(keep) < len(frame):
        notes.append(f"dropped {len(frame) - len(keep)} rows with a missing target")
    drop = [c for c in [ds.row_id_attribute, *_as_list(ds.ignore_attribute)]
            if c and c != target and c in frame.columns]
    nominal = [c for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)
               and c != target and c not in drop]
    dataset = normalize(frame.iloc[keep], target=target, name=ds.name, source="openml", task=kind,
                        categorical=nominal, drop=drop, provenance=notes,
                        openml_dataset_id=dataset_id)
    return dataset, keep.astype(np.int64)


def _download_and_read(dataset_id: int,
                       options: OpenMLOptions) -> tuple[Any, tuple[pd.DataFrame, str]]:
    """openml-python's dataset and its table; a damaged data file is downloaded again once
    (online) or reported with its path (offline)."""
    for attempt in (1, 2):
        with _skip_missing_parquet(dataset_id, options):
            ds = _call_with_repair(lambda: openml.datasets.get_dataset(
                dataset_id, download_data=True, download_qualities=False,
                download_features_meta_data=True), what=f"OpenML dataset {dataset_id}",
                options=options, files=sorted(dataset_dir(dataset_id, options).glob("*.xml*")))
        try:
            return ds, _read_data(ds, dataset_id, options)
        except CorruptCacheError as exc:
            if options.offline or attempt == 2:
                raise
            warn(f"{exc}; downloading it again")
    raise AssertionError("unreachable")  # pragma: no cover


def _read_data(ds: Any, dataset_id: int, options: OpenMLOptions) -> tuple[pd.DataFrame, str]:
    """The data file's table, parsed by us from the verified bytes (never a pickle), and the
    SHA-256 of those bytes (for the provenance)."""
    source = Path(ds.parquet_file or ds.data_file or "")
    if not source.name:
        raise CorruptCacheError("no data file for this dataset in the cache",
                                path=dataset_dir(dataset_id, options))
    md5 = ds.md5_checksum if ds.parquet_file is None else None
    return read_data_file(source, md5=md5, offline=options.offline)


def _official_splits(task: Any, options: OpenMLOptions, max_repeats: int | None,
                     max_folds: int | None) -> OfficialSplits:
    """Every needed (repeat, fold) of ``task.get_train_test_split_indices``."""
    what = f"OpenML task {task.task_id} splits"
    folder = task_dir(task.task_id, options)
    with no_pickles([folder]):
        repeats, folds, _ = _call_with_repair(task.get_split_dimensions, what=what,
                                              options=options,
                                              files=sorted(folder.glob("datasplits*")))
        use_r, use_f = min(repeats, max_repeats or repeats), min(folds, max_folds or folds)
        indices = {}
        for r in range(use_r):
            for f in range(use_f):
                train, test = task.get_train_test_split_indices(fold=f, repeat=r)
                indices[(r, f)] = (np.asarray(train, dtype=np.int64),
                                   np.asarray(test, dtype=np.int64))
    return OfficialSplits(int(task.task_id), repeats, folds, indices)


def _call_with_repair(call: Any, *, what: str, options: OpenMLOptions, files: list[Path]) -> Any:
    """``with_retries(call)``, repairing a cached file that fails to parse.

    openml-python's parsed copies (``*.pkl*``) are deleted and rebuilt, even offline; a damaged
    source file is reported with its path offline, and deleted and downloaded again once online.
    """
    try:
        return with_retries(call, what=what, options=options)
    except OpenMLError as exc:
        if not _is_parse_error(exc.__cause__):
            raise
        first = exc
    existing = [p for p in files if p.is_file()]
    derived = [p for p in existing if ".pkl" in p.name]
    sources = [p for p in existing if ".pkl" not in p.name] or [files[0] if files else
                                                                options.server_dir]
    if options.offline and not derived:
        raise _unparsable(what, first, sources[0])
    for p in derived if options.offline else existing:
        p.unlink(missing_ok=True)
    warn(f"{what}: deleted unparsable cached files {[str(p) for p in existing]}; "
          f"{'rebuilding' if options.offline else 'downloading'} them again")
    try:
        return with_retries(call, what=what, options=options)
    except OpenMLError as again:
        if _is_parse_error(again.__cause__):
            raise _unparsable(what, again, sources[0]) from None
        raise


def _unparsable(what: str, exc: OpenMLError, path: Path) -> CorruptCacheError:
    cause = exc.__cause__
    return CorruptCacheError(f"{what}: cached file cannot be parsed "
                             f"({type(cause).__name__}: {_first_line(cause)})", path=path)


def _is_parse_error(exc: BaseException | None) -> bool:
    """A failure that did not come from the network or the server: a bad cached file.

    (The calls guarded here only read cached files or download them, and openml-python reports a
    damaged file by whatever its parser raises: ExpatError, ArffException, ValueError, ...)
    """
    from bench.data.openml_client import is_server_or_offline, is_transient

    return exc is not None and not is_transient(exc) and not is_server_or_offline(exc)


@contextmanager
def _skip_missing_parquet(dataset_id: int, options: OpenMLOptions) -> Iterator[None]:
    """Offline with only the ARFF cached, stop openml-python from trying to get the parquet."""
    has_pq = (dataset_dir(dataset_id, options) / f"dataset_{dataset_id}.pq").is_file()
    if not options.offline or has_pq:
        yield
        return
    old = os.environ.get(openml.config.OPENML_SKIP_PARQUET_ENV_VAR)
    os.environ[openml.config.OPENML_SKIP_PARQUET_ENV_VAR] = "true"
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(openml.config.OPENML_SKIP_PARQUET_ENV_VAR, None)
        else:
            os.environ[openml.config.OPENML_SKIP_PARQUET_ENV_VAR] = old


def split_design(task_id: int, options: OpenMLOptions) -> tuple[int, int] | None:
    """(repeats, folds) of a task's official splits: from the cache, else (online) the server."""
    info = cached_task_info(task_id, options)
    if info is None and not options.offline:
        with _exclusive(options):
            with_retries(lambda: openml.tasks.get_task(
                task_id, download_splits=False, download_data=False, download_qualities=False,
                download_features_meta_data=False), what=f"OpenML task {task_id}", options=options)
        info = cached_task_info(task_id, options)
    return None if info is None else (info.repeats, info.folds)


def _as_list(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    return [v.strip() for v in re.split(r",", str(value)) if v.strip()]


def _first_line(exc: BaseException | None) -> str:
    text = str(exc).strip().splitlines() if exc is not None else []
    return text[0][:200] if text else type(exc).__name__


