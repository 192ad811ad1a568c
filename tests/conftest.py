"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import TINY_ENCODERS, write_suite


@pytest.fixture
def tiny_suite(tmp_path: Path) -> Path:
    """Two embedded datasets (one classification, one regression), 2 folds × 2 seeds."""
    return write_suite(
        tmp_path,
        f"""
        name = "tiny"
        [run]
        folds = 2
        seeds = [0, 1]
        encoders = ["ae", "mlp", "pca"]
        [xgboost]
        n_estimators = 20
        max_depth = 3
        early_stopping_rounds = 5
        {TINY_ENCODERS}
        [[datasets]]
        source = "embedded"
        name = "iris"
        [[datasets]]
        source = "embedded"
        name = "230_machine_cpu"
        """,
    )
