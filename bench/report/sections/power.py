"""The "Power" section: the smallest effect each test could detect (``bench.stats.power``)."""

from __future__ import annotations

import math

from bench.report import formatting as fmt
from bench.report.document import Block, Cell, Column, Heading, Paragraph, Table
from bench.stats.analysis import Analysis
from bench.stats.power import MIN_DF, DatasetPower, WilcoxonPower


def power_blocks(a: Analysis) -> list[Block]:
    """Heading, what the numbers mean, per-dataset and across-dataset minimum detectable effects,
    and what a tie means when a dataset has few degrees of freedom."""
    p = a.power
    blocks: list[Block] = [Heading("Power")]
    if len(a.scores.methods) < 2:
        return [*blocks, Paragraph(f"No method other than `{a.baseline}`: nothing to detect.")]
    blocks += [Paragraph(_intro(a)), _per_dataset_table(a), _across_table(a)]
    low = p.low_df_datasets
    if low:
        blocks.append(Paragraph(_low_df_text(low, len(a.scores.datasets))))
    return blocks


def _intro(a: Analysis) -> str:
    p = a.power
    level, rope = fmt.level(p.power), fmt.level(a.rope)
    return (f"Minimum detectable effect (MDE): the smallest true improvement over `{a.baseline}` "
            f"that a test declares significant with {level} probability (power) at α = "
            f"{p.alpha}, two-sided, before Holm's correction (which makes it larger). Per "
            f"dataset it comes from the observed standard deviation s of the split differences, "
            f"the J splits and the Nadeau–Bengio variance factor 1/J + n_test/n_train (noncentral "
            f"t with J − 1 df); across datasets, for the Wilcoxon signed-rank test on N datasets, "
            f"from the observed spread of the per-dataset relative improvements (normal model, "
            f"exact critical value for N ≤ 50, Monte Carlo power). Effects are relative to "
            f"`{a.baseline}`'s mean, like every difference in this report. A tie is evidence of "
            f"equivalence only where the MDE is below the ROPE (±{rope}); above it, the design "
            f"could not have told a difference of that size apart.")


def _per_dataset_table(a: Analysis) -> Table:
    methods = a.scores.methods[1:]
    index = {(r.dataset, r.method): r for r in a.power.per_dataset}
    rows = []
    for dataset in a.scores.datasets:
        cells = [index[(dataset, m)] for m in methods]
        j = max((c.n_splits for c in cells), default=0)
        rows.append((Cell(dataset), Cell(str(j)), Cell(str(max(j - 1, 0)),
                                                        bold=j > 0 and j - 1 < MIN_DF),
                     *[_mde_cell(c) for c in cells]))
    cols = (Column("dataset"), Column("J", "r"), Column("df", "r"),
            *[Column(f"`{m}`", "r") for m in methods])
    caption = (f"Per dataset: smallest relative improvement over `{a.baseline}` that the "
               f"corrected resampled t-test detects with {fmt.level(a.power.power)} power "
               f"(α = {a.power.alpha}, two-sided). Bold df: fewer than {MIN_DF}. \"abs\": "
               f"the baseline is near 0, so the effect is in metric units.")
    return Table("power_per_dataset", caption, cols, tuple(rows))


def _mde_cell(r: DatasetPower) -> Cell:
    if not math.isfinite(r.detectable):
        return Cell(fmt.DASH + (f" ({r.note})" if r.note else ""))
    if r.absolute:
        return Cell(f"{fmt.number(r.detectable, 4)} abs")
    return Cell(fmt.percent(r.detectable, signed=False))


def _across_table(a: Analysis) -> Table:
    rows = tuple((Cell(f"`{w.method}`"), Cell(str(w.n_datasets)),
                  Cell(fmt.percent(w.sd, signed=False)), Cell(_wilcoxon_text(w)))
                 for w in a.power.across)
    caption = (f"Across datasets: smallest median relative improvement over `{a.baseline}` that "
               f"the Wilcoxon signed-rank test detects with {fmt.level(a.power.power)} power "
               f"(α = {a.power.alpha}, two-sided), if per-dataset improvements were normal with "
               f"the observed SD.")
    cols = (Column("method"), Column("datasets", "r"), Column("SD across datasets", "r"),
            Column("detectable median improvement", "r"))
    return Table("power_across", caption, cols, rows)


def _wilcoxon_text(w: WilcoxonPower) -> str:
    if math.isinf(w.detectable):
        return f"none ({w.note})"
    text = fmt.percent(w.detectable, signed=False)
    return text + (f" ({w.note})" if w.note else "")


def _low_df_text(datasets: tuple[str, ...], n_datasets: int) -> str:
    where = (f"every dataset ({n_datasets})" if len(datasets) == n_datasets else
             f"{len(datasets)} dataset(s) ({', '.join(datasets)})")
    return (f"**Too little data to tell.** On {where} the "
            f"per-dataset tests have fewer than {MIN_DF} degrees of freedom (J − 1). A "
            f"\"tie\" there means \"too little data to tell\", not \"equivalent\": with so few "
            f"splits the t distribution's heavy tails and the corrected variance leave large "
            f"effects undetected (see the MDE above). Use more repeats or folds, or read the "
            f"Bayesian P(equivalent), before calling a method equivalent there.")
