"""The report writer: atomic files with no temporary left on failure, never overwriting another
run's report without ``--force``, and HTML in names shown, not rendered (issue 17, item 7)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.errors import BenchError
from bench.report.writer import OWNER, write_run_report
from bench.stats import ReportOptions
from tests.helpers import frame

FAST = ReportOptions(n_bootstrap=100, bayes_samples=1000)
RUN_A = {"run_id": "a", "config_hash": "hash-a", "config": {"name": "s"}}
RUN_B = {"run_id": "b", "config_hash": "hash-b", "config": {"name": "s"}}


def _write(out: Path, manifest: dict, rows=None, **kwargs) -> Path:
    return write_run_report(out, frame(4, seed=3) if rows is None else rows, manifest,
                            options=FAST, formats=["md"], **kwargs)


def test_another_runs_report_is_not_overwritten_without_force(tmp_path: Path) -> None:
    _write(tmp_path, RUN_A)
    text = (tmp_path / "report.md").read_text()
    with pytest.raises(BenchError, match=r"holds the report of another run \(a, config hash-a"):
        _write(tmp_path, RUN_B, rows=frame(4, seed=9))
    assert (tmp_path / "report.md").read_text() == text
    _write(tmp_path, RUN_B, rows=frame(4, seed=9), force=True)
    assert (tmp_path / "report.md").read_text() != text


def test_the_same_runs_report_is_rewritten(tmp_path: Path) -> None:
    _write(tmp_path, RUN_A)
    _write(tmp_path, RUN_A)
    assert (tmp_path / OWNER).exists()


def test_a_report_without_owner_in_a_foreign_directory_is_kept(tmp_path: Path) -> None:
    (tmp_path / "report.md").write_text("somebody's report\n")
    with pytest.raises(BenchError, match="holds the report of another run"):
        _write(tmp_path, RUN_A)


def test_a_failed_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    """A write that fails after its temporary file was created (as on a full disk)."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.md").mkdir()  # os.replace onto a directory fails after the write
    with pytest.raises(BenchError, match="cannot write the report"):
        _write(out, RUN_A, force=True)
    assert [p.name for p in out.iterdir() if p.name.endswith(".tmp")] == []


def test_markdown_escapes_html_in_names(tmp_path: Path) -> None:
    rows = frame(4, seed=3)
    rows["dataset"] = rows["dataset"].str.replace("d1", "<script>alert(1)</script>", regex=False)
    _write(tmp_path, RUN_A, rows=rows)
    text = (tmp_path / "report.md").read_text()
    assert "<script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
