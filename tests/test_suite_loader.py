"""``load_suite_problems``: every problem of a suite file, and what is left to check its data."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.errors import ConfigError
from bench.suite_loader import load_suite, load_suite_problems
from tests.helpers import write_suite

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
