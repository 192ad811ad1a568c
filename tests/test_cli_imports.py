"""Light commands never import torch or XGBoost; ``--help`` imports none of the heavy stack.

Each command runs in a fresh interpreter (what a user's shell does), then reports which heavy
modules it loaded.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import invoke_cli

BASELINE = Path(__file__).resolve().parent.parent / "results" / "baselines" / "quick-cpu"
TRAINING = ("torch", "xgboost")
HEAVY = (*TRAINING, "pandas", "numpy", "scipy", "sklearn", "matplotlib", "duckdb", "pyarrow",
         "scipy.stats", "baycomp", "openml")
#: What computing an analysis and drawing figures loads; a stored analysis needs none of it.
ANALYSIS = ("scipy.stats", "baycomp", "matplotlib")

_SCRIPT = f"""
import json, sys
from bench.cli import app
try:
    app(sys.argv[1:], prog_name="bench")
except SystemExit as exc:
    code = exc.code
else:
    code = 0
print(json.dumps({{"code": code, "loaded": [m for m in {HEAVY!r} if m in sys.modules]}}))
"""


def _loaded(*args: str) -> dict:
    proc = subprocess.run([sys.executable, "-c", _SCRIPT, *args], capture_output=True, text=True,
                          timeout=300)
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("light") / "quick-cpu"
    shutil.copytree(BASELINE, target)
    return target


@pytest.mark.parametrize("args", [["--help"], ["run", "--help"], ["report", "--help"],
                                  ["--version"]])
def test_help_imports_no_heavy_module(args: list[str]) -> None:
    assert _loaded(*args)["loaded"] == []


def test_report_imports_neither_torch_nor_xgboost(run_dir: Path, tmp_path: Path) -> None:
    result = _loaded("report", str(run_dir), "--format", "md", "--out", str(tmp_path / "r"))
    assert (result["code"], [m for m in result["loaded"] if m in TRAINING]) == (0, [])


def test_a_stored_report_is_rendered_without_scipy_stats_or_matplotlib(
        run_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first report stores its parts (``bench.report.cache``); the second renders them:
    every format, with neither statistics nor drawing libraries loaded."""
    monkeypatch.setenv("BENCH_CACHE_DIR", str(tmp_path / "cache"))
    args = ("report", str(run_dir), "--out", str(tmp_path / "r"))
    first, second = _loaded(*args), _loaded(*args)
    assert sorted(m for m in first["loaded"] if m in ANALYSIS) == sorted(ANALYSIS)
    assert (second["code"], [m for m in second["loaded"] if m in ANALYSIS]) == (0, [])


def test_the_report_of_a_finished_run_is_rendered_from_its_stored_parts(tiny_suite: Path,
                                                                         tmp_path: Path) -> None:
    """`bench run` stores what its report is rendered from; `bench report` of the run, with the
    suite's options, reuses it."""
    out = tmp_path / "run"
    code, output = invoke_cli("run", str(tiny_suite), "--out", str(out), "--quiet", "--device",
                              "cpu", "--encoders", "pca", "--seeds", "1")
    assert code == 0, output
    result = _loaded("report", str(out))
    assert (result["code"], [m for m in result["loaded"] if m in ANALYSIS]) == (0, [])


def test_a_run_without_openml_datasets_does_not_import_openml(tiny_suite: Path,
                                                             tmp_path: Path) -> None:
    result = _loaded("run", str(tiny_suite), "--out", str(tmp_path / "run"), "--quiet",
                     "--device", "cpu", "--encoders", "pca", "--seeds", "1", "--workers", "1")
    assert (result["code"], "openml" in result["loaded"]) == (0, False)


def test_query_imports_neither_torch_nor_xgboost(run_dir: Path) -> None:
    result = _loaded("query", str(run_dir), "SELECT count(*) AS n FROM results")
    assert (result["code"], [m for m in result["loaded"] if m in TRAINING]) == (0, [])


def test_compare_imports_neither_torch_nor_xgboost(run_dir: Path) -> None:
    result = _loaded("compare", str(BASELINE), str(run_dir))
    assert (result["code"], [m for m in result["loaded"] if m in TRAINING]) == (0, [])


def test_suite_validation_is_torch_free() -> None:
    script = ("import sys; from bench.suite_loader import load_suite; load_suite('quick'); "
              "print([m for m in ('torch', 'xgboost') if m in sys.modules])")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120)
    assert proc.stdout.strip() == "[]"


# -- the GPU run path: the GPU machine carries few packages (no DuckDB, maybe no matplotlib) --

_RUN_PATH = """
import json, sys
import bench
import bench.cli.run, bench.pipeline, bench.runner, bench.executors, bench.models, bench.arrays
print(json.dumps([m for m in ("duckdb", "matplotlib", "cupy", "openml") if m in sys.modules]))
"""


@pytest.fixture(scope="module")
def run_path_modules() -> list[str]:
    proc = subprocess.run([sys.executable, "-c", _RUN_PATH], capture_output=True, text=True,
                          timeout=300, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_the_run_path_does_not_import_duckdb(run_path_modules: list[str]) -> None:
    assert "duckdb" not in run_path_modules


def test_the_run_path_does_not_import_matplotlib(run_path_modules: list[str]) -> None:
    assert "matplotlib" not in run_path_modules


def test_the_run_path_imports_cupy_only_for_cuda(run_path_modules: list[str]) -> None:
    assert "cupy" not in run_path_modules


def test_the_run_path_imports_openml_only_for_openml_datasets(run_path_modules: list[str]) -> None:
    assert "openml" not in run_path_modules


def test_import_bench_is_light() -> None:
    script = ("import json, sys, bench; print(json.dumps([m for m in ('duckdb', 'matplotlib', "
              "'torch', 'xgboost') if m in sys.modules]))")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=300, check=True)
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == []
