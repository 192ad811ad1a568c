"""Stored reports: ``bench report`` re-renders a run without recomputing its statistics.

``bench run`` analyses its rows, builds the report's document and draws its figures; the parts
(:class:`bench.report.parts.ReportParts`) are stored, and a later ``bench report`` of the same
rows with the same options renders them, without loading scipy.stats, baycomp or matplotlib
(about 1.5 s of imports and 1.4 s of work on 2 cores for the quick suite).

An entry is keyed by everything its content depends on: the result rows (``result_hash``), the
report options, the run's facts from its manifest (``RunInfo``, which holds the versions of the
libraries that compute and draw) and the source files of the ``bench`` package. A change to any
of them is another key, so an entry is never stale; the files are byte-identical to a recomputed
report (a test checks every format).

Entries are JSON (no code runs on reading one) in the user's own cache directory
(``$BENCH_CACHE_DIR/reports``, mode 0700; one another user can write into is not used), so nobody
else's numbers reach a report. A missing, unreadable or malformed entry is recomputed; a failed
write only costs the reuse. The newest :data:`KEEP` entries are kept.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path

from bench.cachedir import private_dir, resolve_cache_dir
from bench.fsio import atomic_write_text
from bench.report.content import RunInfo
from bench.report.parts import ReportParts
from bench.stats.analysis import ReportOptions

REPORTS_DIR = "reports"
KEEP = 64
#: Bump when the layout of an entry changes.
ENTRY_FORMAT = 1


def entry_key(rows_hash: str, options: ReportOptions, info: RunInfo) -> str:
    """The key of the entry for these rows, options and run facts under this code."""
    text = json.dumps({"format": ENTRY_FORMAT, "rows": rows_hash, "options": asdict(options),
                       "info": asdict(info), "source": source_digest()},
                      sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@lru_cache(maxsize=1)
def source_digest() -> str:
    """SHA-256 over the ``bench`` package's Python files (relative path and content)."""
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        h.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        h.update(path.read_bytes() + b"\0")
    return h.hexdigest()


def _directory() -> Path | None:
    return private_dir(resolve_cache_dir() / REPORTS_DIR)


def load(key: str) -> ReportParts | None:
    """The parts stored under ``key``, or None (none, unreadable, malformed, or a directory
    that is not the user's own)."""
    directory = _directory()
    if directory is None:
        return None
    try:
        data = json.loads((directory / f"{key}.json").read_text(encoding="utf-8"))
        return ReportParts.from_json(data)
    except (OSError, KeyError, TypeError, ValueError, AttributeError):
        return None


def save(key: str, parts: ReportParts) -> None:
    """Store ``parts`` under ``key`` and drop all but the newest :data:`KEEP` entries. A store
    that cannot be written is skipped: the report itself is written already."""
    directory = _directory()
    if directory is None:
        return
    try:
        atomic_write_text(directory / f"{key}.json", json.dumps(parts.to_json(), default=_plain))
        entries = sorted(directory.glob("*.json"), key=lambda p: p.stat().st_mtime_ns,
                         reverse=True)
        for old in entries[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        return


def _plain(value: object) -> object:
    """A NumPy scalar in a document (a cell's ``bold`` computed by NumPy) as a Python one."""
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"cannot store a {type(value).__name__} in a report entry")
