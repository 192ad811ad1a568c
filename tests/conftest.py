"""Shared fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import TINY_SUITE, write_suite


@pytest.fixture(scope="session", autouse=True)
def _session_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The tests' cache root (stored reports, datasets) is the session's own, never the user's,
    from before the first fixture; a test that needs another sets ``$BENCH_CACHE_DIR`` itself."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BENCH_CACHE_DIR", str(tmp_path_factory.mktemp("bench-cache")))
        yield


@pytest.fixture
def tiny_suite(tmp_path: Path) -> Path:
    """Two embedded datasets (one classification, one regression), 2 folds × 2 seeds."""
    return write_suite(tmp_path, TINY_SUITE)
