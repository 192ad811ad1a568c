"""``bench compare``: real run directories (parquet + manifest) with known differences."""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from typer.testing import CliRunner

from bench.cli import app
from bench.compare import _dataset_checks, compare_runs
from bench.schema import RESULT_SCHEMA, SCHEMA_VERSION
from bench.stats.resampled import corrected_resampled_ttest
from bench.store import RunStore, load

DATASETS = [f"d{i}" for i in range(8)]
METHODS = [("none", "raw"), ("pca", "emb")]
BASELINE_DIR = Path(__file__).resolve().parent.parent / "results" / "baselines" / "quick-cpu"

Change = Callable[[str, str, int, int], float]


def _run(path: Path, change: Change = lambda *_: 0.0, *, config_hash: str = "h",
         content: str = "c", slower: float = 1.0, drop: int = 0,
         fail: tuple[str, str] | None = None, methods=METHODS) -> Path:
    """A run whose accuracy is a fixed noisy base value times (1 + change(dataset, method, ...))."""
    rng = np.random.default_rng(0)
    rows = []
    for dataset in DATASETS:
        for encoder, fs in methods:
            for fold in range(3):
                for seed in range(2):
                    base = 0.8 + rng.normal(0, 0.02)
                    method = "raw" if encoder == "none" else f"{encoder}/{fs}"
                    row = {name: None for name in RESULT_SCHEMA.names}
                    row.update(run_id=path.name, config_hash=config_hash, schema_version=SCHEMA_VERSION,
                               suite="s", dataset=dataset, task="binary", repeat=0, fold=fold,
                               seed=seed, encoder=encoder, encoder_mode="", feature_set=fs,
                               n_train=200, n_test=100, status="ok", error="",
                               accuracy=base * (1 + change(dataset, method, fold, seed)),
                               encoder_fit_s=0.5 * slower, xgb_fit_s=1.0 * slower,
                               predict_s=0.1 * slower)
                    if fail == (dataset, method) and fold == 0 and seed == 0:
                        row.update(status="error", error="RuntimeError: boom", accuracy=None)
                    rows.append(row)
    store = RunStore(path)
    store.open({"schema_version": SCHEMA_VERSION, "config_hash": config_hash,
                "config": {"name": "s", "run": {"folds": 3,
                                                "metrics": {"classification": "accuracy",
                                                            "regression": "rmse"}}},
                "datasets": {d: {"content_hash": content} for d in DATASETS},
                "device": {"kind": "cpu"}, "environment": {"versions": {"torch": "2"}}})
    store.append(rows[: len(rows) - drop])
    store.consolidate()
    return path


def _noise(scale: float) -> Change:
    def change(dataset: str, method: str, fold: int, seed: int) -> float:
        rng = np.random.default_rng(zlib.crc32(f"{dataset} {method} {fold} {seed}".encode()))
        return rng.normal(0, scale)
    return change


def test_identical_runs_pass(tmp_path: Path) -> None:
    result = compare_runs(_run(tmp_path / "a"), _run(tmp_path / "b"))
    assert result.verdict == "ok"
    assert result.exit_code == 0
    assert result.n_pairs == result.n_identical == len(DATASETS) * len(METHODS) * 6
    assert all(c.p_value == 1.0 for c in result.datasets)


def test_a_clear_regression_on_one_dataset_is_flagged(tmp_path: Path) -> None:
    def worse(d: str, m: str, f: int, s: int) -> float:
        return -0.08 + 0.002 * f if (d, m) == ("d3", "pca/emb") else 0.0

    result = compare_runs(_run(tmp_path / "a"), _run(tmp_path / "b", worse))
    assert result.verdict == "regression"
    assert result.exit_code == 1
    (flagged,) = [c for c in result.datasets if c.regression]
    assert (flagged.dataset, flagged.method) == ("d3", "pca/emb")
    assert flagged.change == pytest.approx(-0.078, abs=0.003)


def test_per_dataset_p_value_is_the_corrected_t_test_of_the_shifted_change(tmp_path: Path) -> None:
    change = _noise(0.01)
    result = compare_runs(_run(tmp_path / "a"), _run(tmp_path / "b", change), tolerance=0.02)
    check = next(c for c in result.datasets if (c.dataset, c.method) == ("d0", "raw"))
    a = _run(tmp_path / "a2")
    base = pd.read_parquet(a / "results.parquet")
    rows = base[(base["dataset"] == "d0") & (base["feature_set"] == "raw")]
    factors = np.array([change("d0", "raw", f, s) for f, s in zip(rows["fold"], rows["seed"],
                                                                  strict=True)])
    b = rows["accuracy"].to_numpy()
    d = pd.Series((b * (1 + factors) - b) / abs(b.mean()))
    per_split = d.groupby(rows["fold"].to_numpy()).mean().to_numpy()  # seeds share the split
    expected = corrected_resampled_ttest(per_split + 0.02, n_train=200, n_test=100,
                                         alternative="less")
    assert check.n_pairs == 6
    assert check.n_splits == 3
    assert check.p_value == pytest.approx(expected.p_value, rel=1e-9)
    assert check.change == pytest.approx(d.mean(), rel=1e-9)


def test_seeds_are_averaged_within_a_split_before_the_t_test(tmp_path: Path) -> None:
    # Seeds of one split that disagree wildly but average to the same loss on every split: as
    # 6 independent runs the loss would be uncertain; as 3 splits it is certain (zero variance).
    def worse(d: str, m: str, f: int, s: int) -> float:
        return -0.05 + (0.04 if s == 0 else -0.04) if (d, m) == ("d2", "pca/emb") else 0.0

    a = _run(tmp_path / "a", lambda *_: 0.0)
    result = compare_runs(a, _run(tmp_path / "b", worse))
    check = next(c for c in result.datasets if (c.dataset, c.method) == ("d2", "pca/emb"))
    assert check.n_splits == 3
    assert check.p_value < 0.05


def test_a_holdout_encoders_raw_rows_are_their_own_method(tmp_path: Path) -> None:
    methods = [*METHODS, ("mlp_holdout", "raw"), ("mlp_holdout", "emb")]

    def worse(d: str, m: str, f: int, s: int) -> float:
        return -0.10 if m == "mlp_holdout/raw" else 0.0

    result = compare_runs(_run(tmp_path / "a", methods=methods),
                          _run(tmp_path / "b", worse, methods=methods))
    names = {m.method for m in result.methods}
    assert names == {"raw", "pca/emb", "mlp_holdout/raw", "mlp_holdout/emb"}
    raw = next(c for c in result.datasets if (c.dataset, c.method) == ("d0", "raw"))
    assert raw.n_pairs == 6  # the shared baseline's rows only
    assert not next(m for m in result.methods if m.method == "raw").regression
    assert next(m for m in result.methods if m.method == "mlp_holdout/raw").regression


def test_relative_change_falls_back_to_absolute_near_a_zero_r2() -> None:
    rows = pd.DataFrame({"dataset": "d", "method": "raw", "task_base": "regression",
                         "repeat": 0, "fold": [0, 1, 2], "r2_base": [0.01, -0.01, 0.006],
                         "r2_new": [0.02, 0.0, 0.016], "n_train_base": 20, "n_test_base": 10})
    (check,) = _dataset_checks(rows, {"regression": "r2"}, 0.01, 0.05)
    assert check.change == pytest.approx(0.01)  # absolute, not 0.01 / 0.002 = 500 %


def test_noise_within_the_tolerance_passes(tmp_path: Path) -> None:
    result = compare_runs(_run(tmp_path / "a"), _run(tmp_path / "b", _noise(0.004)))
    assert result.verdict == "ok", [c for c in result.datasets if c.regression]
    assert result.n_identical == 0


def test_a_small_systematic_loss_everywhere_is_flagged_across_datasets(tmp_path: Path) -> None:
    def worse(d: str, m: str, f: int, s: int) -> float:
        return -0.03 + _noise(0.03)(d, m, f, s) if m == "raw" else 0.0

    result = compare_runs(_run(tmp_path / "a"), _run(tmp_path / "b", worse))
    raw = next(m for m in result.methods if m.method == "raw")
    assert raw.regression
    assert raw.p_value < 0.05
    assert raw.n_datasets == len(DATASETS)
    assert not next(m for m in result.methods if m.method == "pca/emb").regression
    assert result.verdict == "regression"


def test_a_new_failure_is_a_regression(tmp_path: Path) -> None:
    result = compare_runs(_run(tmp_path / "a"), _run(tmp_path / "b", fail=("d1", "raw")))
    assert result.verdict == "regression"
    assert result.new_failures == ("d1 r0 f0 s0 raw: RuntimeError: boom",)


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"config_hash": "other"}, "different configs (hash h vs other)"),
        ({"content": "x"}, "dataset d0 has different content"),
        ({"drop": 3}, "3 rows have no match in NEW"),
    ],
)
def test_not_comparable(tmp_path: Path, kwargs: dict, reason: str) -> None:
    result = compare_runs(_run(tmp_path / "a"), _run(tmp_path / "b", **kwargs))
    assert result.verdict == "not comparable"
    assert result.exit_code == 2
    assert any(reason in r for r in result.reasons), result.reasons


def test_timing_is_informational_unless_a_time_tolerance_is_given(tmp_path: Path) -> None:
    a, b = _run(tmp_path / "a"), _run(tmp_path / "b", slower=3.0)
    result = compare_runs(a, b)
    assert result.verdict == "ok"
    assert result.timings[-1].method == "all methods"
    assert result.timings[-1].ratio == pytest.approx(3)
    assert compare_runs(a, b, time_tolerance=5.0).verdict == "ok"
    assert compare_runs(a, b, time_tolerance=0.5).verdict == "regression"


def test_cli_markdown_json_and_exit_codes(tmp_path: Path) -> None:
    a, b = _run(tmp_path / "a"), _run(tmp_path / "b", slower=2.0)
    runner = CliRunner()
    result = runner.invoke(app, ["compare", str(a), str(b)])
    assert result.exit_code == 0
    assert result.stdout.startswith("## bench compare: ✅ no regression")
    assert "| `raw` | 8 |" in result.stdout
    assert "informational" in result.stdout
    result = runner.invoke(app, ["compare", str(a), str(b), "--json", "--time-tolerance", "0.2"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["verdict"] == "regression"
    assert data["exit_code"] == 1
    c = _run(tmp_path / "c", config_hash="zzz")
    result = runner.invoke(app, ["compare", str(a), str(c)])
    assert result.exit_code == 2
    assert "not comparable" in result.stdout
    result = runner.invoke(app, ["compare", str(a), str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "nope: not a run directory" in result.stderr
    result = runner.invoke(app, ["compare", str(a), str(b), "--tolerance", "-1"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: tolerance")


def test_the_shipped_baseline_is_readable_and_matches_itself() -> None:
    if not (BASELINE_DIR / "results.parquet").exists():
        pytest.fail(f"missing baseline {BASELINE_DIR}")
    result = compare_runs(BASELINE_DIR, BASELINE_DIR)
    assert result.verdict == "ok"
    assert result.n_pairs == result.n_identical > 0
    manifest = json.loads((BASELINE_DIR / "manifest.json").read_text())
    assert manifest["suite"] == "quick"
    assert manifest["device"]["kind"] == "cpu"
    assert manifest["n_rows"] == manifest["expected_rows"]


# -- across results schema versions ---------------------------------------------------------

V1_RUN = Path(__file__).resolve().parent / "data" / "runs" / "quick-cpu-v1"


def _as_current_version(v1: Path, path: Path) -> Path:
    """The same rows as the version-1 run ``v1``, written by this bench (with ``shift_auc``)."""
    frame = load(v1)
    frame["schema_version"] = SCHEMA_VERSION
    frame["shift_auc"] = np.where(frame["feature_set"] == "raw", np.nan, 0.5)
    rows = pa.Table.from_pandas(frame, schema=RESULT_SCHEMA, preserve_index=False).to_pylist()
    manifest = json.loads((v1 / "manifest.json").read_text())
    RunStore(path).open({**manifest, "schema_version": SCHEMA_VERSION})
    RunStore(path).append(rows)
    RunStore(path).consolidate()
    return path


@pytest.fixture(scope="module")
def across_versions(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201 - a Comparison
    """BASELINE the version-1 run, NEW the same rows written by this bench (computed once)."""
    return compare_runs(V1_RUN, _as_current_version(V1_RUN, tmp_path_factory.mktemp("v2") / "run"))


def test_a_version_1_run_compares_with_a_current_one(across_versions) -> None:  # noqa: ANN001
    assert across_versions.verdict == "ok"


def test_across_versions_every_shared_value_is_compared(across_versions) -> None:  # noqa: ANN001
    assert across_versions.n_identical == int((load(V1_RUN)["status"] == "ok").sum())


def test_across_versions_every_ok_row_is_paired(across_versions) -> None:  # noqa: ANN001
    assert across_versions.n_pairs == int((load(V1_RUN)["status"] == "ok").sum())


def test_across_versions_the_note_says_so(across_versions) -> None:  # noqa: ANN001
    assert any(f"schema versions differ (1 vs {SCHEMA_VERSION})" in n for n in across_versions.notes)
