"""Parts are atomic and typed; reruns skip finished keys; a different config is refused."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from bench.errors import BenchError, ConfigError
from bench.store import RESULT_SCHEMA, RunStore, load


def _row(**changes):
    row = {name: None for name in RESULT_SCHEMA.names}
    row.update(run_id="r", config_hash="h", schema_version=1, suite="s", dataset="d", task="binary",
               repeat=0, fold=0, seed=0, encoder="none", encoder_mode="", feature_set="raw",
               status="ok", error="", accuracy=0.5)
    row.update(changes)
    return row


def test_append_resume_and_consolidate(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "run")
    assert store.open({"config_hash": "h", "schema_version": 1}) is False
    store.append([_row(fold=0), _row(fold=1)])
    store.append([_row(fold=1, accuracy=0.9)])  # a later part wins for the same key
    assert store.finished_keys() == {("d", 0, 0, 0, "none", "raw"), ("d", 0, 1, 0, "none", "raw")}
    frame = store.consolidate()
    assert len(frame) == 2 and frame.loc[frame["fold"] == 1, "accuracy"].item() == 0.9
    assert not list((tmp_path / "run" / "parts").glob(".*tmp"))
    pd.testing.assert_frame_equal(load(tmp_path / "run"), frame)
    assert RunStore(tmp_path / "run").open({"config_hash": "h", "schema_version": 1}) is True


def test_different_config_is_refused(tmp_path: Path) -> None:
    RunStore(tmp_path).open({"config_hash": "h1", "schema_version": 1})
    with pytest.raises(ConfigError, match="config hash h1, but this suite and options hash to h2"):
        RunStore(tmp_path).open({"config_hash": "h2", "schema_version": 1})


def test_error_tracebacks_are_kept(tmp_path: Path) -> None:
    store = RunStore(tmp_path)
    store.open({"config_hash": "h", "schema_version": 1})
    store.append([_row(status="error", error="ValueError: x", _traceback="Traceback ...")])
    (err,) = (tmp_path / "errors").iterdir()
    assert err.read_text() == "Traceback ..."


def test_load_rejects_non_run_dirs_and_other_schema_versions(tmp_path: Path) -> None:
    with pytest.raises(BenchError, match="not a run directory"):
        load(tmp_path)
    RunStore(tmp_path).open({"config_hash": "h", "schema_version": 2})
    with pytest.raises(BenchError, match="schema version 2, this bench reads version 1"):
        load(tmp_path)
