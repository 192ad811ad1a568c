"""bench.data.openml_suites: the shipped task lists of OpenML suites and their expansion in a suite."""

from __future__ import annotations

import pytest

from bench.config import OpenMLSpec
from bench.data.openml_suites import find_suite_list, shipped_suite_lists
from bench.errors import ConfigError
from bench.suite_loader import load_suite, with_overrides
from tests.helpers import write_suite


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
