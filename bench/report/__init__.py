"""Reports: an analysis becomes a format-neutral document, rendered as Markdown, LaTeX and HTML,
plus CSV tables and figures. Functions return text or figures; only the CLI prints."""

from bench.report.content import RunInfo, build_document
from bench.report.html import render_html
from bench.report.latex import render_latex
from bench.report.markdown import render_markdown
from bench.report.writer import FORMATS, parse_formats, write_report_files

__all__ = ["FORMATS", "RunInfo", "build_document", "parse_formats", "render_html",
           "render_latex", "render_markdown", "write_report_files"]
