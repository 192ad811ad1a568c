"""Write the report files: ``report.md``, ``report.tex``, ``report.html``, ``tables/``,
``figures/``. Everything is a function of the analysis (no clock, no paths in the text), so the
same result rows give byte-identical files. A run's report is rendered from its stored parts when
the same rows, options and run facts were reported before (:mod:`bench.report.cache`)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from bench.errors import BenchError
from bench.fsio import atomic_write_bytes, atomic_write_text
from bench.report import cache
from bench.report.content import RunInfo
from bench.report.formats import FORMATS
from bench.report.html import render_html
from bench.report.latex import render_latex, render_table
from bench.report.markdown import render_markdown
from bench.report.parts import FIGURE_FORMATS, ReportParts
from bench.stats.analysis import Analysis, ReportOptions, analyze, result_hash


def write_report_files(out_dir: Path, analysis: Analysis, info: RunInfo,
                       formats: Iterable[str] = FORMATS) -> list[Path]:
    """Write the chosen formats into ``out_dir``; return the files written (md first)."""
    formats = tuple(formats)
    parts = ReportParts.build(analysis, info, figures=bool(FIGURE_FORMATS & set(formats)))
    return write_parts(out_dir, parts, formats)


def write_parts(out_dir: Path, parts: ReportParts, formats: tuple[str, ...]) -> list[Path]:
    """Render ``parts`` in the chosen formats into ``out_dir``; return the files written (md
    first). A full disk or a read-only directory is one :class:`BenchError` naming the path."""
    try:
        return _write_all(out_dir, parts, formats)
    except OSError as exc:  # a full disk or a read-only directory is the user's to fix
        where = exc.filename or out_dir
        raise BenchError(f"cannot write the report: {exc.strerror or exc}", where=str(where)) \
            from None


def _write_all(out_dir: Path, parts: ReportParts, formats: tuple[str, ...]) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    document = parts.document
    written: list[Path] = []
    figures = parts.figures or {}
    if FIGURE_FORMATS & set(formats):
        for key, files in figures.items():
            for suffix, data in files.items():
                atomic_write_bytes(out_dir / "figures" / f"{key}.{suffix}", data)
    if "md" in formats:
        written.append(_write(out_dir / "report.md", render_markdown(document)))
    if "latex" in formats:
        written.append(_write(out_dir / "report.tex", render_latex(document)))
        for table in document.tables:
            if not table.detail:
                _write(out_dir / "tables" / f"{table.key}.tex", render_table(table))
    if "html" in formats:
        images = {key: files["png"] for key, files in figures.items()}
        written.append(_write(out_dir / "report.html", render_html(document, images)))
    if "csv" in formats:
        for name, text in parts.csv.items():
            written.append(_write(out_dir / "tables" / f"{name}.csv", text))
    return written


def _write(path: Path, text: str) -> Path:
    """Atomic write (:mod:`bench.fsio`): a reader never sees half a report, and a failed write
    (a full disk) leaves no temporary file behind."""
    atomic_write_text(path, text)
    return path


#: Beside a report: which run it is of, so that another run's report is never overwritten.
OWNER = ".bench-report.json"


def check_owner(out_dir: Path, manifest: dict[str, Any], *, force: bool) -> None:
    """Refuse to overwrite the report of a different run in ``out_dir`` (unless ``force``).

    A report is this run's when its owner file names this run (run id and config hash), or, for
    reports older than owner files, when ``out_dir`` is this run's own directory.
    """
    if force or not any((out_dir / name).exists() for name in REPORT_FILES):
        return
    mine = _identity(manifest)
    try:
        owner = json.loads((out_dir / OWNER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        owner = None
    if owner is None:
        try:
            owner = _identity(json.loads((out_dir / "manifest.json").read_text(encoding="utf-8")))
        except (OSError, ValueError):
            owner = {}
    if owner != mine:
        raise BenchError(f"holds the report of another run ({owner.get('run_id') or 'unknown'}, "
                         f"config {str(owner.get('config_hash') or '?')[:12]}); choose another "
                         f"--out directory or pass --force to overwrite it", where=str(out_dir))


def _identity(manifest: dict[str, Any]) -> dict[str, str]:
    return {"run_id": str(manifest.get("run_id", "")),
            "config_hash": str(manifest.get("config_hash", ""))}


REPORT_FILES = ("report.md", "report.tex", "report.html")


def write_run_report(out_dir: Path, frame: pd.DataFrame, manifest: dict[str, Any], *,
                     options: ReportOptions | None = None,
                     formats: Iterable[str] = FORMATS, force: bool = False) -> Path:
    """Analyse a run's result rows (or take their stored parts) and write its report into
    ``out_dir``; return ``report.md`` (or the first file written).

    ``manifest`` (a run's ``manifest.json``; may be empty) supplies the default primary metrics
    (the suite's ``[run] metrics``) and, for the citation block, the run's identity, device and
    software versions. Nothing here imports torch or XGBoost.
    """
    config = manifest.get("config") or {}
    if options is None:
        metrics = (config.get("run") or {}).get("metrics")
        options = ReportOptions(metrics=dict(metrics) if metrics else None)
    info = RunInfo.from_manifest(manifest, suite=str(config.get("name", "")))
    check_owner(out_dir, manifest, force=force)
    written = _analyse_and_write(out_dir, frame, options, info, tuple(formats))
    try:
        atomic_write_text(out_dir / OWNER, json.dumps(_identity(manifest), sort_keys=True))
    except OSError as exc:
        raise BenchError(f"cannot write the report: {exc.strerror or exc}",
                         where=str(out_dir / OWNER)) from None
    return written


def _analyse_and_write(out_dir: Path, frame: pd.DataFrame, options: ReportOptions, info: RunInfo,
                       formats: tuple[str, ...]) -> Path:
    """Write the report from the stored parts of these rows, options and run facts
    (:mod:`bench.report.cache`), or analyse, build and store them; return the first file
    written."""
    key = cache.entry_key(result_hash(frame), options, info)
    figures = bool(FIGURE_FORMATS & set(formats))
    parts = cache.load(key)
    if parts is None or (figures and parts.figures is None):
        parts = ReportParts.build(analyze(frame, options), info, figures=figures)
        cache.save(key, parts)
    return write_parts(out_dir, parts, formats)[0]
