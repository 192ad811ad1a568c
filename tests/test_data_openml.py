"""bench.data.openml: loading OpenML tasks and datasets on real openml-python and real OpenML
cache files (task 1882, anneal).

Every test works on a temporary copy of ``tests/data/openml`` (openml-python writes into its
cache) and points openml-python at the OpenML test server's cache folder; the network is never
used: sockets raise, or a local HTTP server plays the OpenML server.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import openml
import pandas as pd
import pytest

from bench.config import OpenMLSpec
from bench.context import RunContext
from bench.data import OpenMLOptions
from bench.data.cache import CorruptCacheError, NormalizedStore
from bench.data.openml import (
    CacheWarning,
    load_openml,
)
from bench.data.openml_client import (
    OpenMLNotFound,
    openml_session,
)
from bench.device import resolve_device
from bench.errors import BenchError, ConfigError
from bench.plan import make_plan
from bench.runner import load_job_data
from bench.splits import official_splits
from bench.suite_loader import load_suite
from tests.helpers import write_suite
from tests.openml_data import TASK, TASK_SUITE, TEST_SERVER, official_indices

pytest_plugins = ("tests.openml_fixtures",)


def _openml_task():
    """Task 1882 straight from openml-python (the reference for our splits)."""
    return openml.tasks.get_task(1882, download_splits=True, download_data=False,
                                 download_qualities=False, download_features_meta_data=False)


# ----------------------------------------------------------------------------- task 1882


def test_task_1882_loads_offline_with_its_official_splits(offline, no_network) -> None:
    data = load_openml(TASK, options=offline)
    ds = data.dataset
    assert (ds.n_rows, ds.source, ds.openml_task_id, ds.openml_dataset_id) == (898, "openml", 1882, 2)
    assert ds.task == "multiclass"
    assert ds.classes == ("1", "2", "3", "5", "U")
    assert any("declared classes without rows ['4']" in p for p in ds.provenance)
    assert data.official.repeats == 10
    assert data.official.folds == 10
    assert len(data.official.indices) == 100
    with openml_session(offline):
        task = _openml_task()
        X, *_ = task.get_dataset().get_data()
        assert X.shape == (898, 39)  # 38 features + the target: the raw table
        for repeat, fold in [(0, 0), (3, 7), (9, 9)]:
            train, test = task.get_train_test_split_indices(fold=fold, repeat=repeat)
            ours_train, ours_test = data.official.indices[(repeat, fold)]
            np.testing.assert_array_equal(ours_train, train)
            np.testing.assert_array_equal(ours_test, test)


def test_official_splits_are_positions_of_the_same_rows(offline) -> None:
    data = load_openml(TASK, options=offline)
    splits = official_splits(data.dataset, data.row_ids, data.official,
                             [(r, f) for r in range(10) for f in range(10)])
    assert [s.origin for s in splits] == ["openml"] * 100
    for r in range(10):
        tests = np.concatenate([s.test for s in splits if s.repeat == r])
        assert sorted(tests) == list(range(898))  # each repeat's folds partition the rows
    for s in splits:
        assert np.intersect1d(s.train, s.test).size == 0


def test_second_load_reads_the_normalized_copy_not_the_arff(offline, no_network) -> None:
    first = load_openml(TASK, options=offline).dataset
    arff_dir = offline.server_dir / "datasets" / "2"
    for path in arff_dir.glob("dataset*"):
        path.unlink()  # the ARFF and openml-python's parsed copy are gone ...
    second = load_openml(TASK, options=offline).dataset
    assert second.content_hash == first.content_hash  # ... the parquet copy has everything
    assert second.provenance == first.provenance
    assert second.categorical == first.categorical
    store = NormalizedStore(offline.cache_dir, offline.namespace)
    (key,) = store.keys("d2-")
    meta = json.loads((store.entry_dir(key) / "meta.json").read_text())
    assert meta["summary"]["rows"] == 898
    assert len(meta["sha256"]) == 64


def test_dataset_entry_uses_the_default_target(offline) -> None:
    spec = OpenMLSpec(source="openml", dataset=2)
    data = load_openml(spec, options=offline, name="anneal")
    assert data.official is None
    assert data.dataset.name == "anneal"
    assert data.dataset.n_classes == 5
    with pytest.raises(BenchError, match="no column 'nope'"):
        load_openml(OpenMLSpec(source="openml", dataset=2, target="nope"), options=offline)


def test_task_type_mismatch_is_one_line(offline) -> None:
    spec = OpenMLSpec(source="openml", task=1882, task_type="regression")
    with pytest.raises(BenchError, match="is a multiclass task, but the suite asks for") as info:
        load_openml(spec, options=offline)
    assert "\n" not in str(info.value)


def test_max_rows_keeps_a_stratified_subsample_and_remaps_official_splits(offline) -> None:
    spec = OpenMLSpec(source="openml", task=1882, max_rows=300)
    a = load_openml(spec, options=offline, seed=0)
    b = load_openml(spec, options=offline, seed=0)
    full = load_openml(TASK, options=offline)
    assert a.dataset.n_rows == 300
    assert a.dataset.content_hash == b.dataset.content_hash
    assert any("stratified random subsample of 300 of 898 rows" in p for p in a.dataset.provenance)
    share = np.bincount(a.dataset.y) / 300
    full_share = np.bincount(full.dataset.y) / 898
    np.testing.assert_allclose(share, full_share, atol=1 / 300 + 1e-9)
    assert (np.bincount(a.dataset.y) >= 1).all()  # the 8-row class survives
    (split,) = official_splits(a.dataset, a.row_ids, a.official, [(0, 0)])
    train_ids, test_ids = a.official.indices[(0, 0)]
    # the split holds exactly the subsampled rows of OpenML's fold, as positions
    assert set(a.row_ids[split.test]) == set(test_ids) & set(a.row_ids)
    assert set(a.row_ids[split.train]) == set(train_ids) & set(a.row_ids)


def test_max_features_keeps_a_deterministic_column_subset(offline) -> None:
    spec = OpenMLSpec(source="openml", task=1882, max_features=5)
    a = load_openml(spec, options=offline, seed=3).dataset
    assert a.n_features == 5
    assert set(a.categorical) <= set(a.X.columns)
    assert list(a.X.columns) == list(load_openml(spec, options=offline, seed=3).dataset.X.columns)
    assert any("max_features = 5" in p for p in a.provenance)


# ----------------------------------------------------------------------------- offline & corruption


def test_corrupt_cached_arff_is_reported_with_its_path(offline, no_network) -> None:
    arff = offline.server_dir / "datasets" / "2" / "dataset.arff"
    arff.write_bytes(arff.read_bytes()[:20000])  # an interrupted download
    with pytest.raises(CorruptCacheError) as info:
        load_openml(TASK, options=offline)
    assert str(arff) in str(info.value)
    assert "md5" in str(info.value)
    assert arff.is_file()  # offline: nothing is deleted


def test_corrupt_cached_task_xml_is_reported_with_its_path(offline, no_network) -> None:
    xml = offline.server_dir / "tasks" / "1882" / "task.xml"
    xml.write_text("<oml:task xmlns:oml='http://openml.org/openml'><oml:task_id>18")
    with pytest.raises(CorruptCacheError, match="task.xml"):
        load_openml(TASK, options=offline)
    assert xml.is_file()


def test_corrupt_split_file_is_reported_with_its_path(offline, no_network) -> None:
    splits = offline.server_dir / "tasks" / "1882" / "datasplits.arff"
    splits.write_text("@relation broken\n@attribute type {TRAIN,TEST}\n@data\nTRAIN,1,0\n")
    with pytest.raises(CorruptCacheError, match="datasplits.arff"):
        load_openml(TASK, options=offline)


def test_corrupt_normalized_copy_is_rebuilt_from_the_source(offline) -> None:
    first = load_openml(TASK, options=offline).dataset
    store = NormalizedStore(offline.cache_dir, offline.namespace)
    (key,) = store.keys("d2-")
    parquet = store.entry_dir(key) / "data.parquet"
    parquet.write_bytes(parquet.read_bytes()[:-100])
    with pytest.warns(CacheWarning, match=str(parquet).replace("\\", "\\\\") + ".*checksum"):
        again = load_openml(TASK, options=offline).dataset
    assert again.content_hash == first.content_hash


def test_corrupt_normalized_copy_without_source_fails_offline_naming_it(offline) -> None:
    load_openml(TASK, options=offline)
    store = NormalizedStore(offline.cache_dir, offline.namespace)
    (key,) = store.keys("d2-")
    parquet = store.entry_dir(key) / "data.parquet"
    parquet.write_bytes(b"PAR1 garbage")
    for path in (offline.server_dir / "datasets" / "2").glob("dataset*"):
        path.unlink()
    with pytest.raises(CorruptCacheError) as info:
        load_openml(TASK, options=offline)
    assert str(parquet) in str(info.value)
    assert "cannot be rebuilt offline" in str(info.value)


def test_two_processes_loading_at_once_do_not_corrupt_the_cache(cache: Path) -> None:
    script = (
        "from bench.config import OpenMLSpec; from bench.data import OpenMLOptions;"
        "from bench.data.openml import load_openml;"
        f"o = OpenMLOptions.from_env(cache_dir={str(cache)!r}, offline=True);"
        "d = load_openml(OpenMLSpec(source='openml', task=1882), options=o);"
        "print(d.dataset.content_hash, len(d.official.indices))"
    )
    procs = [subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err for _, err in outputs]
    hashes = {out.split()[0] for out, _ in outputs}
    assert len(hashes) == 1
    assert all(out.split()[1] == "100" for out, _ in outputs)
    options = OpenMLOptions.from_env(cache_dir=cache, offline=True)
    store = NormalizedStore(cache, options.namespace)
    (key,) = store.keys("d2-")
    dataset, _, _ = store.load(key)  # checksum verified
    assert dataset.content_hash == hashes.pop()
    assert not list(store.entry_dir(key).glob("*.tmp"))


# ----------------------------------------------------------------------------- server failures


def test_fetch_from_a_server_downloads_everything_then_works_offline(tmp_path, no_network_later) -> None:
    from tests.openml_server import FakeOpenML, fake_openml

    with fake_openml(FakeOpenML(busy={"/api/v1/xml/task/1882": 1})) as srv:
        online = OpenMLOptions(cache_dir=tmp_path, server=srv.server, retries=3, backoff_s=0.01,
                               timeout_s=5.0)
        fetched = load_openml(TASK, options=online)
        assert srv.hits["/api/v1/xml/task/1882"] == 2  # 503 once (server busy), then retried
        assert srv.hits["/data/download/2"] == 1
        assert srv.hits["/splits/1882"] == 1
        with pytest.raises(OpenMLNotFound, match="OpenML task 999 does not exist") as info:
            load_openml(OpenMLSpec(source="openml", task=999), options=online)
        assert srv.hits["/api/v1/xml/task/999"] == 1  # an unknown id is not retried
        assert "\n" not in str(info.value)
    no_network_later()
    again = load_openml(TASK, options=OpenMLOptions(cache_dir=tmp_path, server=srv.server,
                                                    offline=True))
    assert again.dataset.content_hash == fetched.dataset.content_hash
    assert len(again.official.indices) == 100


# ----------------------------------------------------------------------------- suites and plans


def test_plan_uses_the_cached_design_capped(tmp_path, offline) -> None:
    body = '''
        name = "t"
        [run]
        seeds = [0]
        feature_sets = ["raw"]
        {caps}
        [[datasets]]
        source = "openml"
        task = 1882
        '''
    full = load_suite(write_suite(tmp_path, body.format(caps=""), name="a"))
    assert len(make_plan(full, options=offline).items) == 100
    capped = load_suite(write_suite(tmp_path, body.format(
        caps="max_official_repeats = 2\nmax_official_folds = 3"), name="b"))
    items = make_plan(capped, options=offline).items
    assert [(i.repeat, i.fold) for i in items] == [(r, f) for r in range(2) for f in range(3)]
    own = load_suite(write_suite(tmp_path, body.format(caps="use_official_splits = false"),
                                 name="c"))
    assert len(make_plan(own, options=offline).items) == 3  # the suite's own 1 x 3 folds
    empty = OpenMLOptions(cache_dir=tmp_path / "none", server=TEST_SERVER, offline=True)
    with pytest.raises(ConfigError, match=r"task\(s\) \[1882\] is not in the cache"):
        make_plan(full, options=empty)
    assert len(make_plan(capped, options=empty).items) == 6  # caps alone plan offline


def test_shipped_openml_suites_plan_offline(tmp_path, no_network) -> None:
    empty = OpenMLOptions(cache_dir=tmp_path, offline=True)
    for name, n in [("cc18", 72 * 10), ("ctr23", 35 * 10), ("amlb-classification", 71 * 10),
                    ("grinsztajn", (7 + 17 + 19 + 16) * 3)]:
        assert len(make_plan(load_suite(name), options=empty).items) == n, name


def test_cached_frames_round_trip_categoricals(offline) -> None:
    data = load_openml(TASK, options=offline).dataset
    again = load_openml(TASK, options=offline).dataset
    for col in data.categorical:
        assert isinstance(again.X[col].dtype, pd.CategoricalDtype)
        assert list(again.X[col].cat.categories) == list(data.X[col].cat.categories)


def test_a_corrupt_arff_is_downloaded_again_when_online(tmp_path) -> None:
    from tests.openml_server import FakeOpenML, fake_openml

    with fake_openml(FakeOpenML()) as srv:
        options = OpenMLOptions(cache_dir=tmp_path, server=srv.server, retries=2, backoff_s=0.01)
        first = load_openml(TASK, options=options).dataset
        store = NormalizedStore(tmp_path, options.namespace)
        for key in store.keys("d2-"):
            store.discard(key)  # force a rebuild from OpenML's files ...
        arff = options.server_dir / "datasets" / "2" / "dataset.arff"
        arff.write_bytes(arff.read_bytes()[:5000])  # ... whose ARFF is truncated
        with pytest.warns(CacheWarning, match=r"dataset\.arff: corrupt cached file: md5"):
            again = load_openml(TASK, options=options).dataset
        assert srv.hits["/data/download/2"] == 2
    assert again.content_hash == first.content_hash


# ----------------------------------------------------------------------------- no pickles


def test_the_provenance_names_the_sha256_of_the_bytes_parsed(offline, no_network) -> None:
    import hashlib

    arff_file = offline.server_dir / "datasets" / "2" / "dataset.arff"
    digest = hashlib.sha256(arff_file.read_bytes()).hexdigest()
    data = load_openml(TASK, options=offline).dataset
    assert any(f"SHA-256 of the bytes parsed {digest}" in note for note in data.provenance)


def test_job_splits_are_exactly_openml_train_test_indices(tmp_path, cache) -> None:
    suite = load_suite(write_suite(tmp_path, TASK_SUITE))
    options = OpenMLOptions.from_env(cache_dir=cache, offline=True)
    plan = make_plan(suite, options=options)
    (job,) = plan.jobs()
    ctx = RunContext(suite, "t", suite.config_hash(), resolve_device("cpu"), offline=True,
                     cache_dir=cache)
    dataset, splits = load_job_data(job, ctx)
    assert dataset.n_rows == 898
    assert sorted(splits) == [(0, 0), (0, 1)]
    for key, (train, test) in official_indices(cache, list(splits)).items():
        assert splits[key].origin == "openml"
        np.testing.assert_array_equal(splits[key].train, train)  # no row dropped: ids = positions
        np.testing.assert_array_equal(splits[key].test, test)
