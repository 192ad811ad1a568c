"""The OpenML data layer on real openml-python and real OpenML cache files (task 1882, anneal).

Every test works on a temporary copy of ``tests/data/openml`` (openml-python writes into its
cache) and points openml-python at the OpenML test server's cache folder; the network is never
used: sockets raise, or a local HTTP server plays the OpenML server.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import openml
import pandas as pd
import pytest

from bench.config import OpenMLSpec
from bench.data import OpenMLOptions
from bench.data.cache import CorruptCacheError, NormalizedStore
from bench.data.openml import (
    CacheWarning,
    cached_summary,
    cached_task_info,
    load_openml,
    missing_from_cache,
    require_cached,
)
from bench.data.openml_client import (
    OfflineMissing,
    OpenMLNotFound,
    OpenMLUnavailable,
    openml_session,
)
from bench.data.openml_suites import find_suite_list, shipped_suite_lists
from bench.errors import BenchError, ConfigError
from bench.plan import make_plan
from bench.splits import official_splits
from bench.suite_loader import load_suite, with_overrides
from tests.helpers import write_suite

TEST_SERVER = "https://test.openml.org/api/v1/xml"
DATA = Path(__file__).parent / "data" / "openml"
TASK = OpenMLSpec(source="openml", task=1882)


def _fill(cache: Path) -> Path:
    shutil.copytree(DATA / "org", cache / "openml" / "org")
    return cache


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache directory holding a copy of the OpenML test-server cache; env points at it."""
    monkeypatch.setenv("BENCH_OPENML_SERVER", TEST_SERVER)
    monkeypatch.setenv("BENCH_CACHE_DIR", str(tmp_path / "cache"))
    return _fill(tmp_path / "cache")


@pytest.fixture
def offline(cache: Path) -> OpenMLOptions:
    return OpenMLOptions.from_env(offline=True)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a socket fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


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


def test_openml_settings_are_restored_after_each_call(offline) -> None:
    before = openml.config.get_config_as_dict()
    load_openml(TASK, options=offline)
    after = openml.config.get_config_as_dict()
    assert after["server"] == before["server"] != TEST_SERVER
    assert after["cachedir"] == before["cachedir"]
    assert after["connection_n_retries"] == before["connection_n_retries"]


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


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_server_fails_clearly_within_a_bounded_time(tmp_path) -> None:
    server = f"http://127.0.0.1:{_closed_port()}/api/v1/xml"
    options = OpenMLOptions(cache_dir=tmp_path, server=server, retries=3, backoff_s=0.05,
                            timeout_s=2.0)
    start = time.perf_counter()
    with pytest.raises(OpenMLUnavailable) as info:
        load_openml(TASK, options=options)
    assert time.perf_counter() - start < 15
    message = str(info.value)
    assert "OpenML task 1882" in message
    assert "unavailable after 3 attempt(s)" in message
    assert "\n" not in message


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


def test_a_silent_server_times_out_and_is_retried_a_bounded_number_of_times(tmp_path) -> None:
    from tests.openml_server import FakeOpenML, fake_openml

    with fake_openml(FakeOpenML(delay_s={"/api/v1/xml/task/1882": 3.0})) as srv:
        options = OpenMLOptions(cache_dir=tmp_path, server=srv.server, retries=2, backoff_s=0.01,
                                timeout_s=0.5)
        start = time.perf_counter()
        with pytest.raises(OpenMLUnavailable, match="ReadTimeout"):
            load_openml(TASK, options=options)
        assert time.perf_counter() - start < 2.5
        assert srv.hits["/api/v1/xml/task/1882"] == 2


@pytest.fixture
def no_network_later(monkeypatch: pytest.MonkeyPatch):
    """Call the returned function to forbid sockets from then on."""

    def arm() -> None:
        def refuse(*args: object, **kwargs: object) -> None:
            raise AssertionError("network access attempted")

        monkeypatch.setattr(socket.socket, "connect", refuse)
        monkeypatch.setattr(socket, "create_connection", refuse)

    return arm


# ----------------------------------------------------------------------------- suites and plans


@pytest.mark.parametrize(("alias", "suite_id", "n_tasks", "task_type"), [
    ("cc18", 99, 72, "classification"),
    ("ctr23", 353, 35, "regression"),
    ("grinsztajn-cat-clf", 334, 7, "classification"),
    ("grinsztajn-cat-reg", 335, 17, "regression"),
    ("grinsztajn-num-reg", 336, 19, "regression"),
    ("grinsztajn-num-clf", 337, 16, "classification"),
    ("amlb-classification", 271, 71, "classification"),
    ("amlb-regression", 269, 33, "regression"),
])
def test_shipped_suite_lists(alias: str, suite_id: int, n_tasks: int, task_type: str) -> None:
    listed = find_suite_list(alias)
    assert listed is find_suite_list(suite_id) is find_suite_list(alias.upper())
    assert (listed.id, len(listed.tasks), listed.task_type) == (suite_id, n_tasks, task_type)
    assert len(set(listed.tasks)) == n_tasks
    assert listed.provenance


def test_amlb_suites_are_disjoint_and_named() -> None:
    cls, reg = find_suite_list("s/271"), find_suite_list("s/269")
    assert not set(cls.tasks) & set(reg.tasks)
    assert set(cls.names) == set(cls.tasks)
    assert reg.name_of(359929) == "Airlines_DepDelay_10M"
    assert len({s.alias for s in shipped_suite_lists().values()}) == 8


def test_suite_entries_expand_offline_with_filters(tmp_path) -> None:
    path = write_suite(tmp_path, """
        name = "mix"
        [[datasets]]
        source = "openml"
        suite = "OpenML-CC18"
        max_rows = 1000
        [[datasets]]
        source = "openml"
        suite = 335
        task_type = "classification"
        [[datasets]]
        source = "openml"
        suite = "s/269"
        task_type = "regression"
        """)
    suite = load_suite(path)
    assert len(suite.datasets) == 72 + 0 + 33
    assert all(isinstance(s, OpenMLSpec) and s.task and s.suite is None for s in suite.datasets)
    assert suite.datasets[0].max_rows == 1000
    assert suite.datasets[-1].max_rows is None
    assert (suite.datasets[-1].task, suite.datasets[-1].name) == (360933, "QSAR-TID-10980")
    assert with_overrides(suite, folds=2).datasets == suite.datasets  # no re-expansion


@pytest.mark.parametrize(("entry", "match"), [
    ('suite = "nope"', "no shipped task list for OpenML suite 'nope'"),
    ("task = 1\ndataset = 2", r"exactly one of task, dataset or suite, got \['task', 'dataset'\]"),
    ('task = 1\ntarget = "y"', "target applies to `dataset` entries only"),
    ('suite = "ctr23"\ntask_type = "classification"', "no datasets left"),
])
def test_bad_openml_entries(tmp_path, entry: str, match: str) -> None:
    path = write_suite(tmp_path, f'name = "bad"\n[[datasets]]\nsource = "openml"\n{entry}\n')
    with pytest.raises(ConfigError, match=match) as info:
        load_suite(path)
    assert "\n" not in str(info.value)


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


def test_a_plain_404_page_is_reported_at_once(tmp_path) -> None:
    from tests.openml_server import FakeOpenML, fake_openml

    with fake_openml(FakeOpenML()) as srv:
        wrong = srv.server.replace("/api/v1/xml", "/wrong/api/v1/xml")
        options = OpenMLOptions(cache_dir=tmp_path, server=wrong, retries=3, backoff_s=0.01)
        with pytest.raises(OpenMLNotFound, match=r"does not exist .*\(HTTP 404\)"):
            load_openml(TASK, options=options)
        assert srv.hits["/wrong/api/v1/xml/task/1882"] == 1


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


class _Payload:
    """A pickle that, when loaded, creates a marker file: what a planted cache file could do."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


@pytest.mark.parametrize("planted", ["datasets/2/dataset.pkl.py3", "datasets/2/features.xml.pkl",
                                     "tasks/1882/datasplits.pkl.py3"])
def test_a_planted_pickle_never_runs_and_is_rejected(planted: str, offline, no_network,
                                                      tmp_path: Path) -> None:
    import pickle

    marker = tmp_path / "pwned"
    target = offline.server_dir / planted
    target.write_bytes(pickle.dumps(_Payload(marker)))
    with pytest.warns(CacheWarning, match=r"rejected cache entry: a pickle"):
        data = load_openml(TASK, options=offline)
    assert not marker.exists()
    assert not target.exists()
    assert data.dataset.n_rows == 898


def test_our_arff_parser_gives_openml_pythons_frame(offline) -> None:
    """The pickle-free parser returns exactly what ``get_data`` returns (so results stay)."""
    from bench.data.openml_files import parse_arff

    arff_file = offline.server_dir / "datasets" / "2" / "dataset.arff"
    ours = parse_arff(arff_file.read_text(encoding="utf-8"))
    with openml_session(offline):
        ds = openml.datasets.get_dataset(2, download_data=True, download_qualities=False,
                                         download_features_meta_data=False)
        theirs, *_ = ds.get_data(target=None, include_row_id=True, include_ignore_attribute=True)
    pd.testing.assert_frame_equal(ours, theirs, check_dtype=False)
    for col in theirs.columns:
        assert str(ours[col].dtype) == str(theirs[col].dtype) or (
            theirs[col].dtype.kind in "uif")


def test_the_md5_is_checked_on_the_bytes_parsed(offline, no_network) -> None:
    arff_file = offline.server_dir / "datasets" / "2" / "dataset.arff"
    arff_file.write_text(arff_file.read_text().replace("@relation", "@RELATION", 1))
    with pytest.raises(CorruptCacheError, match=r"md5 .* does not match OpenML's"):
        load_openml(TASK, options=offline)


def test_the_provenance_names_the_sha256_of_the_bytes_parsed(offline, no_network) -> None:
    import hashlib

    arff_file = offline.server_dir / "datasets" / "2" / "dataset.arff"
    digest = hashlib.sha256(arff_file.read_bytes()).hexdigest()
    data = load_openml(TASK, options=offline).dataset
    assert any(f"SHA-256 of the bytes parsed {digest}" in note for note in data.provenance)
