"""Result storage: one directory per run, append-only parquet parts, resumable.

Layout of ``RUN_DIR``::

    manifest.json          config, versions, device, git sha, dataset hashes, start/end
    parts/part-*.parquet   one file per finished work item (or unit), written to a temporary
                           name, fsynced, then atomically renamed: a crash never leaves a
                           half-written part. Names carry a sequence number: a later part wins
                           over an earlier one for the same key (a retried failure).
    errors/*.txt           the traceback of every failed (unit, feature set)
    results.parquet        all parts consolidated (one row per key) at the end of the run

Every part and ``results.parquet`` carry the schema version in their parquet metadata, as the
manifest does. Runs of this version and of every older one are read (a column an older run lacks,
e.g. ``shift_auc`` before version 2, reads as NULL); a newer version is refused with what to do.
Rows are only ever appended to a run of this very version: resuming an older run is refused.

Resume: a rerun on the same directory with the same config hash skips keys whose row is ``ok``;
rows with status ``error`` or ``timeout`` are computed again, and the new row replaces the old
one (there is never more than one row per key in ``results.parquet`` or :func:`load`).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from filelock import FileLock, Timeout

from bench.errors import BenchError, ConfigError
from bench.fsio import atomic_path, atomic_write_bytes, create_exclusive
from bench.results_file import check_schema_version, read_results_file, read_results_table
from bench.schema import (
    KEY_COLUMNS,
    RESULT_SCHEMA,
    TRACEBACK_KEY,
    RowKey,
    Status,
)

MANIFEST = "manifest.json"
#: Held (``flock``) by the one process writing a run; the kernel releases it when that process
#: dies, so a killed run never blocks a resume.
LOCK = ".lock"
#: The pid of the process holding the lock, for the "run in progress" message.
PID = ".pid"
RESULTS = "results.parquet"
#: Part metadata: the run's config hash and suite config (JSON), so that ``bench recover`` can
#: rebuild a lost manifest from the parts alone (the schema version is there too: VERSION_KEY).
CONFIG_HASH_KEY = b"bench_config_hash"
CONFIG_KEY = b"bench_config"
RUN_ID_KEY = b"bench_run_id"
#: ``results.parquet`` metadata: the sequence number of the last part it consolidates.
LAST_PART_KEY = b"bench_last_part"

_PART = re.compile(r"^part-(\d+)-[0-9a-f]+\.parquet$")


class RunInProgress(BenchError):
    """Another process is writing this run directory."""


class RunStore:
    """Read and append the results of one run directory (one writer at a time:
    :meth:`writer_lock`)."""

    def __init__(self, run_dir: Path) -> None:
        self.run_dir = Path(run_dir)
        self._next_seq: int | None = None
        self._identity: dict[bytes, bytes] = {}  # part metadata, from the manifest (open)

    @property
    def parts_dir(self) -> Path:
        return self.run_dir / "parts"

    @property
    def errors_dir(self) -> Path:
        return self.run_dir / "errors"

    # -- lifecycle ---------------------------------------------------------------------------

    @contextmanager
    def writer_lock(self) -> Iterator[None]:
        """Be the only writer of this run directory for the duration, or raise
        :class:`RunInProgress` naming the pid of the one that is."""
        try:
            self.run_dir.mkdir(parents=True, exist_ok=True)
            lock = FileLock(self.run_dir / LOCK, timeout=0)
            lock.acquire()
        except Timeout:
            raise RunInProgress(f"run in progress (pid {self._holder()}); wait for it to finish "
                                f"or choose another --out directory", where=str(self.run_dir)) \
                from None
        except OSError as exc:
            raise BenchError(f"cannot write the run directory: {exc.strerror or exc}",
                             where=str(self.run_dir)) from None
        inode = (self.run_dir / LOCK).stat().st_ino
        try:
            (self.run_dir / PID).write_text(f"{os.getpid()}\n", encoding="utf-8")
            yield
        finally:
            # After --force-new moved this directory away, LOCK here is another lock's file.
            with contextlib.suppress(OSError):
                if (self.run_dir / LOCK).stat().st_ino == inode:
                    (self.run_dir / PID).unlink(missing_ok=True)
            lock.release()

    def _holder(self) -> str:
        try:
            return (self.run_dir / PID).read_text(encoding="utf-8").strip() or "unknown"
        except OSError:
            return "unknown"

    def open(self, manifest: dict[str, Any]) -> bool:
        """Create the run directory, or check that it belongs to the same config (resume).

        Returns True when resuming an existing run. Leftover temporary files of a run that was
        killed are removed; finished parts are never touched.
        """
        has_manifest = (self.run_dir / MANIFEST).exists()
        existing = self.read_manifest() if has_manifest else None
        if existing is not None:
            check_schema_version(existing.get("schema_version"), where=str(self.run_dir / MANIFEST),
                                 writing=True)
        identity = existing or manifest
        self._identity = {
            CONFIG_HASH_KEY: str(identity.get("config_hash", "")).encode(),
            CONFIG_KEY: json.dumps(identity.get("config"), sort_keys=True, default=str).encode(),
            RUN_ID_KEY: str(identity.get("run_id", "")).encode()}
        if existing is not None and existing.get("config_hash") != manifest["config_hash"]:
            raise ConfigError(
                f"holds a run with config hash {existing.get('config_hash')}, but this suite and "
                f"options hash to {manifest['config_hash']}; choose another --out directory "
                f"(or pass --force-new to set the old run aside)",
                where=str(self.run_dir),
            )
        if existing is None and self.part_files():
            raise ConfigError(f"has result parts but no manifest.json; rebuild it with `bench "
                              f"recover {self.run_dir}`, then rerun to resume",
                              where=str(self.run_dir))
        if existing is None and self.run_dir.is_dir() and _has_content(self.run_dir):
            raise ConfigError("exists, is not empty and is not a run directory (no manifest.json); "
                              "choose a new or empty --out directory", where=str(self.run_dir))
        try:
            # The manifest comes first: a directory with parts but no manifest cannot arise.
            self.run_dir.mkdir(parents=True, exist_ok=True)
            self._remove_temporaries()
            if existing is None:
                self._create_manifest(manifest)
            else:
                self.write_manifest(_resumed(existing, manifest))
            self.parts_dir.mkdir(exist_ok=True)
            self.errors_dir.mkdir(exist_ok=True)
        except OSError as exc:
            raise BenchError(f"cannot write the run directory: {exc.strerror or exc}",
                             where=str(self.run_dir)) from None
        return existing is not None

    def set_aside(self) -> Path | None:
        """Move an existing run directory to ``<name>.replaced-<timestamp>`` (``--force-new``).

        Nothing is deleted: the old results stay readable where they were moved.
        """
        if not self.run_dir.exists() or not _has_content(self.run_dir):
            return None
        target = self.run_dir.with_name(
            f"{self.run_dir.name}.replaced-{datetime.now():%Y%m%d-%H%M%S-%f}")
        try:
            shutil.move(str(self.run_dir), str(target))
        except OSError as exc:
            raise BenchError(f"cannot move the old run aside: {exc.strerror or exc}",
                             where=str(self.run_dir)) from None
        return target

    def read_manifest(self) -> dict[str, Any]:
        path = self.run_dir / MANIFEST
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:  # ValueError: bad JSON or bad UTF-8
            raise BenchError(f"cannot read the manifest: {exc}; if it was damaged, `bench recover "
                             f"{self.run_dir}` rebuilds it from the parts", where=str(path)) \
                from None
        if not isinstance(data, dict):
            raise BenchError("the manifest is not a JSON object", where=str(path))
        check_schema_version(data.get("schema_version"), where=str(path))
        return data

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        text = json.dumps(manifest, indent=2, sort_keys=True, default=str)
        atomic_write_bytes(self.run_dir / MANIFEST, text.encode("utf-8"))

    def _create_manifest(self, manifest: dict[str, Any]) -> None:
        text = json.dumps(manifest, indent=2, sort_keys=True, default=str)
        if not create_exclusive(self.run_dir / MANIFEST, text.encode("utf-8")):
            raise ConfigError("another run created a manifest here at the same time; choose "
                              "another --out directory", where=str(self.run_dir))

    def update_manifest(self, **changes: Any) -> None:
        manifest = self.read_manifest()
        manifest.update(changes)
        self.write_manifest(manifest)

    # -- rows -----------------------------------------------------------------------------

    def append(self, rows: Iterable[dict[str, Any]]) -> Path | None:
        """Write ``rows`` as one new part, atomically; tracebacks go to ``errors/``.

        The error files are written first, so that a part on disk always has its tracebacks;
        an ok row removes the traceback a previous failed attempt of its key left.
        """
        rows = [dict(row) for row in rows]
        if not rows:
            return None
        try:
            for row in rows:
                error_file = self.errors_dir / f"{_key_name(row)}.txt"
                tb = row.pop(TRACEBACK_KEY, None)
                if tb:
                    atomic_write_bytes(error_file, tb.encode("utf-8"))
                elif row.get("status") == Status.OK:
                    error_file.unlink(missing_ok=True)
            table = pa.Table.from_pylist(rows, schema=RESULT_SCHEMA)
            table = table.replace_schema_metadata({**(table.schema.metadata or {}),
                                                   **self._identity})
            path = self.parts_dir / f"part-{self._sequence():08d}-{uuid.uuid4().hex[:8]}.parquet"
            _write_table(table, path)
        except OSError as exc:
            raise BenchError(f"cannot write results: {exc.strerror or exc} (finished parts are "
                             f"kept; rerun the same command to resume)",
                             where=str(self.run_dir)) from None
        return path

    def part_files(self) -> list[Path]:
        """Parts in the order they were written (by sequence number)."""
        return sorted(self.parts_dir.glob("part-*.parquet"), key=_part_order)

    def load_parts(self) -> pd.DataFrame:
        """All rows written so far (one per key: a later part wins over an earlier one)."""
        files = self.part_files()
        if not files:
            return RESULT_SCHEMA.empty_table().to_pandas()
        frame = pa.concat_tables([read_results_table(f) for f in files]).to_pandas()
        return frame.drop_duplicates(list(KEY_COLUMNS), keep="last").reset_index(drop=True)

    def finished_keys(self) -> set[RowKey]:
        """Keys that have a row, whatever its status."""
        return _keys(self.load_parts())

    def done_keys(self) -> set[RowKey]:
        """Keys a resume skips: those whose latest row is ``ok`` (failures are retried)."""
        frame = self.load_parts()
        return _keys(frame[frame["status"] == Status.OK])

    def consolidate(self) -> pd.DataFrame:
        """Write ``results.parquet`` (sorted by key) from the parts and return it."""
        frame = self.load_parts().sort_values(list(KEY_COLUMNS), kind="stable")
        frame = frame.reset_index(drop=True)
        table = pa.Table.from_pandas(frame, schema=RESULT_SCHEMA, preserve_index=False)
        # Which parts it holds, so that load() never has to compare file times.
        last = self.part_files()[-1].name if self.part_files() else ""
        table = table.replace_schema_metadata(
            {**(table.schema.metadata or {}), **self._identity, LAST_PART_KEY: last.encode()})
        try:
            _write_table(table, self.run_dir / RESULTS)
        except OSError as exc:
            raise BenchError(f"cannot write {RESULTS}: {exc.strerror or exc} (the parts are "
                             f"kept)", where=str(self.run_dir)) from None
        return frame

    # -- internals ----------------------------------------------------------------------------

    def _sequence(self) -> int:
        if self._next_seq is None:
            seqs = [_part_order(p)[0] for p in self.parts_dir.glob("part-*.parquet")]
            self._next_seq = max(seqs, default=-1) + 1
        seq = self._next_seq
        self._next_seq += 1
        return seq

    def _remove_temporaries(self) -> None:
        for folder in (self.run_dir, self.parts_dir, self.errors_dir):
            for tmp in folder.glob(".*.tmp") if folder.is_dir() else ():
                tmp.unlink(missing_ok=True)


def load(run_dir: str | Path) -> pd.DataFrame:
    """The result rows of a run: ``results.parquet`` if consolidated, else its parts."""
    run_dir = Path(run_dir)
    store = RunStore(run_dir)
    if not (run_dir / MANIFEST).exists():
        raise BenchError("not a run directory (no manifest.json)", where=str(run_dir))
    store.read_manifest()
    path = run_dir / RESULTS
    parts = store.part_files()
    if path.exists() and (not parts or _last_part(path) == parts[-1].name):
        return read_results_file(path)
    return store.load_parts()


def _last_part(path: Path) -> str | None:
    """The last part ``results.parquet`` consolidated (``None``: unknown, read the parts)."""
    try:
        value = (pq.read_schema(path).metadata or {}).get(LAST_PART_KEY)
    except (OSError, pa.ArrowException):
        return None
    return None if value is None else value.decode()


def _resumed(existing: dict[str, Any], manifest: dict[str, Any]) -> dict[str, Any]:
    """The old manifest, with this resume recorded (and what differs from the first start)."""
    env_old, env_new = existing.get("environment", {}), manifest.get("environment", {})
    changed = {
        name: [old, env_new.get("versions", {}).get(name)]
        for name, old in env_old.get("versions", {}).items()
        if env_new.get("versions", {}).get(name) != old
    }
    existing.setdefault("resumes", []).append({
        "started_at": manifest.get("started_at"),
        "host": env_new.get("host"),
        "git_sha": env_new.get("git_sha"),
        "device": manifest.get("device"),
        "executor": manifest.get("executor"),
        "versions_changed": changed,
    })
    existing["status"] = "running"
    return existing


def _has_content(folder: Path) -> bool:
    """Anything but leftover temporary files and the writer's lock and pid files."""
    return any(not (p.name.startswith(".") and p.name.endswith(".tmp"))
               and p.name not in (LOCK, PID) for p in folder.iterdir())


def _keys(frame: pd.DataFrame) -> set[RowKey]:
    return {RowKey(*r) for r in frame[list(KEY_COLUMNS)].itertuples(index=False, name=None)}


def _key_name(row: dict[str, Any]) -> str:
    return "__".join(str(row[k]) for k in KEY_COLUMNS).replace("/", "_").replace(os.sep, "_")


def _part_order(path: Path) -> tuple[int, int]:
    match = _PART.match(path.name)
    # Parts from before sequence numbers sort first, by modification time.
    return (int(match.group(1)), 0) if match else (-1, path.stat().st_mtime_ns)


def _write_table(table: pa.Table, path: Path) -> None:
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp)
