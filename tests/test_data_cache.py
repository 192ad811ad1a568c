"""bench.data.cache: normalized datasets stored as parquet + JSON, checked on every load."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from filelock import FileLock

from bench.data.cache import (
    CorruptCacheError,
    NormalizedStore,
    entry_lock,
    sha256_file,
)
from bench.data.dataset import Dataset
from bench.data.embedded import load_embedded
from bench.data.normalize import normalize
from bench.errors import DataError
from tests.helpers import mixed_frame

KEY = "d31-class"


def _dataset() -> Dataset:
    return normalize(mixed_frame(), target="target", name="mixed", source="local")


@pytest.fixture
def store(tmp_path: Path) -> NormalizedStore:
    """A store holding a table of numbers and text categories under KEY, row ids 100..139."""
    store = NormalizedStore(tmp_path, "test-server")
    store.save(KEY, _dataset(), np.arange(100, 140), {"origin": "test"})
    return store


def test_a_saved_entry_loads_the_same_data(store: NormalizedStore) -> None:
    dataset, _, _ = store.load(KEY)
    assert dataset.content_hash == _dataset().content_hash


def test_a_saved_entry_keeps_its_categories(store: NormalizedStore) -> None:
    dataset, _, _ = store.load(KEY)
    assert list(dataset.X["city"].cat.categories) == ["oslo", "paris", "rome"]


def test_integer_categories_come_back_as_categories(tmp_path: Path) -> None:
    store = NormalizedStore(tmp_path, "test-server")
    car = load_embedded("car")  # its categorical columns hold integer codes
    store.save("car", car, np.arange(len(car.y)), {})
    assert store.load("car")[0].X.dtypes.equals(car.X.dtypes)


def test_an_entry_without_saved_categories_still_types_its_categoricals(tmp_path: Path) -> None:
    store = NormalizedStore(tmp_path, "test-server")
    car = load_embedded("car")
    store.save("car", car, np.arange(len(car.y)), {})
    meta_path = store.entry_dir("car") / "meta.json"
    meta = json.loads(meta_path.read_text())
    del meta["categories"]  # as written before the metadata kept them
    meta_path.write_text(json.dumps(meta))
    assert store.load("car")[0].X.equals(car.X)


def test_a_saved_entry_keeps_its_row_ids(store: NormalizedStore) -> None:
    _, row_ids, _ = store.load(KEY)
    np.testing.assert_array_equal(row_ids, np.arange(100, 140))


def test_extra_metadata_is_stored(store: NormalizedStore) -> None:
    _, _, meta = store.load(KEY)
    assert meta["origin"] == "test"


def test_the_metadata_vouches_for_the_data_file(store: NormalizedStore) -> None:
    meta = store.read_meta(KEY)
    assert meta["sha256"] == sha256_file(store.entry_dir(KEY) / "data.parquet")


def test_an_absent_entry_loads_as_none(store: NormalizedStore) -> None:
    assert store.load("d99-y") is None


def test_keys_lists_the_entries_with_a_prefix(store: NormalizedStore) -> None:
    store.save("d4-y", load_embedded("iris"), np.arange(150), {})
    assert store.keys("d3") == [KEY]


def test_namespaces_keep_entries_apart(store: NormalizedStore) -> None:
    assert NormalizedStore(store.root, "production").load(KEY) is None


def test_a_changed_data_file_fails_its_checksum(store: NormalizedStore) -> None:
    data = store.entry_dir(KEY) / "data.parquet"
    data.write_bytes(data.read_bytes()[:-100])
    with pytest.raises(CorruptCacheError, match="checksum mismatch"):
        store.load(KEY)


def test_the_error_names_the_damaged_file(store: NormalizedStore) -> None:
    data = store.entry_dir(KEY) / "data.parquet"
    data.write_bytes(b"PAR1")
    with pytest.raises(CorruptCacheError) as info:
        store.load(KEY)
    assert info.value.path == data


def test_a_missing_data_file_is_reported(store: NormalizedStore) -> None:
    (store.entry_dir(KEY) / "data.parquet").unlink()
    with pytest.raises(CorruptCacheError, match="has metadata but no data file"):
        store.load(KEY)


def test_unreadable_metadata_is_reported(store: NormalizedStore) -> None:
    (store.entry_dir(KEY) / "meta.json").write_text("{not json")
    with pytest.raises(CorruptCacheError, match="unreadable cache metadata"):
        store.load(KEY)


def test_metadata_of_another_format_is_reported(store: NormalizedStore) -> None:
    (store.entry_dir(KEY) / "meta.json").write_text(json.dumps({"format": 999}))
    with pytest.raises(CorruptCacheError, match="cache metadata of an unknown format"):
        store.load(KEY)


def test_discard_removes_the_entry(store: NormalizedStore) -> None:
    store.discard(KEY)
    assert not store.exists(KEY)


def test_a_held_lock_times_out_with_one_line(tmp_path: Path) -> None:
    other = FileLock(str(tmp_path / "locks" / "d2-class.lock"))
    (tmp_path / "locks").mkdir()
    timed_out = pytest.raises(DataError, match=r"timed out after 0 s waiting for another process")
    with other, timed_out, entry_lock(tmp_path, "d2-class", timeout=0.2):
        pass


def test_the_lock_is_reentrant_within_a_thread(tmp_path: Path) -> None:
    with entry_lock(tmp_path, "k", timeout=0.2), entry_lock(tmp_path, "k", timeout=0.2):
        entered = True
    assert entered
