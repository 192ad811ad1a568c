"""bench.suite_loader: reading, validating and overriding a suite file (torch-free)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bench.config import OpenMLSpec
from bench.errors import ConfigError
from bench.suite_loader import load_suite, load_suite_data, load_suite_problems, with_overrides
from tests.helpers import write_suite

IRIS = '[[datasets]]\nsource = "embedded"\nname = "iris"\n'


def _load(tmp_path: Path, body: str):
    return load_suite(write_suite(tmp_path, body + "\n" + IRIS, name="s"))


def _error(tmp_path: Path, body: str) -> str:
    with pytest.raises(ConfigError) as info:
        _load(tmp_path, body)
    return str(info.value)


def test_a_shipped_suite_loads_by_name() -> None:
    assert load_suite("quick").name == "quick"


def test_the_name_defaults_to_the_file_stem(tmp_path: Path) -> None:
    assert _load(tmp_path, "").name == "s"


def test_the_base_dir_is_the_suite_folder(tmp_path: Path) -> None:
    assert _load(tmp_path, "").base_dir == tmp_path


def test_not_valid_toml_is_a_config_error(tmp_path: Path) -> None:
    assert "not valid TOML" in _error(tmp_path, "[run\n")


def test_errors_name_the_file(tmp_path: Path) -> None:
    assert _error(tmp_path, "[run]\nfolds = 1").startswith(str(tmp_path / "s.toml"))


def test_an_unknown_key_is_named(tmp_path: Path) -> None:
    assert _error(tmp_path, "[run]\nfoldz = 3").endswith("run.foldz: unknown key")


def test_a_missing_key_is_named() -> None:
    with pytest.raises(ConfigError, match=r"^w: datasets: required key is missing$"):
        load_suite_data({"name": "x"}, where="w")


def test_further_problems_are_counted(tmp_path: Path) -> None:
    assert _error(tmp_path, "[run]\nfoldz = 3\nseedz = 1").endswith("(and 1 more problem)")


def test_the_bad_value_is_shown(tmp_path: Path) -> None:
    assert _error(tmp_path, "[run]\nfolds = 'three'").endswith("got 'three'")


def test_encoder_parameters_are_checked_at_load(tmp_path: Path) -> None:
    assert "encoders.ae: latent must be >= 1, however: 0" in _error(tmp_path, "[encoders.ae]\nlatent = 0")


def test_encoders_of_the_run_are_checked_even_without_a_block(tmp_path: Path) -> None:
    assert "unknown encoder 'tabnet'" in _error(tmp_path, '[run]\nencoders = ["tabnet"]')


def test_an_openml_suite_entry_expands_into_its_shipped_tasks(tmp_path: Path) -> None:
    suite = load_suite(write_suite(tmp_path, '[[datasets]]\nsource = "openml"\nsuite = "cc18"\n'))
    assert len(suite.datasets) == 72


def test_expanded_entries_are_openml_entries(tmp_path: Path) -> None:
    suite = load_suite(write_suite(tmp_path, '[[datasets]]\nsource = "openml"\nsuite = "cc18"\n'))
    assert {type(s) for s in suite.datasets} == {OpenMLSpec}


def test_expanded_entries_are_the_shipped_tasks_in_order(tmp_path: Path) -> None:
    suite = load_suite(write_suite(tmp_path, '[[datasets]]\nsource = "openml"\nsuite = "cc18"\n'))
    assert [s.task for s in suite.datasets[:4]] == [3, 6, 11, 12]


def test_a_task_type_that_filters_out_every_task_is_an_error(tmp_path: Path) -> None:
    body = '[[datasets]]\nsource = "openml"\nsuite = "cc18"\ntask_type = "regression"\n'
    with pytest.raises(ConfigError, match="no datasets left after expanding"):
        load_suite(write_suite(tmp_path, body))


def test_with_no_overrides_is_the_same_suite(tmp_path: Path) -> None:
    suite = _load(tmp_path, "")
    assert with_overrides(suite, folds=None) is suite


def test_overrides_replace_run_fields(tmp_path: Path) -> None:
    assert with_overrides(_load(tmp_path, ""), folds=4).run.folds == 4


def test_overrides_keep_the_base_dir(tmp_path: Path) -> None:
    assert with_overrides(_load(tmp_path, ""), folds=4).base_dir == tmp_path


def test_bad_overrides_say_they_come_from_the_command_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="with command-line overrides: run.folds"):
        with_overrides(_load(tmp_path, ""), folds=1)


def test_validating_a_suite_never_imports_torch() -> None:
    code = ("import sys; from bench.suite_loader import load_suite; load_suite('quick'); "
            "print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- load_suite_problems: every problem of a suite file at once --------------------------------

BROKEN = """
name = "broken"
seed = -1
[run]
folds = "3"
repeats = 0
[xgboost]
n_estimators = "10"
[[datasets]]
source = "embedded"
name = "iris"
[[datasets]]
source = "local"
path = "t.csv"
colour = "blue"
"""


def test_every_structural_problem_is_listed(tmp_path: Path) -> None:
    _, problems = load_suite_problems(write_suite(tmp_path, BROKEN))
    keys = sorted(p.split(": ")[1] for p in problems)
    assert keys == ["datasets.1.colour", "run.folds", "run.repeats", "seed", "xgboost.n_estimators"]


def test_the_rest_of_the_suite_is_kept_for_the_data_checks(tmp_path: Path) -> None:
    suite, _ = load_suite_problems(write_suite(tmp_path, BROKEN))
    assert suite is not None
    assert [d.source for d in suite.datasets] == ["embedded"]  # the broken entry left out


def test_faulty_keys_fall_back_to_their_defaults(tmp_path: Path) -> None:
    suite, _ = load_suite_problems(write_suite(tmp_path, BROKEN))
    assert suite is not None
    assert (suite.run.folds, suite.seed, suite.xgboost.n_estimators) == (3, 0, 300)


def test_a_valid_suite_has_no_problems(tmp_path: Path) -> None:
    body = "[[datasets]]\nsource = 'embedded'\nname = 'iris'\n"
    suite, problems = load_suite_problems(write_suite(tmp_path, body))
    assert (suite is not None, problems) == (True, [])


def test_encoder_problems_still_leave_the_data_to_check(tmp_path: Path) -> None:
    body = "[encoders.ae]\nepochs = 0\n[[datasets]]\nsource = 'embedded'\nname = 'iris'\n"
    suite, problems = load_suite_problems(write_suite(tmp_path, body))
    assert (suite is not None, len(problems)) == (True, 1)


def test_load_suite_names_the_first_problem_and_counts_the_rest(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"\(and 4 more problems\)$"):
        load_suite(write_suite(tmp_path, BROKEN))
