"""What the report says: an :class:`Analysis` becomes a :class:`Document` (rendered elsewhere).

Each section lives in :mod:`bench.report.sections` and returns a ``list[Block]``;
:func:`build_document` only puts them in order, the answer first.
"""

from __future__ import annotations

from bench.report.document import Block, Document
from bench.report.info import REPORT_PACKAGES, RunInfo, report_versions
from bench.report.sections.across import across_blocks
from bench.report.sections.answer import answer_blocks
from bench.report.sections.cite import cite_blocks, cite_text
from bench.report.sections.facts import facts_blocks, method_blocks
from bench.report.sections.gaps import gaps_blocks
from bench.report.sections.leakage import leakage_blocks
from bench.report.sections.per_dataset import per_dataset_blocks
from bench.report.sections.power import power_blocks
from bench.report.sections.shift import shift_blocks
from bench.report.sections.summary import summary_blocks
from bench.stats.analysis import Analysis

__all__ = ["REPORT_PACKAGES", "RunInfo", "build_document", "cite_text", "leakage_blocks",
           "report_versions"]


def build_document(analysis: Analysis, info: RunInfo) -> Document:
    """The report: the answer, the run, the method, then the evidence section by section."""
    blocks: list[Block] = []
    blocks += answer_blocks(analysis)
    blocks += facts_blocks(analysis, info)
    blocks += summary_blocks(analysis)
    blocks += per_dataset_blocks(analysis)
    blocks += across_blocks(analysis)
    # Further sections of the evidence go here, each a `sections/<name>.py` returning
    # list[Block] from the analysis.
    blocks += power_blocks(analysis)
    blocks += shift_blocks(analysis)
    blocks += leakage_blocks(analysis.leakage)
    blocks += gaps_blocks(analysis)
    blocks += method_blocks(analysis)
    blocks += cite_blocks(analysis, info)
    title = f"EmbedBench report — {info.suite}" if info.suite else "EmbedBench report"
    return Document(title, tuple(blocks))
