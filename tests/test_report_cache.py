"""Stored report parts (``bench.report.cache``): keyed by everything their content depends
on, reused byte for byte by the writer, private to the user, and recomputed when damaged."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from bench.report import cache
from bench.report.content import RunInfo
from bench.report.parts import ReportParts
from bench.report.writer import write_run_report
from bench.stats import ReportOptions, analyze, result_hash
from tests.helpers import frame

FAST = ReportOptions(n_bootstrap=100, bayes_samples=1000)
RUN = {"run_id": "a", "config_hash": "hash-a", "config": {"name": "s"}}
INFO = RunInfo.from_manifest(RUN, suite="s")


@pytest.fixture
def cache_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BENCH_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache" / cache.REPORTS_DIR


def _files(directory: Path) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes()
            for p in sorted(directory.rglob("*")) if p.is_file()}


def _report(out: Path, rows=None, formats=("md", "latex", "html", "csv")) -> dict[str, bytes]:
    write_run_report(out, frame(4, seed=3) if rows is None else rows, RUN, options=FAST,
                     formats=formats)
    return _files(out)


def test_the_key_changes_with_the_rows() -> None:
    assert cache.entry_key("rows-a", FAST, INFO) != cache.entry_key("rows-b", FAST, INFO)


def test_the_key_changes_with_the_options() -> None:
    assert cache.entry_key("rows", FAST, INFO) != cache.entry_key("rows", replace(FAST, alpha=0.1), INFO)


def test_the_key_is_stable() -> None:
    assert cache.entry_key("rows", FAST, INFO) == cache.entry_key("rows", FAST, INFO)


def test_the_key_changes_with_the_run() -> None:
    other = replace(INFO, run_id="b")
    assert cache.entry_key("rows", FAST, INFO) != cache.entry_key("rows", FAST, other)


def test_the_source_digest_is_of_the_bench_package() -> None:
    assert len(cache.source_digest()) == 64


def test_a_report_stores_its_figures(cache_root: Path, tmp_path: Path) -> None:
    _report(tmp_path / "out")
    rows = frame(4, seed=3)
    stored = cache.load(cache.entry_key(result_hash(rows), FAST, INFO))
    assert sorted(stored.figures) == ["cd_diagram", "delta_vs_baseline", "performance_profile"]


def test_a_stored_report_is_byte_identical_to_a_computed_one(cache_root: Path,
                                                              tmp_path: Path) -> None:
    computed = _report(tmp_path / "first")
    assert _report(tmp_path / "second") == computed


def test_the_stored_parts_are_the_ones_rendered(cache_root: Path, tmp_path: Path) -> None:
    """A stored entry is rendered as it is: one built from changed notes shows the change."""
    rows = frame(4, seed=3)
    key = cache.entry_key(result_hash(rows), FAST, INFO)
    analysis = analyze(rows, FAST)
    marked = replace(analysis, notes=(*analysis.notes, "MARK-FROM-THE-STORE"))
    cache.save(key, ReportParts.build(marked, INFO, figures=True))
    assert b"MARK-FROM-THE-STORE" in _report(tmp_path / "out", rows, formats=("md",))["report.md"]


def test_figures_are_added_to_an_entry_stored_without_them(cache_root: Path,
                                                           tmp_path: Path) -> None:
    _report(tmp_path / "csv", formats=("csv",))
    _report(tmp_path / "md", formats=("md",))
    stored = cache.load(cache.entry_key(result_hash(frame(4, seed=3)), FAST, INFO))
    assert stored.figures is not None


def test_a_damaged_entry_is_recomputed(cache_root: Path, tmp_path: Path) -> None:
    computed = _report(tmp_path / "first")
    for entry in cache_root.glob("*.json"):
        entry.write_text('{"document": {"title": "t", "blocks": [{"type": "Nope"}]}}')
    assert _report(tmp_path / "second") == computed


def test_a_damaged_entry_is_replaced(cache_root: Path, tmp_path: Path) -> None:
    _report(tmp_path / "first")
    for entry in cache_root.glob("*.json"):
        entry.write_text('{"document": {"title": "t", "blocks": [{"type": "Nope"}]}}')
    _report(tmp_path / "second")
    assert cache.load(cache.entry_key(result_hash(frame(4, seed=3)), FAST, INFO)) is not None


def test_an_entry_that_is_not_json_is_not_used(cache_root: Path) -> None:
    cache_root.mkdir(parents=True, mode=0o700)
    (cache_root / "k.json").write_bytes(b"\x80\x05K\x01.")
    assert cache.load("k") is None


def test_a_directory_others_can_write_into_is_not_read(cache_root: Path, tmp_path: Path) -> None:
    _report(tmp_path / "first")
    os.chmod(cache_root, 0o777)
    assert cache.load(cache.entry_key(result_hash(frame(4, seed=3)), FAST, INFO)) is None


def test_only_the_newest_entries_are_kept(cache_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "KEEP", 2)
    parts = ReportParts.build(analyze(frame(2, seed=1), FAST), INFO, figures=False)
    for i, key in enumerate(("old", "mid", "new")):
        cache.save(key, parts)
        os.utime(cache_root / f"{key}.json", ns=(i * 10**9, i * 10**9))
    cache.save("newest", parts)
    assert sorted(p.stem for p in cache_root.glob("*.json")) == ["new", "newest"]


def test_a_cache_that_cannot_be_written_still_gives_the_report(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "not-a-dir").write_text("")
    monkeypatch.setenv("BENCH_CACHE_DIR", str(tmp_path / "not-a-dir"))
    assert "report.md" in _report(tmp_path / "out", formats=("md",))
