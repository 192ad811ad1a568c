"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import TINY_SUITE, write_suite


@pytest.fixture
def tiny_suite(tmp_path: Path) -> Path:
    """Two embedded datasets (one classification, one regression), 2 folds × 2 seeds."""
    return write_suite(tmp_path, TINY_SUITE)
