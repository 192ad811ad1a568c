"""bench.cli (the app entry) end to end: the real CLI on real embedded data, real torch, real
XGBoost, real parquet; bad inputs in one line; Ctrl-C while the command line is imported."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from bench.cli import app
from bench.report.markdown import answer_section
from bench.schema import CLASSIFICATION_METRICS, REGRESSION_METRICS
from tests.helpers import TINY_ENCODERS, TINY_SUITE, write_suite

runner = CliRunner()


def _bench(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the installed entry point in a real subprocess (real exit code and stderr)."""
    return subprocess.run(
        [sys.executable, "-c", "from bench.cli import main; main()", *args],
        capture_output=True, text=True, timeout=600,
    )


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("run")
    suite = write_suite(tmp, TINY_SUITE)
    out = tmp / "out"
    result = runner.invoke(app, ["run", str(suite), "--out", str(out), "--quiet", "--device", "cpu"])
    assert result.exit_code == 0, result.output
    (tmp / "stdout.txt").write_text(result.output, encoding="utf-8")
    return suite, out


def test_run_ends_with_the_reports_answer(tiny_run: tuple[Path, Path]) -> None:
    _, out = tiny_run
    printed = (out.parent / "stdout.txt").read_text(encoding="utf-8")
    answer = answer_section((out / "report.md").read_text(encoding="utf-8"))
    assert printed.rstrip().endswith("Answer:\n" + answer)


def test_run_summary_counts_units_and_rows(tiny_run: tuple[Path, Path]) -> None:
    _, out = tiny_run
    printed = (out.parent / "stdout.txt").read_text(encoding="utf-8")
    # 2 datasets × 2 folds × 2 seeds × (3 encoders + raw) units, 56 rows
    assert "32 units (encoder fits and raw models) gave 56 result rows" in printed


def test_run_writes_every_expected_row(tiny_run: tuple[Path, Path]) -> None:
    _, out = tiny_run
    frame = pd.read_parquet(out / "results.parquet")
    # datasets × repeats × folds × seeds × (encoders × 2 + 1)
    assert len(frame) == 2 * 1 * 2 * 2 * (3 * 2 + 1)
    assert (frame["status"] == "ok").all()
    keys = ["dataset", "repeat", "fold", "seed", "encoder", "feature_set"]
    assert not frame.duplicated(keys).any()
    assert set(frame.loc[frame["feature_set"] == "raw", "encoder"]) == {"none"}
    assert set(frame["feature_set"]) == {"raw", "emb", "raw+emb"}
    assert (frame["device"] == "cpu").all()


def test_metrics_are_in_range(tiny_run: tuple[Path, Path]) -> None:
    _, out = tiny_run
    frame = pd.read_parquet(out / "results.parquet")
    cls = frame[frame["task"] != "regression"]
    reg = frame[frame["task"] == "regression"]
    for m in ("accuracy", "balanced_accuracy", "roc_auc"):
        assert cls[m].between(0, 1).all(), m
    assert (cls["log_loss"] > 0).all()
    assert reg[list(CLASSIFICATION_METRICS)].isna().all().all()
    assert cls[list(REGRESSION_METRICS)].isna().all().all()
    assert (reg["rmse"] > 0).all()
    assert (reg["mae"] <= reg["rmse"] + 1e-9).all()
    assert (reg["r2"] <= 1).all()
    # iris is easy: XGBoost on raw features must be far above chance (1/3).
    assert cls.loc[cls["feature_set"] == "raw", "accuracy"].mean() > 0.85
    emb = frame[frame["feature_set"] != "raw"]
    assert (emb["encoder_fit_s"] > 0).all()
    assert (emb["n_embedding"] > 0).all()
    assert (frame["xgb_fit_s"] > 0).all()


def test_manifest_and_report(tiny_run: tuple[Path, Path]) -> None:
    _, out = tiny_run
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "finished"
    assert manifest["expected_rows"] == manifest["n_rows"] == 56
    assert manifest["device"]["kind"] == "cpu"
    assert manifest["environment"]["versions"]["torch"]
    assert set(manifest["datasets"]) == {"iris", "230_machine_cpu"}
    assert len(manifest["datasets"]["iris"]["content_hash"]) == 64
    report = (out / "report.md").read_text()
    assert "| iris | accuracy ↑ |" in report
    assert "win / tie / loss" in report
    for method in ("ae/emb", "ae/raw+emb", "mlp/emb", "pca/raw+emb"):
        assert f"| `{method}` | 2 |" in report


def test_same_command_twice_gives_identical_results(tiny_run, tmp_path: Path) -> None:
    suite, first = tiny_run
    second = tmp_path / "again"
    result = runner.invoke(app, ["run", str(suite), "--out", str(second), "--quiet",
                                 "--device", "cpu"])
    assert result.exit_code == 0, result.output
    a = pd.read_parquet(first / "results.parquet")
    b = pd.read_parquet(second / "results.parquet")
    value_cols = ["accuracy", "balanced_accuracy", "log_loss", "roc_auc", "rmse", "mae", "r2",
                  "best_iteration", "n_features", "n_embedding", "n_train", "n_test"]
    pd.testing.assert_frame_equal(a[value_cols], b[value_cols])


def test_thread_count_does_not_change_results(tiny_run, tmp_path: Path) -> None:
    """`--threads 1` (another process, one thread) reproduces the default run's values."""
    suite, first = tiny_run
    proc = _bench("run", str(suite), "--out", str(tmp_path / "one"), "--quiet", "--device", "cpu",
                  "--threads", "1")
    assert proc.returncode == 0, proc.stderr
    a = pd.read_parquet(first / "results.parquet")
    b = pd.read_parquet(tmp_path / "one" / "results.parquet")
    value_cols = ["accuracy", "log_loss", "rmse", "best_iteration", "n_embedding"]
    pd.testing.assert_frame_equal(a[value_cols], b[value_cols])


def test_rerun_on_same_dir_resumes_without_duplicates(tiny_run) -> None:
    suite, out = tiny_run
    before = pd.read_parquet(out / "results.parquet")
    result = runner.invoke(app, ["run", str(suite), "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "resumed" in result.output
    after = pd.read_parquet(out / "results.parquet")
    pd.testing.assert_frame_equal(before, after)






def test_report_command_regenerates_report(tiny_run) -> None:
    _, out = tiny_run
    original = (out / "report.md").read_text()
    (out / "report.md").unlink()
    result = runner.invoke(app, ["report", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "report.md").read_text() == original


# -- bad inputs: one line on stderr, exit code 2, no traceback -------------------------------


def _assert_one_line_error(proc: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


def test_missing_target_column(tmp_path: Path) -> None:
    pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [0, 1, 0]}).to_csv(tmp_path / "t.csv", index=False)
    suite = write_suite(tmp_path, f"""
        name = "bad"
        [run]
        folds = 2
        {TINY_ENCODERS}
        [[datasets]]
        source = "local"
        path = "t.csv"
        target = "label"
        """)
    proc = _bench("run", str(suite), "--out", str(tmp_path / "o"), "--quiet")
    # A dataset that cannot load is recorded and the run goes on; it ends with exit code 1.
    assert proc.returncode == 1, proc.stderr
    frame = pd.read_parquet(tmp_path / "o" / "results.parquet")
    assert (frame["status"] == "error").all()
    assert frame["error"].str.contains("target column 'label' not found").all()
    assert "Traceback" not in proc.stderr
    proc = _bench("datasets", str(suite))
    _assert_one_line_error(proc, "target column 'label' not found", "columns are: a, b")


def test_unknown_encoder(tmp_path: Path) -> None:
    suite = write_suite(tmp_path, """
        name = "bad"
        [run]
        encoders = ["ae", "transformer"]
        [[datasets]]
        source = "embedded"
        name = "iris"
        """)
    _assert_one_line_error(_bench("run", str(suite), "--dry-run"), str(suite),
                           "unknown encoder 'transformer'", "known encoders: ae, dae, mlp, pca, rp, vae")
    _assert_one_line_error(_bench("run", "quick", "--encoders", "ae,nope", "--dry-run"),
                           "unknown encoder 'nope'")


@pytest.mark.parametrize(
    ("body", "needles"),
    [
        ("name = 'x'\n[run\nfolds = 3", ["not valid TOML"]),
        ("name = 'x'\n[run]\nfolds = 'three'\n[[datasets]]\nsource='embedded'\nname='iris'",
         ["run.folds", "valid integer", "'three'"]),
        ("name = 'x'\n[run]\nfold = 3\n[[datasets]]\nsource='embedded'\nname='iris'",
         ["run.fold", "unknown key"]),
        ("name = 'x'\n[run]\nfolds = 3", ["datasets", "required key is missing"]),
        ("name = 'x'\n[encoders.ae]\nlatent = 0\n[[datasets]]\nsource='embedded'\nname='iris'",
         ["encoders.ae", "latent must be >= 1"]),
        ("name = 'x'\n[encoders.ae]\nlatnet = 4\n[[datasets]]\nsource='embedded'\nname='iris'",
         ["encoders.ae", "unknown parameter(s) ['latnet']"]),
        ("name = 'x'\n[xgboost]\nmax_dept = 4\n[[datasets]]\nsource='embedded'\nname='iris'",
         ["xgboost", "unknown XGBoost parameters ['max_dept']"]),
        ("name = 'x'\n[[datasets]]\nsource='kaggle'\nname='iris'",
         ["datasets.0", "source"]),
    ],
)
def test_malformed_suite_files(tmp_path: Path, body: str, needles: list[str]) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(body, encoding="utf-8")
    _assert_one_line_error(_bench("run", str(path), "--dry-run"), str(path), *needles)


def test_unknown_suite_and_bad_options(tmp_path: Path) -> None:
    _assert_one_line_error(_bench("run", "no_such_suite", "--dry-run"),
                           "unknown suite 'no_such_suite'", "quick")
    _assert_one_line_error(_bench("run", "quick", "--seeds", "a,b", "--dry-run"), "--seeds")
    _assert_one_line_error(_bench("run", "quick", "--folds", "1", "--dry-run"), "run.folds")




def test_results_values_are_finite_numbers(tiny_run) -> None:
    _, out = tiny_run
    frame = pd.read_parquet(out / "results.parquet")
    cls = frame[frame["task"] != "regression"]
    assert np.isfinite(cls[["accuracy", "log_loss"]].to_numpy()).all()


def _interrupted_while_importing(tmp_path: Path) -> subprocess.CompletedProcess:
    """``import bench.cli`` where importing typer is hit by Ctrl-C (a SIGINT to itself)."""
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "typer.py").write_text("import os, signal, time\n"
                                   "os.kill(os.getpid(), signal.SIGINT)\n"
                                   "time.sleep(5)\n", encoding="utf-8")
    root = Path(__file__).resolve().parents[1]
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": f"{shim}:{root}"}
    return subprocess.run([sys.executable, "-c", "import bench.cli"], capture_output=True,
                          text=True, timeout=60, env=env)


def test_ctrl_c_while_the_command_line_imports_exits_130(tmp_path: Path) -> None:
    assert _interrupted_while_importing(tmp_path).returncode == 130


def test_ctrl_c_while_the_command_line_imports_is_one_line(tmp_path: Path) -> None:
    assert _interrupted_while_importing(tmp_path).stderr == "interrupted (Ctrl-C)\n"


def test_importing_the_command_line_leaves_the_ctrl_c_handler_as_it_was() -> None:
    import signal

    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
