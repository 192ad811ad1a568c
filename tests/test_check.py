"""``bench check`` and ``bench run --dry-run``: every problem of a suite's data, at once, exit 2."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from bench.check import (
    Shape,
    _meminfo_available,
    check_suite,
    memory_warnings,
    unit_memory,
)
from bench.data import OpenMLOptions
from bench.suite_loader import load_suite
from tests.helpers import write_pmlb_suite, write_suite
from tests.test_data_task_inference import AMBIGUOUS, FIXTURE

OPENML_DATA = Path(__file__).parent / "data" / "openml"
TEST_SERVER = "https://test.openml.org/api/v1/xml"


# -- the 45 PMLB datasets as local files without `task` keys ------------------------------------


@pytest.fixture(scope="module")
def pmlb_suite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Each dataset's real header and target column (features left empty) and a suite of all."""
    return write_pmlb_suite(tmp_path_factory.mktemp("pmlb"))


def _tasks() -> dict[str, str]:
    frame = pd.read_parquet(FIXTURE, columns=["dataset", "task"])
    return dict(zip(frame["dataset"], frame["task"], strict=True))


def test_pmlb_suite_lists_exactly_the_ambiguous_datasets(pmlb_suite: Path) -> None:
    result = check_suite(load_suite(pmlb_suite), options=OpenMLOptions.from_env(offline=True))
    assert {p.dataset for p in result.problems} == AMBIGUOUS


def test_pmlb_problems_are_all_about_the_task(pmlb_suite: Path) -> None:
    result = check_suite(load_suite(pmlb_suite), options=OpenMLOptions.from_env(offline=True))
    assert {p.message.split(":")[0] for p in result.problems} == {"the task is ambiguous"}


def test_pmlb_each_message_names_the_right_key(pmlb_suite: Path) -> None:
    tasks = _tasks()
    result = check_suite(load_suite(pmlb_suite), options=OpenMLOptions.from_env(offline=True))
    wrong = [p.dataset for p in result.problems
             if f'add `task = "{tasks[p.dataset]}"`' not in p.message]
    assert wrong == []


def test_pmlb_guesses_are_all_right(pmlb_suite: Path) -> None:
    tasks = _tasks()
    result = check_suite(load_suite(pmlb_suite), options=OpenMLOptions.from_env(offline=True),
                         infer_tasks=True)
    assert (result.problems, {n: g.task for n, g in result.guesses.items()}) == (
        (), {n: tasks[n] for n in AMBIGUOUS})


def test_infer_tasks_marks_only_the_ambiguous_entries(pmlb_suite: Path) -> None:
    result = check_suite(load_suite(pmlb_suite), options=OpenMLOptions.from_env(offline=True),
                         infer_tasks=True)
    marked = {spec.path.stem for spec in result.suite.datasets if spec.task == "infer"}
    assert marked == AMBIGUOUS


# -- OpenML entries: from the cache, never the network ------------------------------------------


@pytest.fixture
def openml_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BENCH_OPENML_SERVER", TEST_SERVER)
    monkeypatch.setenv("BENCH_CACHE_DIR", str(tmp_path / "cache"))
    shutil.copytree(OPENML_DATA / "org", tmp_path / "cache" / "openml" / "org")
    return tmp_path / "cache"


def test_cached_openml_task_passes_offline(openml_cache: Path, tmp_path: Path) -> None:
    suite = write_suite(tmp_path, "[[datasets]]\nsource = 'openml'\ntask = 1882\n"
                                  "[run]\nmax_official_repeats = 1\nmax_official_folds = 2\n")
    result = check_suite(load_suite(suite), options=OpenMLOptions.from_env(offline=True))
    assert (result.problems, result.shapes["task-1882"].rows) == ((), 898)


def test_uncached_openml_task_is_a_problem_offline(openml_cache: Path, tmp_path: Path) -> None:
    suite = write_suite(tmp_path, "[[datasets]]\nsource = 'openml'\ntask = 999999\n"
                                  "[run]\nmax_official_repeats = 1\nmax_official_folds = 2\n")
    result = check_suite(load_suite(suite), options=OpenMLOptions.from_env(offline=True))
    assert [p.message.split(" is not in the cache")[0] for p in result.problems] == [
        "OpenML task 999999"]


# -- memory --------------------------------------------------------------------------------------


def test_memory_warning_when_a_unit_will_not_fit(tmp_path: Path) -> None:
    suite = load_suite(write_suite(tmp_path, '[[datasets]]\nsource = "embedded"\nname = "iris"\n'))
    warnings = memory_warnings(suite, {"big": Shape(1_000_000, 500)}, available=2**30)
    assert len(warnings) == 1
    assert warnings[0].startswith("big: its work units need about")


def test_no_memory_warning_when_it_fits(tmp_path: Path) -> None:
    suite = load_suite(write_suite(tmp_path, '[[datasets]]\nsource = "embedded"\nname = "iris"\n'))
    assert memory_warnings(suite, {"iris": Shape(150, 4)}, available=2**30) == ()


def test_memory_estimate_counts_the_table(tmp_path: Path) -> None:
    suite = load_suite(write_suite(tmp_path, "[run]\nencoders = []\nfeature_sets = ['raw']\n"
                                             "folds = 2\n[[datasets]]\nsource = 'embedded'\n"
                                             "name = 'iris'\n"))
    # 2 splits at once x 4 copies x 1000 rows x 10 columns x 8 bytes
    assert unit_memory(suite, Shape(1000, 10)) == 2 * 4 * 1000 * 10 * 8


def test_meminfo_is_read_when_psutil_is_missing(tmp_path: Path) -> None:
    path = tmp_path / "meminfo"
    path.write_text("MemTotal:       16000000 kB\nMemAvailable:    8000000 kB\n")
    assert _meminfo_available(path) == 8_000_000 * 1024


# -- --infer-tasks through a real run: printed, in the manifest, in the report ----------------


def test_a_parquet_file_is_checked_from_its_schema(tmp_path: Path) -> None:
    pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "Target": ["a", "b", "a", "b"]}).to_parquet(
        tmp_path / "t.parquet")
    suite = write_suite(tmp_path, "[run]\nfolds = 2\n[[datasets]]\nsource = 'local'\n"
                                  "path = 't.parquet'\n")
    result = check_suite(load_suite(suite), options=OpenMLOptions.from_env(offline=True))
    assert [p.message for p in result.problems] == [
        "target column 'target' not found (did you mean 'Target'?); columns are: x, Target"]


def test_openml_dataset_target_typo_names_the_column(openml_cache: Path, tmp_path: Path) -> None:
    suite = write_suite(tmp_path, "[[datasets]]\nsource = 'openml'\ndataset = 2\ntarget = 'Clas'\n")
    result = check_suite(load_suite(suite), options=OpenMLOptions.from_env(offline=True))
    assert [p.message.split("; columns are")[0] for p in result.problems] == [
        "OpenML dataset 2 has no column 'Clas' (did you mean 'class'?)"]


def test_an_arff_file_is_checked(tmp_path: Path) -> None:
    (tmp_path / "t.arff").write_text(
        "@relation t\n@attribute x numeric\n@attribute grade {low,high}\n@data\n"
        + "".join(f"{i},{'low' if i % 2 else 'high'}\n" for i in range(10)))
    suite = write_suite(tmp_path, "[run]\nfolds = 2\n[[datasets]]\nsource = 'local'\n"
                                  "path = 't.arff'\ntarget = 'grade'\n")
    result = check_suite(load_suite(suite), options=OpenMLOptions.from_env(offline=True))
    assert (result.problems, result.shapes["t"]) == ((), (10, 1))


def test_the_hostile_files_are_caught_from_header_and_target(tmp_path: Path) -> None:
    """The unreadable files, wrong target, single class and too few rows of tests/test_hostile,
    all in one check (bad feature values need the whole table: the run reports those)."""
    from tests.test_hostile import _files, _suite

    suite = load_suite(_suite(tmp_path, _files(tmp_path)))
    result = check_suite(suite, options=OpenMLOptions.from_env(offline=True))
    assert [p.dataset for p in result.problems] == [
        "corrupt", "truncated_gz", "truncated", "no_target", "one_class", "dup_csv",
        "dup_parquet", "too_few_rows"]
