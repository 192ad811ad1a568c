"""Where the cache lives: ``--cache-dir``, else ``$BENCH_CACHE_DIR``, else the user cache
directory (e.g. ``~/.cache/embedbench``).

The dataset cache (:mod:`bench.data.cache`) and the stored report analyses
(:mod:`bench.report.cache`) share this root. This module imports nothing heavy, so a light
command (``bench report``) can find the cache without loading openml.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import platformdirs

CACHE_ENV = "BENCH_CACHE_DIR"


def resolve_cache_dir(explicit: Path | str | None = None) -> Path:
    """``--cache-dir`` if given, else ``$BENCH_CACHE_DIR``, else the user cache directory."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser().resolve()
    return Path(platformdirs.user_cache_dir("embedbench", appauthor=False)).resolve()


def private_dir(path: Path) -> Path | None:
    """``path``, created if missing with mode 0700, or None when it cannot be created or when
    another user could write into it (owned by someone else, or group/other-writable): what is
    read back from there must have been written by this user."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = path.stat()
    except OSError:
        return None
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return None
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return None
    return path
