"""``bench check`` and ``bench run --dry-run``: every problem of a suite's data, at once, exit 2."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from bench.check import (
    Shape,
    _meminfo_available,
    check_suite,
    memory_warnings,
    unit_memory,
)
from bench.cli import app
from bench.data import OpenMLOptions
from bench.suite_loader import load_suite
from tests.helpers import write_suite
from tests.test_data_task_inference import AMBIGUOUS, FIXTURE

OPENML_DATA = Path(__file__).parent / "data" / "openml"
TEST_SERVER = "https://test.openml.org/api/v1/xml"


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output  # stdout and stderr together


@pytest.fixture
def mistakes(tmp_path: Path) -> Path:
    """The input mistakes of issue 16 (plus an ambiguous task, unknown columns, a rare class)."""
    rng = np.random.default_rng(0)
    wide = {f"f{i}": rng.normal(size=30) for i in range(50)}
    pd.DataFrame({**wide, "Outcome": rng.choice(["a", "b"], 30)}).to_csv(
        tmp_path / "wide.csv", index=False)
    pd.DataFrame({"age": rng.normal(size=30), "Income": rng.normal(size=30),
                  "label": rng.integers(1, 5, 30)}).to_csv(tmp_path / "people.csv", index=False)
    pd.DataFrame({"x": rng.normal(size=12), "target": ["a"] * 10 + ["b"] * 2}).to_csv(
        tmp_path / "rare.csv", index=False)
    return write_suite(tmp_path, """
        name = "mistakes"
        [run]
        folds = "3"
        encoders = ["pca"]
        [[datasets]]
        source = "local"
        path = "missing.csv"
        [[datasets]]
        source = "local"
        path = "wide.csv"
        target = "outcome"
        [[datasets]]
        source = "local"
        path = "people.csv"
        target = "label"
        categorical = ["income"]
        [[datasets]]
        source = "local"
        path = "rare.csv"
        [[datasets]]
        source = "embedded"
        name = "iris"
        """, name="mistakes")


@pytest.mark.parametrize("line", [
    "6 problems in suite mistakes:",
    "run.folds: Input should be a valid integer, got '3' (a string: write the value without quotes)",
    "missing: ",
    "missing.csv: file not found",
    "wide: target column 'outcome' not found (did you mean 'Outcome'?); columns are: f0, f1,",
    "f39, ..., Outcome, ... (51 columns)",
    "people: categorical columns not in the table: ['income'] (did you mean 'income' → 'Income'?)",
    "people: the task is ambiguous: the target has 4 distinct whole-number values (1, 2, 3, 4); "
    'add `task = "classification"` (or "regression") to its [[datasets]] entry, or pass '
    "--infer-tasks to use the guess (classification)",
    "rare: classes 'b' (2) have fewer than 3 rows, so stratified 3-fold CV cannot put one in",
])
def test_check_reports_every_mistake_at_once(mistakes: Path, line: str) -> None:
    code, output = _invoke("check", str(mistakes))
    assert code == 2
    assert line in output


def test_dry_run_reports_the_data_problems_and_exits_2(mistakes: Path) -> None:
    mistakes.write_text(mistakes.read_text().replace('folds = "3"', "folds = 3"))
    code, output = _invoke("run", str(mistakes), "--dry-run")
    assert code == 2
    assert "5 problems in suite mistakes:" in output


def test_every_line_names_one_problem_once(mistakes: Path) -> None:
    _, output = _invoke("check", str(mistakes))
    lines = [x for x in output.splitlines() if x.startswith("  ")]
    assert len(lines) == len(set(lines)) == 6


def test_a_clean_suite_passes(tmp_path: Path) -> None:
    suite = write_suite(tmp_path, '[[datasets]]\nsource = "embedded"\nname = "iris"\n')
    code, output = _invoke("check", str(suite))
    assert (code, "1 datasets checked, no problems" in output) == (0, True)


def test_a_plan_without_rows_is_a_problem(tmp_path: Path) -> None:
    suite = write_suite(tmp_path, """
        [run]
        feature_sets = ["emb"]
        encoders = []
        [[datasets]]
        source = "embedded"
        name = "iris"
        """)
    code, output = _invoke("run", str(suite), "--dry-run")
    assert code == 2
    assert "the plan has no result rows" in output


def test_a_plan_without_rows_stops_a_run(tmp_path: Path) -> None:
    suite = write_suite(tmp_path, """
        [run]
        feature_sets = ["emb"]
        encoders = []
        [[datasets]]
        source = "embedded"
        name = "iris"
        """)
    code, output = _invoke("run", str(suite), "--out", str(tmp_path / "o"), "--quiet")
    assert (code, (tmp_path / "o").exists()) == (2, False)


# -- the 45 PMLB datasets as local files without `task` keys ------------------------------------


@pytest.fixture(scope="module")
def pmlb_suite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Each dataset's real header and target column (features left empty) and a suite of all."""
    folder = tmp_path_factory.mktemp("pmlb")
    frame = pd.read_parquet(FIXTURE)
    entries = []
    for row in frame.itertuples():
        values = row.target_int if row.target_int is not None else row.target_float
        text = ([str(int(v)) for v in values] if row.target_int is not None
                else [repr(float(v)) for v in values])
        table = pd.DataFrame({c: "" for c in row.columns}, index=range(len(text)))
        table["target"] = text
        table.to_csv(folder / f"{row.dataset}.tsv", sep="\t", index=False)
        entries.append(f'[[datasets]]\nsource = "local"\npath = "{row.dataset}.tsv"\n')
    return write_suite(folder, "name = 'pmlb45'\n[run]\nencoders = ['pca']\n" + "".join(entries),
                       name="pmlb45")


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


def test_run_stops_before_any_work_with_the_list(pmlb_suite: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    code, output = _invoke("run", str(pmlb_suite), "--out", str(out), "--quiet")
    assert (code, out.exists(), "24 problems in suite pmlb45:" in output) == (2, False, True)


def test_dry_run_with_infer_tasks_prints_each_guess(pmlb_suite: Path) -> None:
    code, output = _invoke("run", str(pmlb_suite), "--dry-run", "--infer-tasks")
    assert code == 0
    assert ("letter: task inferred as classification (--infer-tasks): the target has 26 distinct "
            "whole-number values (1, 2, 3, 4, 5, ...)") in output
    assert output.count("task inferred as") == len(AMBIGUOUS)


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


# -- light -----------------------------------------------------------------------------------------


def test_check_imports_neither_torch_nor_xgboost(tmp_path: Path) -> None:
    suite = write_suite(tmp_path, '[[datasets]]\nsource = "embedded"\nname = "iris"\n')
    script = ("import json, sys\nfrom bench.cli import app\ntry:\n    app(sys.argv[1:])\n"
              "except SystemExit:\n    pass\n"
              "print(json.dumps([m for m in ('torch', 'xgboost') if m in sys.modules]))")
    proc = subprocess.run([sys.executable, "-c", script, "check", str(suite)],
                          capture_output=True, text=True, timeout=300)
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == []


# -- --infer-tasks through a real run: printed, in the manifest, in the report ----------------


@pytest.fixture(scope="module")
def inferred_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("infer")
    rng = np.random.default_rng(0)
    pd.DataFrame({"a": rng.normal(size=60), "b": rng.normal(size=60),
                  "grade": np.arange(60) % 3 + 1}).to_csv(folder / "grades.csv", index=False)
    suite = write_suite(folder, """
        name = "infer"
        [run]
        folds = 2
        encoders = []
        feature_sets = ["raw"]
        [xgboost]
        n_estimators = 5
        [[datasets]]
        source = "local"
        path = "grades.csv"
        target = "grade"
        """)
    out = folder / "run"
    code, output = _invoke("run", str(suite), "--out", str(out), "--quiet", "--device", "cpu",
                           "--infer-tasks")
    assert code == 0, output
    return out, output


def test_infer_tasks_prints_the_guess(inferred_run: tuple[Path, str]) -> None:
    assert ("grades: task inferred as classification (--infer-tasks): the target has 3 distinct "
            "whole-number values (1, 2, 3)") in inferred_run[1]


def test_infer_tasks_is_stored_in_the_manifest(inferred_run: tuple[Path, str]) -> None:
    manifest = json.loads((inferred_run[0] / "manifest.json").read_text())
    assert (manifest["config"]["datasets"][0]["task"], manifest["datasets"]["grades"]["task"],
            manifest["datasets"]["grades"]["task_inferred"]) == ("infer", "multiclass", True)


def test_infer_tasks_is_shown_in_the_report(inferred_run: tuple[Path, str]) -> None:
    report = (inferred_run[0] / "report.md").read_text()
    assert "grades (multiclass, inferred)" in report


def test_a_parquet_file_is_checked_from_its_schema(tmp_path: Path) -> None:
    pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "Target": ["a", "b", "a", "b"]}).to_parquet(
        tmp_path / "t.parquet")
    suite = write_suite(tmp_path, "[run]\nfolds = 2\n[[datasets]]\nsource = 'local'\n"
                                  "path = 't.parquet'\n")
    result = check_suite(load_suite(suite), options=OpenMLOptions.from_env(offline=True))
    assert [p.message for p in result.problems] == [
        "target column 'target' not found (did you mean 'Target'?); columns are: x, Target"]


def test_dry_run_shows_a_memory_estimate_per_dataset(tmp_path: Path) -> None:
    suite = write_suite(tmp_path, '[run]\nencoders = ["pca"]\n[[datasets]]\nsource = "embedded"\n'
                                  'name = "iris"\n')
    code, output = _invoke("run", str(suite), "--dry-run")
    assert (code, "memory at once (est.)" in output, "memory available now:" in output) == (
        0, True, True)


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


def test_task_infer_in_the_suite_prints_the_guess_too(tmp_path: Path) -> None:
    pd.DataFrame({"x": np.arange(12.0), "y": np.arange(12) % 3}).to_csv(tmp_path / "t.csv",
                                                                       index=False)
    suite = write_suite(tmp_path, "[run]\nfolds = 2\n[[datasets]]\nsource = 'local'\n"
                                  "path = 't.csv'\ntarget = 'y'\ntask = 'infer'\n")
    code, output = _invoke("check", str(suite))
    assert (code, "t: task inferred as classification" in output) == (0, True)


def test_the_hostile_files_are_caught_from_header_and_target(tmp_path: Path) -> None:
    """The unreadable files, wrong target, single class and too few rows of tests/test_hostile,
    all in one check (bad feature values need the whole table: the run reports those)."""
    from tests.test_hostile import _files, _suite

    suite = load_suite(_suite(tmp_path, _files(tmp_path)))
    result = check_suite(suite, options=OpenMLOptions.from_env(offline=True))
    assert [p.dataset for p in result.problems] == [
        "corrupt", "truncated_gz", "truncated", "no_target", "one_class", "dup_csv",
        "dup_parquet", "too_few_rows"]
