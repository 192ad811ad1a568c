"""Failure isolation by construction: whatever goes wrong for one dataset (loading, preparing a
split, fitting an encoder, training XGBoost) becomes error rows for exactly the keys it affects,
with a one-line message and the traceback in ``errors/``; the other datasets of the suite finish
and the run exits 1.

The failures are planted in real components (a real parquet file with a list column; the real
``TreeInputs``, ``fit_transform_many`` and ``fit_predict`` made to raise for one marked dataset),
never by replacing the runner under test.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import bench.runner
from bench.arrays import TreeMatrix
from bench.cli import app
from bench.store import load
from tests.helpers import IRIS, pca_suite, write_suite

KINDS = ("list_column", "load_bug", "split", "encoder", "xgboost")


def _table(marker: str | None, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"a": rng.normal(size=60), "b": rng.normal(size=60),
                          "target": rng.choice(["x", "y"], size=60)})
    if marker:
        frame[marker] = rng.normal(size=60)
    return frame


def _plant(kind: str, folder: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Write the bad dataset's file and make one component fail on it; return its file name."""
    if kind == "list_column":
        frame = _table(None, 2)
        table = pa.Table.from_pandas(frame, preserve_index=False).append_column(
            "tags", pa.array([[1, 2]] * 60, type=pa.list_(pa.int64())))
        pq.write_table(table, folder / "bad.parquet")
        return "bad.parquet"
    _table(f"boom_{kind}", 2).to_csv(folder / "bad.csv", index=False)
    marker = f"boom_{kind}"

    def failing(original, columns_of):
        def call(*args, **kwargs):
            if any(marker in columns_of(a) for a in (*args, *kwargs.values())):
                raise RuntimeError(f"planted {kind} failure\nsecond line of the message")
            return original(*args, **kwargs)
        return call

    def cols(value: object) -> list[str]:
        if isinstance(value, pd.DataFrame):
            return [str(c) for c in value.columns]
        if isinstance(value, TreeMatrix):
            return list(value.names)
        if isinstance(value, list):
            return [c for v in value for c in cols(v)]
        return []

    if kind == "load_bug":
        original = bench.runner.load_dataset

        def load_dataset(spec, **kwargs):
            if "bad" in str(getattr(spec, "path", "")):
                raise RuntimeError("planted load failure\nsecond line")
            return original(spec, **kwargs)
        monkeypatch.setattr(bench.runner, "load_dataset", load_dataset)
    elif kind == "split":
        monkeypatch.setattr(bench.context.TreeInputs, "fit",
                            failing(bench.context.TreeInputs.fit, cols))
    elif kind == "encoder":
        monkeypatch.setattr(bench.runner, "fit_transform_many",
                            failing(bench.runner.fit_transform_many, cols))
    else:
        monkeypatch.setattr(bench.runner, "fit_predict", failing(bench.runner.fit_predict, cols))
    return "bad.csv"


@pytest.mark.parametrize("kind", KINDS)
def test_one_failing_dataset_never_stops_the_suite(kind: str, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    bad = _plant(kind, tmp_path, monkeypatch)
    _table(None, 3).to_csv(tmp_path / "good.csv", index=False)
    suite = write_suite(tmp_path, pca_suite("three", IRIS + f"""
        [[datasets]]
        source = "local"
        path = "{bad}"
        name = "bad"
        [[datasets]]
        source = "local"
        path = "good.csv"
        name = "good"
        """))
    out = tmp_path / "run"
    # In process (--workers 1): the planted failures patch this interpreter, not new workers.
    result = CliRunner().invoke(app, ["run", str(suite), "--out", str(out), "-q", "--workers", "1"])
    assert result.exit_code == 1, result.output
    rows = load(out)
    good = rows[rows["dataset"] != "bad"]
    assert set(good["dataset"]) == {"iris", "good"}
    assert (good["status"] == "ok").all()
    failed = rows[(rows["dataset"] == "bad") & (rows["status"] != "ok")]
    # An encoder failure spares the raw row; XGBoost fails only where it sees the marked column.
    expected = {"encoder": {("pca", "emb"), ("pca", "raw+emb")},
                "xgboost": {("none", "raw"), ("pca", "raw+emb")}}.get(
        kind, {("none", "raw"), ("pca", "emb"), ("pca", "raw+emb")})
    assert set(zip(failed["encoder"], failed["feature_set"], strict=True)) == expected
    assert len(rows[rows["dataset"] == "bad"]) == 6  # every key has a row: 2 folds x 3
    assert not failed["error"].str.contains("\n").any()
    assert len(list((out / "errors").glob("*bad*"))) == len(failed)
    assert "Traceback" not in result.output


def test_a_list_column_is_a_clear_data_error(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    _plant("list_column", tmp_path, monkeypatch)
    from bench.data.local import load_local

    with pytest.raises(Exception, match=r"column 'tags' must hold scalar values, however: it "
                                         r"holds ndarray values"):
        load_local(tmp_path / "bad.parquet")


def test_a_dataset_that_fails_to_load_is_one_line_on_screen(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    _plant("list_column", tmp_path, monkeypatch)
    suite = write_suite(tmp_path, """
        name = "one"
        [run]
        folds = 2
        seeds = [0, 1]
        encoders = ["pca"]
        [[datasets]]
        source = "local"
        path = "bad.parquet"
        name = "bad"
        """)
    result = CliRunner().invoke(app, ["run", str(suite), "--out", str(tmp_path / "r"), "-q"])
    assert result.output.count("must hold scalar values") == 1, result.output
