"""bench.data.openml_files: OpenML's cached files read without pickles, checked against OpenML's md5."""

from __future__ import annotations

import hashlib
from pathlib import Path

import openml
import pandas as pd
import pytest

from bench.data.cache import CorruptCacheError
from bench.data.openml import CacheWarning, load_openml
from bench.data.openml_client import openml_session
from bench.data.openml_files import parse_arff, read_data_file, reject_pickles
from tests.openml_data import TASK

pytest_plugins = ("tests.openml_fixtures",)


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


TRUE_FALSE_ARFF = ("@relation r\n@attribute flag {TRUE,FALSE}\n@attribute colour {red,blue}\n"
                   "@data\nTRUE,red\nFALSE,blue\n?,red\n")


def test_a_true_false_attribute_becomes_booleans() -> None:
    assert list(parse_arff(TRUE_FALSE_ARFF)["flag"].cat.categories) == [True, False]


def test_nominal_levels_keep_their_declared_order() -> None:
    assert list(parse_arff(TRUE_FALSE_ARFF)["colour"].cat.categories) == ["red", "blue"]


def test_a_missing_nominal_value_stays_missing() -> None:
    assert parse_arff(TRUE_FALSE_ARFF)["flag"].isna().tolist() == [False, False, True]


def test_the_sha256_returned_is_of_the_bytes_read(tmp_path: Path) -> None:
    path = tmp_path / "dataset.arff"
    path.write_text(TRUE_FALSE_ARFF, encoding="utf-8")
    _, digest = read_data_file(path, md5=None, offline=True)
    assert digest == hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_wrong_md5_online_deletes_the_file(tmp_path: Path) -> None:
    path = tmp_path / "dataset.arff"
    path.write_text(TRUE_FALSE_ARFF, encoding="utf-8")
    with pytest.raises(CorruptCacheError, match="; deleted$"):
        read_data_file(path, md5="0" * 32, offline=False)
    assert not path.exists()


def test_an_unparsable_file_is_reported_by_name(tmp_path: Path) -> None:
    path = tmp_path / "dataset.arff"
    path.write_text("@relation r\n@attribute a NUMERIC\n@data\nnot-a-number\n", encoding="utf-8")
    with pytest.raises(CorruptCacheError, match="corrupt cached file: cannot be parsed") as info:
        read_data_file(path, md5=None, offline=True)
    assert info.value.path == path


def test_reject_pickles_returns_the_pickles_it_removed(tmp_path: Path) -> None:
    (tmp_path / "features.xml.pkl").write_bytes(b"x")
    (tmp_path / "dataset.arff").write_text("kept")
    with pytest.warns(CacheWarning, match="rejected cache entry"):
        found = reject_pickles([tmp_path])
    assert found == [tmp_path / "features.xml.pkl"]


def test_reject_pickles_leaves_other_files(tmp_path: Path) -> None:
    (tmp_path / "dataset.pkl.py3").write_bytes(b"x")
    (tmp_path / "dataset.arff").write_text("kept")
    with pytest.warns(CacheWarning):
        reject_pickles([tmp_path])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dataset.arff"]
