"""The "Embedding shift" section: can training-row and test-row embeddings be told apart?"""

from __future__ import annotations

from bench.report.document import Block, Cell, Column, Heading, Paragraph, Table
from bench.stats.analysis import Analysis
from bench.stats.shift import FLAG_ABOVE, EncoderShift


def shift_blocks(a: Analysis) -> list[Block]:
    """Median and maximum shift AUC per encoder, with the encoders above the flag named."""
    blocks: list[Block] = [Heading("Embedding shift")]
    summary = a.shift
    if not summary.encoders:
        return [*blocks, Paragraph(
            "No shift diagnostic in these rows (runs written before results schema version 2 "
            "lack the `shift_auc` column, and `raw` has no embedding).")]
    blocks.append(Paragraph(
        "For every encoder fit, a small classifier (a few depth-3 XGBoost trees, cross-validated "
        "inside the split; `bench.shift`) tries to tell the training rows' embeddings from the "
        "test rows'; the column `shift_auc` holds its ROC AUC. About 0.5 means one distribution; "
        f"a median above {FLAG_ABOVE:g} is flagged. Each fit counts once."))
    rows = tuple(_row(e) for e in summary.encoders)
    cols = (Column("encoder"), Column("mode"), Column("fits", "r"), Column("datasets", "r"),
            Column("median AUC", "r"), Column("max AUC", "r"), Column("max on"),
            Column("flag"))
    blocks.append(Table("embedding_shift", "Embedding shift: ROC AUC of telling training-row "
                        "from test-row embeddings, per encoder", cols, rows))
    flagged = summary.flagged
    if not flagged:
        return [*blocks, Paragraph(f"No encoder has a median shift AUC above {FLAG_ABOVE:g}.")]
    names = ", ".join(f"`{e.encoder}` ({e.median:.2f})" for e in flagged)
    return [*blocks, Paragraph(
        f"**Flagged** (median shift AUC above {FLAG_ABOVE:g}): {names}. These encoders embed "
        "test rows from a visibly different distribution than the training rows XGBoost learned "
        "from, so their test scores mix the embedding's value with that mismatch. For a "
        "supervised encoder this is the sign of a model that saw its own training rows (e.g. "
        "`naive` mode, where it also goes with leaked labels) or of test rows embedded by "
        "another model than the training rows; do not read their scores as the embedding's "
        "worth.")]


def _row(e: EncoderShift) -> tuple[Cell, ...]:
    return (Cell(f"`{e.encoder}`"), Cell(e.mode or "—"), Cell(str(e.n_fits)),
            Cell(str(e.n_datasets)), Cell(f"{e.median:.3f}", bold=e.flagged),
            Cell(f"{e.maximum:.3f}"), Cell(e.worst_dataset),
            Cell("flagged" if e.flagged else "", mark="loss" if e.flagged else ""))
