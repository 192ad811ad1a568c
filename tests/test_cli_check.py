"""bench.cli.check: `bench check` prints every problem of a suite and its data at once, then exits 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.helpers import invoke_cli, write_suite


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
    code, output = invoke_cli("check", str(mistakes))
    assert code == 2
    assert line in output


def test_dry_run_reports_the_data_problems_and_exits_2(mistakes: Path) -> None:
    mistakes.write_text(mistakes.read_text().replace('folds = "3"', "folds = 3"))
    code, output = invoke_cli("run", str(mistakes), "--dry-run")
    assert code == 2
    assert "5 problems in suite mistakes:" in output


def test_every_line_names_one_problem_once(mistakes: Path) -> None:
    _, output = invoke_cli("check", str(mistakes))
    lines = [x for x in output.splitlines() if x.startswith("  ")]
    assert len(lines) == len(set(lines)) == 6


def test_a_clean_suite_passes(tmp_path: Path) -> None:
    suite = write_suite(tmp_path, '[[datasets]]\nsource = "embedded"\nname = "iris"\n')
    code, output = invoke_cli("check", str(suite))
    assert (code, "1 datasets checked, no problems" in output) == (0, True)


def test_check_imports_neither_torch_nor_xgboost(tmp_path: Path) -> None:
    suite = write_suite(tmp_path, '[[datasets]]\nsource = "embedded"\nname = "iris"\n')
    script = ("import json, sys\nfrom bench.cli import app\ntry:\n    app(sys.argv[1:])\n"
              "except SystemExit:\n    pass\n"
              "print(json.dumps([m for m in ('torch', 'xgboost') if m in sys.modules]))")
    proc = subprocess.run([sys.executable, "-c", script, "check", str(suite)],
                          capture_output=True, text=True, timeout=300)
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == []


def test_task_infer_in_the_suite_prints_the_guess_too(tmp_path: Path) -> None:
    pd.DataFrame({"x": np.arange(12.0), "y": np.arange(12) % 3}).to_csv(tmp_path / "t.csv",
                                                                       index=False)
    suite = write_suite(tmp_path, "[run]\nfolds = 2\n[[datasets]]\nsource = 'local'\n"
                                  "path = 't.csv'\ntarget = 'y'\ntask = 'infer'\n")
    code, output = invoke_cli("check", str(suite))
    assert (code, "t: task inferred as classification" in output) == (0, True)


def test_a_suite_key_problem_is_listed_with_the_data_checked(tmp_path: Path) -> None:
    suite = write_suite(tmp_path, "name = 'x'\n[run]\nfold = 3\n[[datasets]]\n"
                                  "source = 'embedded'\nname = 'iris'\n")
    code, output = invoke_cli("check", str(suite))
    assert code == 2
    assert "1 problem in suite x:" in output
