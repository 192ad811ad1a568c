"""Fixtures for the OpenML tests: a temporary copy of the OpenML test server's cache files in
``tests/data/openml`` (openml-python writes into its cache), and sockets that refuse to connect.

A test module uses them with ``pytest_plugins = ("tests.openml_fixtures",)``.
"""

from __future__ import annotations

import shutil
import socket
from collections.abc import Callable
from pathlib import Path

import openml
import pytest

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


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache directory holding a copy of the OpenML test-server cache; env points at it."""
    monkeypatch.setenv("BENCH_OPENML_SERVER", TEST_SERVER)
    monkeypatch.setenv("BENCH_CACHE_DIR", str(tmp_path / "cache"))
    return fill_cache(tmp_path / "cache")


@pytest.fixture
def flag_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The same copy, for a command line's ``--cache-dir`` only: ``$BENCH_CACHE_DIR`` is unset."""
    monkeypatch.setenv("BENCH_OPENML_SERVER", TEST_SERVER)
    monkeypatch.delenv("BENCH_CACHE_DIR", raising=False)
    return fill_cache(tmp_path / "cache")


@pytest.fixture
def offline(cache: Path) -> OpenMLOptions:
    return OpenMLOptions.from_env(offline=True)


def _refuse(*args: object, **kwargs: object) -> None:
    raise AssertionError(f"network access attempted: {args}")


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a socket fails the test."""
    monkeypatch.setattr(socket.socket, "connect", _refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", _refuse)
    monkeypatch.setattr(socket, "create_connection", _refuse)


@pytest.fixture
def no_network_later(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Call the returned function to forbid sockets from then on."""

    def arm() -> None:
        monkeypatch.setattr(socket.socket, "connect", _refuse)
        monkeypatch.setattr(socket, "create_connection", _refuse)

    return arm


def official_indices(cache: Path, pairs: list[tuple[int, int]]) -> dict[tuple[int, int], tuple]:
    """OpenML's own train/test indices of task 1882, from openml-python."""
    with openml_session(OpenMLOptions.from_env(cache_dir=cache, offline=True)):
        task = openml.tasks.get_task(1882, download_splits=True, download_data=False,
                                     download_qualities=False, download_features_meta_data=False)
        return {(r, f): task.get_train_test_split_indices(fold=f, repeat=r) for r, f in pairs}
