"""Per dataset: means, relative differences, Bayesian decisions, all tests, the Δ figure."""

from __future__ import annotations

import math

from bench.report import formatting as fmt
from bench.report.document import Block, Cell, Column, Figure, Heading, Table
from bench.report.sections.common import arrow, verdict_mark
from bench.schema import Practical
from bench.stats.analysis import Analysis
from bench.stats.per_dataset import DatasetComparison
from bench.stats.summary import datasets_family


def per_dataset_blocks(a: Analysis) -> list[Block]:
    blocks: list[Block] = [Heading("Per dataset"), _means_table(a)]
    if len(a.scores.methods) > 1:
        blocks += [_delta_table(a), _bayes_table(a), _tests_table(a),
                   Figure("delta_vs_baseline", _delta_caption(a))]
    return blocks


def _comparison_index(a: Analysis) -> dict[tuple[str, str], DatasetComparison]:
    return {(c.dataset, c.method): c for c in a.per_dataset}


def _means_table(a: Analysis) -> Table:
    index = _comparison_index(a)
    methods = list(a.scores.methods)
    rows = []
    for dataset in a.scores.datasets:
        metric = a.scores.metrics[dataset]
        means, sds, counts = a.means.loc[dataset], a.stds.loc[dataset], a.counts.loc[dataset]
        oriented = means * a.scores.sign(dataset)
        best = oriented.max()
        full = counts.max()
        cells = [Cell(dataset), Cell(f"{metric} {arrow(metric)}")]
        for m in methods:
            text = fmt.mean_sd(means[m], sds[m])
            if math.isfinite(means[m]) and counts[m] < full:
                text += f" (n={counts[m]})"
            c = index.get((dataset, m))
            cells.append(Cell(text, bold=bool(math.isfinite(means[m]) and oriented[m] == best),
                              mark=verdict_mark(c.significant) if c else ""))
        rows.append(tuple(cells))
    cols = (Column("dataset"), Column("metric"), *[Column(f"`{m}`", "r") for m in methods])
    runs = len(a.scores.repeats) * len(a.scores.folds) * len(a.scores.seeds)
    caption = (f"Mean ± SD of the primary metric over repeats × folds × seeds ({runs} runs; "
               f"n= marks fewer). Bold: best per row. ▲/▼: significantly better / worse than "
               f"`{a.baseline}` (Nadeau–Bengio corrected resampled t-test, two-sided, Holm "
               f"across datasets, α = {a.alpha}).")
    return Table("means", caption, cols, tuple(rows))


def _delta_table(a: Analysis) -> Table:
    index = _comparison_index(a)
    methods = a.scores.methods[1:]
    rows = tuple(
        (Cell(d), *[_delta_cell(index[(d, m)]) for m in methods]) for d in a.scores.datasets)
    caption = (f"Relative difference to `{a.baseline}` per dataset (mean over splits; positive "
               f"= better). ▲/▼: Nadeau–Bengio corrected resampled t-test significant after "
               f"Holm across datasets (two-sided, α = {a.alpha}).")
    cols = (Column("dataset"), *[Column(f"`{m}`", "r") for m in methods])
    return Table("per_dataset_delta", caption, cols, rows)


def _delta_cell(c: DatasetComparison) -> Cell:
    return Cell(fmt.percent(c.relative_difference), mark=verdict_mark(c.significant))


def _bayes_table(a: Analysis) -> Table:
    index = _comparison_index(a)
    methods = a.scores.methods[1:]
    rows = []
    for d in a.scores.datasets:
        cells = [Cell(d)]
        for m in methods:
            c = index[(d, m)]
            text = " / ".join(fmt.probability(p) for p in (c.p_worse, c.p_equivalent, c.p_better))
            cells.append(Cell(text, bold=c.practical in (Practical.WIN, Practical.LOSS,
                                                 Practical.EQUIVALENT)))
        rows.append(tuple(cells))
    rope = fmt.level(a.rope)
    caption = (f"Bayesian correlated t-test (baycomp, runs = repeats) per dataset: P(worse) / "
               f"P(equivalent) / P(better) than `{a.baseline}`, ROPE ±{rope} of its mean. Bold: "
               f"one probability ≥ {1 - a.alpha:.2f} (a practical decision).")
    cols = (Column("dataset"), *[Column(f"`{m}`", "c") for m in methods])
    return Table("per_dataset_bayes", caption, cols, tuple(rows))


def _tests_table(a: Analysis) -> Table:
    rows = []
    for c in sorted(a.per_dataset, key=lambda c: (c.dataset, c.method)):
        rows.append(tuple(Cell(t) for t in (
            c.dataset, f"`{c.method}`", str(c.n_splits),
            fmt.number(c.mean_difference, 4), fmt.percent_ci(c.relative_difference, c.ci_low,
                                                             c.ci_high),
            fmt.number(c.statistic), str(c.df), fmt.p_value(c.p_value), fmt.p_value(c.p_holm),
            fmt.probability(c.p_worse), fmt.probability(c.p_equivalent),
            fmt.probability(c.p_better), c.significant, c.practical, c.note)))
    cols = (Column("dataset"), Column("method"), Column("J", "r"), Column("Δ", "r"),
            Column("Δ rel. [CI]", "r"), Column("t", "r"), Column("df", "r"), Column("p", "r"),
            Column("p Holm", "r"), Column("P(worse)", "r"), Column("P(equiv.)", "r"),
            Column("P(better)", "r"), Column("significant"), Column("practical"),
            Column("note"))
    family = datasets_family(len(a.scores.datasets)).description
    return Table("per_dataset_tests", f"All per-dataset tests; p Holm: Holm family {family} "
                 f"(full precision in tables/per_dataset_tests.csv)", cols, tuple(rows),
                 detail=True)


def _delta_caption(a: Analysis) -> str:
    level = fmt.level(1 - a.alpha)
    return (f"Relative difference to `{a.baseline}` per dataset (%, positive = better) with "
            f"{level} t-intervals from the corrected resampled standard error (J − 1 df, not "
            f"Holm-adjusted); the grey band is the ROPE (±{fmt.level(a.rope)}). Methods differ "
            f"by marker and colour; the x axis is symmetric-log beyond ±1 %.")
