"""Parts are atomic, sequenced and typed; reruns skip ok keys and retry failed ones; schema
versions are checked wherever results are read; a different config is refused."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from bench.errors import BenchError, ConfigError
from bench.schema import RESULT_SCHEMA, SCHEMA_VERSION
from bench.store import RunStore, load


def _row(**changes):
    row = {name: None for name in RESULT_SCHEMA.names}
    row.update(run_id="r", config_hash="h", schema_version=SCHEMA_VERSION, suite="s", dataset="d",
               task="binary", repeat=0, fold=0, seed=0, encoder="none", encoder_mode="", feature_set="raw",
               status="ok", error="", accuracy=0.5)
    row.update(changes)
    return row


def _open(path: Path, config_hash: str = "h", version: int = SCHEMA_VERSION) -> RunStore:
    store = RunStore(path)
    store.open({"config_hash": config_hash, "schema_version": version})
    return store


def test_append_resume_and_consolidate(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "run")
    assert store.open({"config_hash": "h", "schema_version": SCHEMA_VERSION}) is False
    store.append([_row(fold=0), _row(fold=1)])
    store.append([_row(fold=1, accuracy=0.9)])  # a later part wins for the same key
    assert store.finished_keys() == {("d", 0, 0, 0, "none", "raw"), ("d", 0, 1, 0, "none", "raw")}
    frame = store.consolidate()
    assert len(frame) == 2
    assert frame.loc[frame["fold"] == 1, "accuracy"].item() == 0.9
    assert not list((tmp_path / "run" / "parts").glob(".*tmp"))
    pd.testing.assert_frame_equal(load(tmp_path / "run"), frame)
    assert RunStore(tmp_path / "run").open({"config_hash": "h", "schema_version": SCHEMA_VERSION}) is True


def test_later_part_wins_even_within_one_clock_tick(tmp_path: Path) -> None:
    """Order comes from the sequence in the name, not from modification times."""
    store = _open(tmp_path)
    for i in range(30):
        store.append([_row(accuracy=i / 100)])
    names = [p.name for p in store.part_files()]
    assert names == sorted(names)
    assert names[0].startswith("part-00000000-")
    assert store.load_parts()["accuracy"].item() == 0.29
    # A new store object on the same directory continues the sequence.
    again = _open(tmp_path)
    again.append([_row(accuracy=0.99)])
    assert again.part_files()[-1].name.startswith("part-00000030-")
    assert again.load_parts()["accuracy"].item() == 0.99


def test_failed_keys_are_retried_and_their_traceback_removed_on_success(tmp_path: Path) -> None:
    store = _open(tmp_path)
    store.append([_row(fold=0), _row(fold=1, status="error", error="ValueError: x",
                                      _traceback="Traceback ..."),
                  _row(fold=2, status="timeout", error="TimeoutError: y")])
    assert store.done_keys() == {("d", 0, 0, 0, "none", "raw")}
    assert len(store.finished_keys()) == 3
    (err,) = (tmp_path / "errors").iterdir()
    assert err.read_text() == "Traceback ..."
    store.append([_row(fold=1, accuracy=0.7)])  # the retry succeeds
    assert not list((tmp_path / "errors").iterdir())
    frame = store.consolidate()
    assert list(frame["status"]) == ["ok", "ok", "timeout"]
    assert (not frame.duplicated(
                    ["dataset", "repeat", "fold", "seed", "encoder", "feature_set"]).any())


def test_different_config_is_refused_and_force_new_sets_the_old_run_aside(tmp_path: Path) -> None:
    run = tmp_path / "run"
    _open(run, "h1").append([_row()])
    with pytest.raises(ConfigError, match="config hash h1, but this suite and options hash to h2"):
        _open(run, "h2")
    moved = RunStore(run).set_aside()
    assert moved is not None
    assert moved.name.startswith("run.replaced-")
    assert len(load(moved)) == 1  # nothing deleted
    assert RunStore(run).open({"config_hash": "h2", "schema_version": SCHEMA_VERSION}) is False


def test_a_non_empty_directory_without_manifest_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ConfigError, match="is not empty and is not a run directory"):
        _open(tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_leftover_temporaries_of_a_killed_run_are_removed(tmp_path: Path) -> None:
    store = _open(tmp_path)
    store.append([_row()])
    (tmp_path / "parts" / ".part-00000001-abcd.parquet.123.tmp").write_bytes(b"half a part")
    (tmp_path / ".manifest.json.456.tmp").write_text("{")
    _open(tmp_path)
    assert not list(tmp_path.rglob("*.tmp"))
    assert len(load(tmp_path)) == 1


def test_resume_records_where_and_with_what_it_ran(tmp_path: Path) -> None:
    first = {"config_hash": "h", "schema_version": SCHEMA_VERSION, "started_at": "t0",
             "environment": {"host": "a", "versions": {"torch": "2.0"}}}
    RunStore(tmp_path).open(first)
    RunStore(tmp_path).open({**first, "started_at": "t1",
                             "environment": {"host": "b", "versions": {"torch": "2.1"}}})
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    (resume,) = manifest["resumes"]
    assert resume["host"] == "b"
    assert resume["versions_changed"] == {"torch": ["2.0", "2.1"]}
    assert manifest["environment"]["host"] == "a"
    assert manifest["status"] == "running"


def test_a_newer_schema_version_is_refused_with_what_to_do(tmp_path: Path) -> None:
    _open(tmp_path, version=SCHEMA_VERSION + 1)
    with pytest.raises(BenchError, match=f"results schema version {SCHEMA_VERSION + 1} was written "
                                         f"by a newer bench; this bench reads versions 1 to "
                                         f"{SCHEMA_VERSION}: upgrade bench"):
        load(tmp_path)


def test_a_version_below_one_is_refused(tmp_path: Path) -> None:
    _open(tmp_path, version=0)
    with pytest.raises(BenchError, match="results schema version must be >= 1, however: 0"):
        load(tmp_path)


def test_a_part_of_a_newer_schema_version_is_named(tmp_path: Path) -> None:
    store = _open(tmp_path)
    path = store.append([_row()])
    table = pq.read_table(path)
    newer = str(SCHEMA_VERSION + 1)
    pq.write_table(table.replace_schema_metadata({"bench_schema_version": newer}), path)
    with pytest.raises(BenchError, match=rf"{path.name}: results schema version {newer} was "
                                         r"written by a newer bench"):
        store.load_parts()


def test_parts_and_results_carry_the_schema_version(tmp_path: Path) -> None:
    store = _open(tmp_path)
    part = store.append([_row()])
    store.consolidate()
    for path in (part, tmp_path / "results.parquet"):
        assert pq.read_schema(path).metadata[b"bench_schema_version"] == str(SCHEMA_VERSION).encode()


# -- a real version-1 run (tests/data/runs/quick-cpu-v1: the quick-cpu baseline before v2) ----

V1_RUN = Path(__file__).parent / "data" / "runs" / "quick-cpu-v1"


def test_a_version_1_run_is_read_with_this_version_s_columns() -> None:
    assert list(load(V1_RUN).columns) == RESULT_SCHEMA.names


def test_a_version_1_run_keeps_its_rows_and_values() -> None:
    raw = pq.read_table(V1_RUN / "results.parquet").to_pandas()
    frame = load(V1_RUN)
    pd.testing.assert_frame_equal(frame[list(raw.columns)], raw, check_dtype=False)


def test_a_version_1_run_has_no_shift_auc() -> None:
    assert load(V1_RUN)["shift_auc"].isna().all()


def test_a_version_1_run_s_rows_keep_their_version() -> None:
    assert set(load(V1_RUN)["schema_version"]) == {1}


def test_a_version_1_run_is_never_resumed(tmp_path: Path) -> None:
    """Appending version-2 rows to a version-1 run would mix versions in one run."""
    run = tmp_path / "v1"
    shutil.copytree(V1_RUN, run)
    manifest = json.loads((run / "manifest.json").read_text())
    with pytest.raises(BenchError, match="results schema version 1 was written by an older bench; "
                                         "this bench writes version"):
        RunStore(run).open(manifest)


def test_a_version_1_part_is_read_among_newer_parts(tmp_path: Path) -> None:
    store = _open(tmp_path)
    store.append([_row(fold=1)])
    table = pq.read_table(V1_RUN / "results.parquet").slice(0, 1)
    pq.write_table(table, store.parts_dir / "part-00000000-0000aaaa.parquet")
    assert len(store.load_parts()) == 2


def test_unreadable_part_is_named_with_what_to_do(tmp_path: Path) -> None:
    store = _open(tmp_path)
    path = store.append([_row()])
    path.write_bytes(path.read_bytes()[:40])
    with pytest.raises(BenchError, match=rf"{path.name}: unreadable results file .* delete it and "
                                         r"rerun"):
        store.done_keys()


def test_load_rejects_non_run_dirs(tmp_path: Path) -> None:
    with pytest.raises(BenchError, match="not a run directory"):
        load(tmp_path)


def test_load_prefers_parts_newer_than_the_consolidated_file(tmp_path: Path) -> None:
    store = _open(tmp_path)
    store.append([_row(fold=0)])
    store.consolidate()
    store.append([_row(fold=1)])  # a resumed run that has not consolidated yet
    assert len(load(tmp_path)) == 2


def test_results_are_parquet_and_json_only(tmp_path: Path) -> None:
    store = _open(tmp_path)
    store.append([_row(), _row(fold=1, status="error", error="E: x", _traceback="tb")])
    store.consolidate()
    suffixes = {p.suffix for p in tmp_path.rglob("*") if p.is_file()}
    assert suffixes <= {".json", ".parquet", ".txt"}
    assert isinstance(pq.read_table(tmp_path / "results.parquet"), pa.Table)


def test_a_write_failure_mid_run_is_one_line_and_keeps_finished_parts(tmp_path: Path) -> None:
    store = _open(tmp_path)
    store.append([_row(fold=0)])
    kept = store.part_files()
    (tmp_path / "errors").rmdir()
    (tmp_path / "errors").write_text("not a folder")  # every later traceback write fails
    with pytest.raises(BenchError, match=r"cannot write results: .* \(finished parts are kept; "
                                         r"rerun the same command to resume\)") as info:
        store.append([_row(fold=1, status="error", error="E: x", _traceback="tb")])
    assert "\n" not in str(info.value)
    assert store.part_files() == kept
    assert len(store.load_parts()) == 1


# -- a real version-2 run (tests/data/runs/quick-cpu-v2: the quick-cpu baseline before v3) ----

V2_RUN = Path(__file__).parent / "data" / "runs" / "quick-cpu-v2"


def test_a_version_2_run_is_read_with_this_version_s_columns() -> None:
    assert list(load(V2_RUN).columns) == RESULT_SCHEMA.names


def test_a_version_2_run_keeps_its_rows_and_values() -> None:
    raw = pq.read_table(V2_RUN / "results.parquet").to_pandas()
    frame = load(V2_RUN)
    pd.testing.assert_frame_equal(frame[list(raw.columns)], raw, check_dtype=False)


def test_a_version_2_run_keeps_its_shift_auc() -> None:
    assert load(V2_RUN)["shift_auc"].notna().any()


def test_a_version_2_run_has_no_device_peak_mib() -> None:
    assert load(V2_RUN)["device_peak_mib"].isna().all()


def test_a_version_2_run_s_rows_keep_their_version() -> None:
    assert set(load(V2_RUN)["schema_version"]) == {2}


def test_a_version_2_run_is_never_resumed(tmp_path: Path) -> None:
    run = tmp_path / "v2"
    shutil.copytree(V2_RUN, run)
    manifest = json.loads((run / "manifest.json").read_text())
    with pytest.raises(BenchError, match="results schema version 2 was written by an older bench"):
        RunStore(run).open(manifest)
