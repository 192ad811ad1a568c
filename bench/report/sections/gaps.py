"""Failures and missing data: every row left out of the statistics, and why."""

from __future__ import annotations

import pandas as pd

from bench.report.document import Block, Bullets, Cell, Column, Heading, Paragraph, Table
from bench.stats.analysis import Analysis
from bench.stats.scores import method_name


def gaps_blocks(a: Analysis) -> list[Block]:
    s = a.scores
    blocks: list[Block] = [Heading("Failures and missing data")]
    if a.notes:
        blocks.append(Bullets(a.notes))
    if s.failures.empty and s.no_value.empty:
        return [*blocks, Paragraph("All units finished with status `ok` and a value for their "
                                   "primary metric.")]
    if not s.failures.empty:
        blocks.append(_failures_table(a))
    return blocks


def _failures_table(a: Analysis) -> Table:

    f = a.scores.failures.assign(
        method=[method_name(e, fs) for e, fs in zip(a.scores.failures["encoder"],
                                                     a.scores.failures["feature_set"],
                                                     strict=True)],
        error=a.scores.failures.get("error", pd.Series("", index=a.scores.failures.index))
        .fillna("").astype(str))
    grouped = f.groupby(["dataset", "method", "status", "error"], sort=True).size()
    rows = tuple((Cell(d), Cell(f"`{m}`"), Cell(st), Cell(str(n)), Cell(err[:200]))
                 for (d, m, st, err), n in grouped.items())
    cols = (Column("dataset"), Column("method"), Column("status"), Column("runs", "r"),
            Column("error"))
    return Table("failures", f"Failed result rows ({len(f)}), grouped; every one is left out of "
                 "the statistics above (tables/failures.csv lists each row)", cols, rows)

