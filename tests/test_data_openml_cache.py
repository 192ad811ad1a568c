"""bench.data.openml_cache: what is in the OpenML cache, read without loading or the network."""

from __future__ import annotations

import pytest

from bench.config import OpenMLSpec
from bench.data import OpenMLOptions
from bench.data.openml import (
    cached_summary,
    cached_task_info,
    load_openml,
    missing_from_cache,
    require_cached,
)
from bench.data.openml_client import OfflineMissing
from tests.openml_data import TASK, TEST_SERVER

pytest_plugins = ("tests.openml_fixtures",)


def test_task_info_and_summary_from_the_cache(offline) -> None:
    info = cached_task_info(1882, offline)
    assert (info.dataset_id, info.target, info.repeats, info.folds) == (2, "class", 10, 10)
    quick = cached_summary(TASK, offline)  # before any load: OpenML's qualities.xml
    assert quick["rows"] == 898
    assert quick["complete"] is False
    load_openml(TASK, options=offline)
    full = cached_summary(TASK, offline)
    assert full["rows"] == 898
    assert full["features"] == 31
    assert full["complete"] is True


def test_offline_missing_entries_give_one_error_with_the_fetch_command(tmp_path, monkeypatch,
                                                                      no_network) -> None:
    monkeypatch.setenv("BENCH_OPENML_SERVER", TEST_SERVER)
    options = OpenMLOptions.from_env(cache_dir=tmp_path / "empty", offline=True)
    specs = [TASK, OpenMLSpec(source="openml", task=3), OpenMLSpec(source="openml", dataset=30)]
    with pytest.raises(OfflineMissing) as info:
        require_cached(specs, options, suite_arg="my suite.toml")
    message = str(info.value)
    assert "3 OpenML entries are not in the cache" in message
    assert "task 1882, task 3, dataset 30" in message
    assert f"bench fetch 'my suite.toml' --cache-dir {tmp_path / 'empty'}" in message
    assert "\n" not in message
    with pytest.raises(OfflineMissing, match="task 1882 description"):
        load_openml(TASK, options=options)


def test_offline_with_a_partial_cache_names_what_is_missing(offline) -> None:
    assert missing_from_cache(TASK, offline) == []
    (offline.server_dir / "tasks" / "1882" / "datasplits.arff").unlink()
    assert missing_from_cache(TASK, offline) == ["task 1882 splits"]
    (offline.server_dir / "datasets" / "2" / "dataset.arff").unlink()
    assert missing_from_cache(TASK, offline) == ["dataset 2 data", "task 1882 splits"]
