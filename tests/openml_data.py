"""The OpenML test server's cache files in ``tests/data/openml`` (task 1882 on dataset 2, anneal),
a suite on them, and openml-python's own answers to compare with."""

from __future__ import annotations

import shutil
from pathlib import Path

import openml

from bench.config import OpenMLSpec
from bench.data import OpenMLOptions
from bench.data.openml_client import openml_session
from tests.helpers import TINY_ENCODERS

TEST_SERVER = "https://test.openml.org/api/v1/xml"
DATA = Path(__file__).parent / "data" / "openml"
TASK = OpenMLSpec(source="openml", task=1882)

#: Task 1882 (anneal), its first two official folds, tiny models.
TASK_SUITE = f"""
name = "anneal"
[run]
seeds = [0]
encoders = ["pca"]
max_official_repeats = 1
max_official_folds = 2
[xgboost]
n_estimators = 10
max_depth = 3
early_stopping_rounds = 3
{TINY_ENCODERS}
[[datasets]]
source = "openml"
task = 1882
name = "anneal"
"""


def fill_cache(cache: Path) -> Path:
    """Copy the OpenML test server's cache files into ``cache``."""
    shutil.copytree(DATA / "org", cache / "openml" / "org")
    return cache


def official_indices(cache: Path, pairs: list[tuple[int, int]]) -> dict[tuple[int, int], tuple]:
    """OpenML's own train/test indices of task 1882, from openml-python."""
    with openml_session(OpenMLOptions.from_env(cache_dir=cache, offline=True)):
        task = openml.tasks.get_task(1882, download_splits=True, download_data=False,
                                     download_qualities=False, download_features_meta_data=False)
        return {(r, f): task.get_train_test_split_indices(fold=f, repeat=r) for r, f in pairs}
