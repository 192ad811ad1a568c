"""The leakage audit: naive vs leak-free supervised embeddings, per dataset."""

from __future__ import annotations

from bench.report.document import Block, Cell, Column, Heading, Paragraph, Table
from bench.report.sections.common import arrow
from bench.stats.leakage import LeakageAudit


def leakage_blocks(audit: LeakageAudit) -> list[Block]:
    """Naive vs leak-free supervised embeddings, per dataset (see ``bench.stats.leakage``)."""
    blocks: list[Block] = [Heading("Leakage audit")]
    if not audit.rows:
        return [*blocks, Paragraph(
            "This run has no naive/leak-free pair of supervised encoders. Add a variant such as "
            "`[encoders.mlp_naive] type = \"mlp\"`, `mode = \"naive\"` to measure how much "
            "training XGBoost on embeddings of rows the network trained on inflates results.")]
    blocks.append(Paragraph(
        "Gain = relative improvement of the mean primary metric over the encoder's own `raw` "
        "baseline (positive is better; for `holdout`, `raw` on the same held-out rows). "
        "Inflation = naive gain − leak-free gain: how much the leak flatters the naive variant."))
    rows = tuple(
        (Cell(r.dataset), Cell(f"{r.metric} {arrow(r.metric)}"), Cell(r.feature_set),
         Cell(f"`{r.naive}`"), Cell(f"`{r.leak_free}` ({r.leak_free_mode})"),
         Cell(str(r.n_splits)), Cell(f"{r.naive_score:.4f}"), Cell(f"{r.leak_free_score:.4f}"),
         Cell(f"{r.naive_gain:+.2%}"), Cell(f"{r.leak_free_gain:+.2%}"),
         Cell(f"{r.inflation:+.2%}", bold=True))
        for r in audit.rows)
    cols = (Column("dataset"), Column("metric"), Column("features"), Column("naive"),
            Column("leak-free"), Column("splits", "r"), Column("naive score", "r"),
            Column("leak-free score", "r"), Column("naive gain", "r"),
            Column("leak-free gain", "r"), Column("inflation", "r"))
    medians = "; ".join(f"`{n}` vs `{f}` ({fs}): {v:+.2%}"
                        for (n, f, fs), v in audit.median_inflation().items())
    return [*blocks, Table("leakage_audit", "Leakage audit: naive vs leak-free supervised "
                           "embeddings per dataset", cols, rows),
            Paragraph(f"Median inflation across datasets: {medians}.")]

