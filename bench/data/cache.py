"""One cache directory for everything downloaded or derived from downloads.

Layout under the cache root (``--cache-dir``, else ``$BENCH_CACHE_DIR``, else the user cache
directory, e.g. ``~/.cache/embedbench``)::

    openml/                     openml-python's own cache (task.xml, dataset.arff, splits, ...)
    normalized/<server>/<key>/  our normalized copy of a dataset: data.parquet + meta.json
    locks/                      one lock file per entry, so concurrent processes take turns
    reports/                    stored report parts (:mod:`bench.report.cache`)

Every file we write goes to a temporary name first and is renamed into place (atomic on POSIX
and Windows), and ``meta.json`` records the SHA-256 of ``data.parquet``: an interrupted write
leaves no entry at all, and a damaged one is detected and reported with its path.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow
from filelock import FileLock, Timeout

from bench.data.dataset import Dataset
from bench.errors import DataError
from bench.fsio import atomic_path, atomic_write_text

#: Bump when ``normalize`` changes what it produces, so old normalized copies are rebuilt.
NORMALIZED_FORMAT = 1
TARGET_COLUMN = "__bench_target__"
ROW_ID_COLUMN = "__bench_row_id__"
#: How long a process waits for another one holding an entry's lock before giving up.
LOCK_TIMEOUT_S = 600.0


class CorruptCacheError(DataError):
    """A cached file exists but cannot be trusted (bad checksum, unreadable, truncated)."""

    def __init__(self, message: str, *, path: Path) -> None:
        super().__init__(message, where=str(path))
        self.path = path


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


_LOCKS: dict[str, FileLock] = {}


@contextmanager
def entry_lock(root: Path, key: str, *, timeout: float = LOCK_TIMEOUT_S) -> Iterator[None]:
    """Hold an inter-process lock (re-entrant within a thread; exclusive across threads).

    One ``FileLock`` object per path: a second object on the same file would wait for the first
    (an ``flock`` is per open file), deadlocking a thread that already holds it.
    """
    locks = root / "locks"
    locks.mkdir(parents=True, exist_ok=True)
    path = str(locks / f"{_safe(key)}.lock")
    lock = _LOCKS.setdefault(path, FileLock(path, timeout=timeout))
    try:
        with lock:
            yield
    except Timeout:
        raise DataError(f"timed out after {timeout:.0f} s waiting for another process to release "
                        f"the cache lock", where=path) from None


def _safe(key: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in key)


class NormalizedStore:
    """Normalized datasets as parquet + JSON metadata, so a second load parses no ARFF.

    ``namespace`` separates servers (the test server's dataset 2 is not production's).
    """

    def __init__(self, root: Path, namespace: str) -> None:
        self.root = root
        self.namespace = namespace

    def entry_dir(self, key: str) -> Path:
        return self.root / "normalized" / _safe(self.namespace) / _safe(key)

    def exists(self, key: str) -> bool:
        d = self.entry_dir(key)
        return (d / "meta.json").is_file() and (d / "data.parquet").is_file()

    def keys(self, prefix: str) -> list[str]:
        """Keys of the entries whose key starts with ``prefix`` (complete or not)."""
        folder = self.root / "normalized" / _safe(self.namespace)
        return sorted(p.name for p in folder.glob(f"{_safe(prefix)}*") if p.is_dir())

    def read_meta(self, key: str) -> dict[str, Any] | None:
        """The entry's metadata, or ``None`` if there is no entry; raises if it is damaged."""
        path = self.entry_dir(key) / "meta.json"
        if not path.is_file():
            return None
        try:
            meta = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CorruptCacheError(f"unreadable cache metadata ({exc})", path=path) from None
        if not isinstance(meta, dict) or meta.get("format") != NORMALIZED_FORMAT:
            raise CorruptCacheError("cache metadata of an unknown format", path=path)
        return meta

    def load(self, key: str) -> tuple[Dataset, np.ndarray, dict[str, Any]] | None:
        """(dataset, original row ids, metadata), or ``None`` if not cached.

        Raises :class:`CorruptCacheError` naming the file when the entry is damaged.
        """
        meta = self.read_meta(key)
        if meta is None:
            return None
        data = self.entry_dir(key) / "data.parquet"
        if not data.is_file():
            raise CorruptCacheError("cache entry has metadata but no data file", path=data)
        digest = sha256_file(data)
        if digest != meta.get("sha256"):
            raise CorruptCacheError(
                f"checksum mismatch (expected {str(meta.get('sha256'))[:12]}…, got {digest[:12]}…)",
                path=data)
        try:
            frame = pd.read_parquet(data)
        except (OSError, ValueError, pyarrow.ArrowException) as exc:
            raise CorruptCacheError(f"unreadable parquet ({type(exc).__name__})", path=data) from None
        return _dataset_from_frame(frame, meta), frame[ROW_ID_COLUMN].to_numpy(), meta

    def save(self, key: str, dataset: Dataset, row_ids: np.ndarray, extra: dict[str, Any]) -> Path:
        """Write the entry atomically: data first, then the metadata that vouches for it."""
        d = self.entry_dir(key)
        frame = dataset.X.copy()
        frame[TARGET_COLUMN] = dataset.y
        frame[ROW_ID_COLUMN] = np.asarray(row_ids, dtype=np.int64)
        with atomic_path(d / "data.parquet") as tmp:
            frame.to_parquet(tmp, index=False)
            digest = sha256_file(tmp)
        meta = {
            "format": NORMALIZED_FORMAT,
            "sha256": digest,
            "name": dataset.name,
            "source": dataset.source,
            "task": dataset.task,
            "categorical": list(dataset.categorical),
            "categories": _categories(dataset.X, dataset.categorical),
            "classes": list(dataset.classes),
            "openml_task_id": dataset.openml_task_id,
            "openml_dataset_id": dataset.openml_dataset_id,
            "provenance": list(dataset.provenance),
            "summary": dataset.summary(),
            **extra,
        }
        atomic_write_text(d / "meta.json", json.dumps(meta, indent=2, default=str))
        return d

    def discard(self, key: str) -> None:
        shutil.rmtree(self.entry_dir(key), ignore_errors=True)


def _categories(X: pd.DataFrame, categorical: tuple[str, ...]) -> dict[str, list[Any]]:
    """Each categorical column's categories in order (parquet reads integer categories back as
    plain integers, so the metadata keeps them)."""
    return {c: X[c].cat.categories.tolist() for c in categorical
            if isinstance(X[c].dtype, pd.CategoricalDtype)}


def _restore_categories(X: pd.DataFrame, meta: dict[str, Any]) -> pd.DataFrame:
    """The categorical dtypes the dataset had when it was saved. Entries written before the
    metadata kept the categories get each column's sorted values as its categories."""
    saved = meta.get("categories", {})
    dtypes = {c: pd.CategoricalDtype(saved[c]) if c in saved else "category"
              for c in meta["categorical"] if not isinstance(X[c].dtype, pd.CategoricalDtype)}
    return X.astype(dtypes) if dtypes else X


def _dataset_from_frame(frame: pd.DataFrame, meta: dict[str, Any]) -> Dataset:
    y = frame[TARGET_COLUMN].to_numpy()
    y = y.astype("float64") if meta["task"] == "regression" else y.astype("int64")
    return Dataset(
        name=meta["name"],
        source=meta["source"],
        task=meta["task"],
        X=_restore_categories(frame.drop(columns=[TARGET_COLUMN, ROW_ID_COLUMN]), meta),
        y=y,
        categorical=tuple(meta["categorical"]),
        classes=tuple(meta["classes"]),
        openml_task_id=meta.get("openml_task_id"),
        openml_dataset_id=meta.get("openml_dataset_id"),
        provenance=tuple(meta["provenance"]),
    )
