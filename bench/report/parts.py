"""What a report's files are rendered from: the format-neutral document, the CSV tables' text and
the figures' PNG and PDF bytes. Built from an analysis (:meth:`ReportParts.build`) or read back
from the store (:mod:`bench.report.cache`) as plain JSON, so that storing a report never runs code
on reading it.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from bench.report.content import RunInfo, build_document
from bench.report.document import Document, document_from_dict, document_to_dict
from bench.report.tables import FLOAT_FORMAT, csv_tables
from bench.stats.analysis import Analysis

#: figure key -> file suffix ("png", "pdf") -> bytes
Figures = dict[str, dict[str, bytes]]
#: The formats that show figures (the CSV tables do not).
FIGURE_FORMATS = frozenset({"md", "latex", "html"})


@dataclass(frozen=True)
class ReportParts:
    document: Document
    csv: dict[str, str]  # table name -> the text of tables/<name>.csv
    figures: Figures | None  # None when not drawn (no format that shows figures was asked for)

    @classmethod
    def build(cls, analysis: Analysis, info: RunInfo, *, figures: bool) -> ReportParts:
        """The parts of ``analysis``'s report; draws the figures only when ``figures``."""
        csv = {name: frame.to_csv(index=False, float_format=FLOAT_FORMAT, lineterminator="\n")
               for name, frame in csv_tables(analysis).items()}
        drawn = None
        if figures:
            # matplotlib is loaded here, for drawing only: `bench run` (and a GPU run, whose
            # machine carries few packages) imports the writer without it.
            from bench.report.figures import draw_figures

            drawn = draw_figures(analysis)
        return cls(build_document(analysis, info), csv, drawn)

    def to_json(self) -> dict[str, Any]:
        figures = None if self.figures is None else {
            key: {suffix: base64.b64encode(data).decode("ascii") for suffix, data in files.items()}
            for key, files in self.figures.items()}
        return {"document": document_to_dict(self.document), "csv": self.csv, "figures": figures}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ReportParts:
        """The inverse of :meth:`to_json`; malformed data raises KeyError, TypeError or
        ValueError (binascii.Error is a ValueError)."""
        figures = None if data["figures"] is None else {
            str(key): {str(suffix): base64.b64decode(text, validate=True)
                       for suffix, text in files.items()}
            for key, files in data["figures"].items()}
        csv = {str(name): str(text) for name, text in data["csv"].items()}
        return cls(document_from_dict(data["document"]), csv, figures)
