"""Reports: functions that take statistics objects and return text. Only the CLI prints."""

from bench.report.markdown import render_markdown

__all__ = ["render_markdown"]
