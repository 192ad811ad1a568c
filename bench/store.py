"""Result storage: one directory per run, append-only parquet parts, resumable.

Layout of ``RUN_DIR``::

    manifest.json        config, versions, device, git sha, start/end (written at start, updated)
    parts/part-*.parquet one file per finished work item, written to a temporary name, fsynced,
                         then atomically renamed: a crash never leaves a half-written part
    errors/*.txt         the traceback of every failed (unit, feature set)
    results.parquet      all parts consolidated (one row per key) at the end of the run

A rerun on the same directory with the same config hash skips keys that already have a row.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from bench.errors import BenchError, ConfigError
from bench.metrics import ALL_METRICS
from bench.plan import KEY_COLUMNS, RowKey

SCHEMA_VERSION = 1
MANIFEST = "manifest.json"
RESULTS = "results.parquet"

_STRING = pa.string()
_INT = pa.int64()
_FLOAT = pa.float64()
RESULT_SCHEMA = pa.schema(
    [
        ("run_id", _STRING), ("config_hash", _STRING), ("schema_version", _INT),
        ("suite", _STRING), ("dataset", _STRING), ("task", _STRING),
        ("openml_task_id", _INT), ("repeat", _INT), ("fold", _INT), ("seed", _INT),
        ("encoder", _STRING), ("encoder_mode", _STRING), ("feature_set", _STRING),
        ("n_train", _INT), ("n_test", _INT), ("n_features", _INT), ("n_embedding", _INT),
        *[(m, _FLOAT) for m in ALL_METRICS],
        ("encoder_fit_s", _FLOAT), ("xgb_fit_s", _FLOAT), ("predict_s", _FLOAT),
        ("best_iteration", _INT), ("device", _STRING), ("fallback_reason", _STRING),
        ("status", _STRING), ("error", _STRING),
    ],
    metadata={"bench_schema_version": str(SCHEMA_VERSION)},
)


class RunStore:
    """Read and append the results of one run directory."""

    def __init__(self, run_dir: Path) -> None:
        self.run_dir = Path(run_dir)

    @property
    def parts_dir(self) -> Path:
        return self.run_dir / "parts"

    @property
    def errors_dir(self) -> Path:
        return self.run_dir / "errors"

    # -- lifecycle ---------------------------------------------------------------------------

    def open(self, manifest: dict[str, Any]) -> bool:
        """Create the run directory, or check that it belongs to the same config (resume).

        Returns True when resuming an existing run.
        """
        existing = self.read_manifest() if (self.run_dir / MANIFEST).exists() else None
        if existing is not None and existing.get("config_hash") != manifest["config_hash"]:
            raise ConfigError(
                f"holds a run with config hash {existing.get('config_hash')}, but this suite and "
                f"options hash to {manifest['config_hash']}; choose another --out directory",
                where=str(self.run_dir),
            )
        try:
            self.parts_dir.mkdir(parents=True, exist_ok=True)
            self.errors_dir.mkdir(exist_ok=True)
        except OSError as exc:
            raise BenchError(f"cannot create the run directory: {exc.strerror}",
                             where=str(self.run_dir)) from None
        if existing is None:
            self.write_manifest(manifest)
        else:
            existing.setdefault("resumed_at", []).append(manifest.get("started_at"))
            existing["status"] = "running"
            self.write_manifest(existing)
        return existing is not None

    def read_manifest(self) -> dict[str, Any]:
        path = self.run_dir / MANIFEST
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise BenchError(f"cannot read the manifest: {exc}", where=str(path)) from None
        version = data.get("schema_version")
        if version != SCHEMA_VERSION:
            raise BenchError(
                f"results schema version {version}, this bench reads version {SCHEMA_VERSION}",
                where=str(path),
            )
        return data

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        text = json.dumps(manifest, indent=2, sort_keys=True, default=str)
        _atomic_write_bytes(self.run_dir / MANIFEST, text.encode("utf-8"))

    def update_manifest(self, **changes: Any) -> None:
        manifest = self.read_manifest()
        manifest.update(changes)
        self.write_manifest(manifest)

    # -- rows -----------------------------------------------------------------------------

    def append(self, rows: Iterable[dict[str, Any]]) -> Path | None:
        """Write ``rows`` as one new part, atomically; tracebacks go to ``errors/``."""
        rows = list(rows)
        if not rows:
            return None
        for row in rows:
            tb = row.pop("_traceback", None)
            if tb:
                name = "__".join(str(row[k]) for k in KEY_COLUMNS).replace("/", "_")
                _atomic_write_bytes(self.errors_dir / f"{name}.txt", tb.encode("utf-8"))
        table = pa.Table.from_pylist(rows, schema=RESULT_SCHEMA)
        path = self.parts_dir / f"part-{uuid.uuid4().hex}.parquet"
        _atomic_write_table(table, path)
        return path

    def load_parts(self) -> pd.DataFrame:
        """All rows written so far (one per key: a later part wins over an earlier one)."""
        files = sorted(self.parts_dir.glob("part-*.parquet"), key=lambda p: p.stat().st_mtime_ns)
        if not files:
            return RESULT_SCHEMA.empty_table().to_pandas()
        frames = []
        for f in files:
            try:
                frames.append(pq.read_table(f, schema=RESULT_SCHEMA).to_pandas())
            except (OSError, pa.ArrowException) as exc:
                raise BenchError(f"unreadable result part: {exc}", where=str(f)) from None
        frame = pd.concat(frames, ignore_index=True)
        return frame.drop_duplicates(list(KEY_COLUMNS), keep="last").reset_index(drop=True)

    def finished_keys(self) -> set[RowKey]:
        frame = self.load_parts()
        return {tuple(r) for r in frame[list(KEY_COLUMNS)].itertuples(index=False)}

    def consolidate(self) -> pd.DataFrame:
        """Write ``results.parquet`` (sorted by key) from the parts and return it."""
        frame = self.load_parts().sort_values(list(KEY_COLUMNS), kind="stable")
        frame = frame.reset_index(drop=True)
        table = pa.Table.from_pandas(frame, schema=RESULT_SCHEMA, preserve_index=False)
        _atomic_write_table(table, self.run_dir / RESULTS)
        return frame


def load(run_dir: str | Path) -> pd.DataFrame:
    """The result rows of a run: ``results.parquet`` if consolidated, else its parts."""
    run_dir = Path(run_dir)
    store = RunStore(run_dir)
    if not (run_dir / MANIFEST).exists():
        raise BenchError("not a run directory (no manifest.json)", where=str(run_dir))
    store.read_manifest()
    path = run_dir / RESULTS
    if path.exists():
        try:
            return pq.read_table(path).to_pandas()
        except (OSError, pa.ArrowException) as exc:
            raise BenchError(f"unreadable results file: {exc}", where=str(path)) from None
    return store.load_parts()


def _atomic_write_table(table: pa.Table, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        pq.write_table(table, tmp)
        _fsync(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _atomic_write_bytes(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())
