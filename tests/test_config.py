"""Suite files are validated with messages naming the file, the key and the problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.config import available_suites
from bench.errors import ConfigError
from bench.suite_loader import load_suite, with_overrides
from tests.helpers import write_suite


def test_quick_suite_is_shipped_and_valid() -> None:
    assert "quick" in available_suites()
    suite = load_suite("quick")
    assert suite.run.folds == 3 and suite.run.seeds == [0, 1]
    assert set(suite.run.encoders) >= {"ae", "mlp", "pca"}
    assert {s.source for s in suite.datasets} == {"embedded"}
    assert 10 <= len(suite.datasets) <= 16


def test_defaults_and_overrides(tmp_path: Path) -> None:
    path = write_suite(tmp_path, "[[datasets]]\nsource='embedded'\nname='iris'\n", name="mini")
    suite = load_suite(path)
    assert suite.name == "mini"  # from the file name when not given
    assert suite.run.feature_sets == ["raw", "emb", "raw+emb"]
    changed = with_overrides(suite, folds=5, seeds=[3, 4], encoders=None)
    assert changed.run.folds == 5 and changed.run.seeds == [3, 4]
    assert changed.run.encoders == suite.run.encoders
    assert changed.config_hash() != suite.config_hash()
    assert with_overrides(suite).config_hash() == suite.config_hash()


def test_config_hash_ignores_name_and_description(tmp_path: Path) -> None:
    body = "[[datasets]]\nsource='embedded'\nname='iris'\n"
    a = load_suite(write_suite(tmp_path, f"name='a'\ndescription='x'\n{body}", name="a"))
    b = load_suite(write_suite(tmp_path, f"name='b'\n{body}", name="b"))
    assert a.config_hash() == b.config_hash()


def test_thread_override_enters_the_config_hash(tmp_path: Path) -> None:
    suite = load_suite(write_suite(tmp_path, "[[datasets]]\nsource='embedded'\nname='iris'\n"))
    assert suite.config_hash(threads=2) != suite.config_hash()


def test_no_thread_override_keeps_the_config_hash(tmp_path: Path) -> None:
    suite = load_suite(write_suite(tmp_path, "[[datasets]]\nsource='embedded'\nname='iris'\n"))
    assert suite.config_hash(threads=0) == suite.config_hash()


@pytest.mark.parametrize(
    ("body", "match"),
    [
        ("[run]\nseeds = [1, 1]", r"run.seeds: entries must be unique"),
        ("[run]\nfeature_sets = ['raw', 'pixels']", r"run.feature_sets.1: Input should be"),
        ("[xgboost]\ndevice = 'cuda'", r"set by the harness"),
        ("[encoders.ae]\nrandom_state = 3", r"encoders.ae: \['random_state'\] are set by the"),
        ("[encoders.mlp]\nmode = 'magic'", r"encoders.mlp: mode must be one of crossfit, holdout"),
        ("[encoders.ae]\nhidden = [0]", r"encoders.ae: hidden must be a list of positive"),
        ("[encoders.tabnet]\nlatent = 3", r"unknown encoder 'tabnet'"),
    ],
)
def test_invalid_values(tmp_path: Path, body: str, match: str) -> None:
    path = write_suite(tmp_path, f"name='x'\n{body}\n[[datasets]]\nsource='embedded'\nname='iris'\n")
    with pytest.raises(ConfigError, match=match) as info:
        load_suite(path)
    assert str(info.value).startswith(str(path))


def test_local_path_is_relative_to_the_suite_file(tmp_path: Path) -> None:
    path = write_suite(tmp_path, "name='x'\n[[datasets]]\nsource='local'\npath='d/t.csv'\n")
    suite = load_suite(path)
    assert suite.base_dir == tmp_path
