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
    assert suite.run.folds == 3
    assert suite.run.seeds == [0, 1]
    assert set(suite.run.encoders) >= {"ae", "mlp", "pca"}
    assert {s.source for s in suite.datasets} == {"embedded"}
    assert 10 <= len(suite.datasets) <= 16


def test_defaults_and_overrides(tmp_path: Path) -> None:
    path = write_suite(tmp_path, "[[datasets]]\nsource='embedded'\nname='iris'\n", name="mini")
    suite = load_suite(path)
    assert suite.name == "mini"  # from the file name when not given
    assert suite.run.feature_sets == ["raw", "emb", "raw+emb"]
    changed = with_overrides(suite, folds=5, seeds=[3, 4], encoders=None)
    assert changed.run.folds == 5
    assert changed.run.seeds == [3, 4]
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


@pytest.mark.parametrize(
    ("body", "match"),
    [
        ('[run]\nfolds = "3"', r"run.folds: Input should be a valid integer, got '3' \(a string"),
        ('[run]\nrepeats = "2"', r"run.repeats: Input should be a valid integer"),
        ('[run]\nseeds = ["1"]', r"run.seeds.0: Input should be a valid integer"),
        ("[run]\nfolds = 3.0", r"run.folds: Input should be a valid integer, got 3.0"),
        ('[run]\nuse_official_splits = "yes"', r"run.use_official_splits: Input should be a valid"),
        ("[run]\nuse_official_splits = 1", r"run.use_official_splits: Input should be a valid"),
        ('[xgboost]\nn_estimators = "10"', r"xgboost.n_estimators: Input should be a valid int"),
        ('[xgboost]\nmax_depth = "3"', r"xgboost.max_depth: Input should be a valid integer"),
        ('[xgboost]\nlearning_rate = "0.1"', r"xgboost.learning_rate: Input should be a valid"),
        ('seed = "7"', r"seed: Input should be a valid integer"),
    ],
)
def test_strings_are_not_coerced(tmp_path: Path, body: str, match: str) -> None:
    path = write_suite(tmp_path, f"name='x'\n{body}\n[[datasets]]\nsource='embedded'\nname='iris'\n")
    with pytest.raises(ConfigError, match=match):
        load_suite(path)


@pytest.mark.parametrize(
    ("body", "match"),
    [
        ("seed = -1", r"seed: Input should be greater than or equal to 0"),
        ("seed = 4294967296", r"seed: Input should be less than 4294967296"),
        ("seed = 9223372036854775808", r"seed: Input should be less than 4294967296"),
        ("[run]\nseeds = [0, 4294967296]", r"run.seeds.1: Input should be less than 4294967296"),
        ("[run]\nseeds = [-3]", r"run.seeds.0: Input should be greater than or equal to 0"),
    ],
)
def test_seeds_are_32_bit_unsigned(tmp_path: Path, body: str, match: str) -> None:
    path = write_suite(tmp_path, f"name='x'\n{body}\n[[datasets]]\nsource='embedded'\nname='iris'\n")
    with pytest.raises(ConfigError, match=match):
        load_suite(path)


def test_largest_seed_is_accepted(tmp_path: Path) -> None:
    body = "seed = 4294967295\n[run]\nseeds = [4294967295]\n[[datasets]]\nsource='embedded'\nname='iris'\n"
    suite = load_suite(write_suite(tmp_path, body))
    assert (suite.seed, suite.run.seeds) == (2**32 - 1, [2**32 - 1])


def test_a_float_is_accepted_where_a_float_is_expected(tmp_path: Path) -> None:
    body = "[xgboost]\nlearning_rate = 1\n[[datasets]]\nsource='embedded'\nname='iris'\n"
    assert load_suite(write_suite(tmp_path, body)).xgboost.learning_rate == 1.0


def test_task_infer_is_a_local_task_value(tmp_path: Path) -> None:
    body = "[[datasets]]\nsource='local'\npath='t.csv'\ntask='infer'\n"
    assert load_suite(write_suite(tmp_path, body)).datasets[0].task == "infer"


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ("epochs = 10001", r"encoders.ae: epochs"),
        ("patience = 1001", r"encoders.ae: patience"),
        ("hidden = [100000000]", r"encoders.ae: hidden must have at most 16 layers of at most 16384"),
        ("hidden = [8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8]", r"at most 16 layers"),
        ('epochs = "5"', r"encoders.ae: epochs"),
    ],
)
def test_network_bounds_from_a_suite_file(tmp_path: Path, params: str, match: str) -> None:
    body = f"[encoders.ae]\n{params}\n[[datasets]]\nsource='embedded'\nname='iris'\n"
    with pytest.raises(ConfigError, match=match):
        load_suite(write_suite(tmp_path, body))


@pytest.mark.parametrize("params", ["epochs = 10001", "patience = 1001", "hidden = [20000]"])
def test_allow_large_lifts_the_bounds(tmp_path: Path, params: str) -> None:
    body = f"[encoders.ae]\nallow_large = true\n{params}\n[[datasets]]\nsource='embedded'\nname='iris'\n"
    assert load_suite(write_suite(tmp_path, body)).encoders["ae"]["allow_large"] is True


def test_xgboost_extra_parameters_are_not_quoted_numbers(tmp_path: Path) -> None:
    body = "[xgboost]\nmax_bin = '256'\n[[datasets]]\nsource='embedded'\nname='iris'\n"
    with pytest.raises(ConfigError, match=r"xgboost: \['max_bin'\] must be numbers, however"):
        load_suite(write_suite(tmp_path, body))


def test_xgboost_text_parameters_stay_text(tmp_path: Path) -> None:
    body = "[xgboost]\ngrow_policy = 'lossguide'\n[[datasets]]\nsource='embedded'\nname='iris'\n"
    assert load_suite(write_suite(tmp_path, body)).xgboost.model_extra == {"grow_policy": "lossguide"}
