"""Reports: an analysis becomes a format-neutral document, rendered as Markdown, LaTeX and HTML,
plus CSV tables and figures. Functions return text or figures; only the CLI prints.

The names below load on first use, so that importing :mod:`bench.report.formats` (the command
line's ``--help``) does not import matplotlib.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "FORMATS": "bench.report.formats",
    "parse_formats": "bench.report.formats",
    "RunInfo": "bench.report.content",
    "build_document": "bench.report.content",
    "render_html": "bench.report.html",
    "render_latex": "bench.report.latex",
    "render_markdown": "bench.report.markdown",
    "write_report_files": "bench.report.writer",
    "write_run_report": "bench.report.writer",
}


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = sorted(_EXPORTS)
