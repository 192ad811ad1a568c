"""``bench recover RUN_DIR``: rebuild a missing or corrupt ``manifest.json`` from the parts.

Every part carries, in its parquet metadata, the schema version, the config hash, the suite
config and the run id (:mod:`bench.store`), so a run whose manifest was deleted or damaged keeps
its finished rows: the manifest is rebuilt from them, the damaged one is kept beside it, and a
rerun of the same suite with the same ``--out`` resumes as usual.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from bench.errors import BenchError
from bench.results_file import check_schema_version
from bench.schema import SCHEMA_VERSION, VERSION_KEY
from bench.store import CONFIG_HASH_KEY, CONFIG_KEY, MANIFEST, RUN_ID_KEY, RunStore


@dataclass(frozen=True)
class Recovered:
    """What ``recover`` did: the new manifest's path, the parts and rows it found, and where
    the damaged manifest was kept (``None``: there was none)."""

    manifest: Path
    n_parts: int
    n_rows: int
    kept: Path | None


def manifest_is_sound(run_dir: Path) -> bool:
    try:
        RunStore(run_dir).read_manifest()
    except BenchError:
        return False
    return True


def recover(run_dir: Path) -> Recovered | None:
    """Rebuild ``run_dir``'s manifest from its parts; ``None`` when the manifest is sound."""
    store = RunStore(run_dir)
    if not run_dir.is_dir():
        raise BenchError("no such run directory", where=str(run_dir))
    with store.writer_lock():
        if (run_dir / MANIFEST).exists() and manifest_is_sound(run_dir):
            return None
        parts = store.part_files()
        if not parts:
            raise BenchError("no parts to rebuild the manifest from (parts/ is empty)",
                             where=str(run_dir))
        identity = _identity(parts)
        frame = store.load_parts()
        kept = _keep_damaged(run_dir)
        manifest = _manifest(identity, frame)
        store.write_manifest(manifest)
    return Recovered(run_dir / MANIFEST, len(parts), len(frame), kept)


def _identity(parts: list[Path]) -> dict[bytes, bytes]:
    """The run identity all parts agree on; an error naming the part that disagrees."""
    found: dict[bytes, bytes] | None = None
    for path in parts:
        try:
            metadata = pq.read_schema(path).metadata or {}
        except (OSError, pa.ArrowException) as exc:
            raise BenchError(f"unreadable part ({type(exc).__name__}); move it away and rerun "
                             f"`bench recover`", where=str(path)) from None
        check_schema_version(metadata.get(VERSION_KEY, b"?").decode(), where=str(path))
        identity = {k: metadata.get(k, b"") for k in (CONFIG_HASH_KEY, CONFIG_KEY, RUN_ID_KEY)}
        if not identity[CONFIG_HASH_KEY]:
            raise BenchError("part has no config hash (written before bench recorded it); "
                             "the manifest cannot be rebuilt from it", where=str(path))
        if found is not None and identity[CONFIG_HASH_KEY] != found[CONFIG_HASH_KEY]:
            raise BenchError(f"parts of two configs ({found[CONFIG_HASH_KEY].decode()[:12]} and "
                             f"{identity[CONFIG_HASH_KEY].decode()[:12]}) in one run; move one "
                             f"set away", where=str(path))
        found = found or identity
    assert found is not None
    return found


def _keep_damaged(run_dir: Path) -> Path | None:
    path = run_dir / MANIFEST
    if not path.exists():
        return None
    kept = path.with_name(f"{MANIFEST}.damaged-{datetime.now(UTC):%Y%m%d-%H%M%S}")
    path.replace(kept)
    return kept


def _manifest(identity: dict[bytes, bytes], frame: Any) -> dict[str, Any]:
    try:
        config = json.loads(identity[CONFIG_KEY] or b"null")
    except ValueError:
        config = None
    suite = str(frame["suite"].iloc[0]) if len(frame) else ""
    return {
        "schema_version": SCHEMA_VERSION,
        "config_hash": identity[CONFIG_HASH_KEY].decode(),
        "config": config,
        "run_id": identity[RUN_ID_KEY].decode(),
        "suite": suite,
        "status": "recovered",
        "recovered_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "n_rows": len(frame),
        "n_failed": int((frame["status"] != "ok").sum()),
    }
