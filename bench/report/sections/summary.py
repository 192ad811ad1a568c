"""Each method against the baseline across datasets: the summary and aggregate tables, rendered
from the analysis's :class:`~bench.stats.summary.MethodSummary` objects (nothing re-derived)."""

from __future__ import annotations

import math
from collections.abc import Mapping

from bench.report import formatting as fmt
from bench.report.document import Block, Cell, Column, Heading, Paragraph, Table
from bench.report.sections.common import verdict_mark
from bench.schema import Practical, Verdict
from bench.stats.aggregate import Estimate
from bench.stats.analysis import Analysis
from bench.stats.summary import MethodSummary

SIGNIFICANT_ORDER = (Verdict.WIN, Verdict.TIE, Verdict.LOSS)
PRACTICAL_ORDER = (Practical.WIN, Practical.EQUIVALENT, Practical.UNDECIDED, Practical.LOSS)


def summary_blocks(a: Analysis) -> list[Block]:
    if not a.summaries:
        return [Heading(f"Against `{a.baseline}`"),
                Paragraph(f"No method other than `{a.baseline}` to compare.")]
    return [Heading(f"Against `{a.baseline}` across datasets"), summary_table(a),
            aggregate_table(a)]


def summary_table(a: Analysis) -> Table:
    rows = tuple(_summary_row(s) for s in a.summaries)
    cols = (Column("method"), Column("datasets", "r"), Column("win / tie / loss", "c"),
            Column("significant W / T / L", "c"), Column("practical W / E / U / L", "c"),
            Column("median rel. improvement", "r"), Column("Wilcoxon p (Holm)", "r"),
            Column("Bayesian signed-rank P(worse / equiv. / better)", "c"))
    rope = fmt.level(a.rope)
    family = a.summaries[0].family.description
    caption = (f"Each method against `{a.baseline}`. win / tie / loss: datasets where its mean "
               f"is better / equal / worse. Significant: Nadeau–Bengio corrected resampled "
               f"t-test, two-sided, Holm across datasets, α = {a.alpha}. Practical: Bayesian "
               f"correlated t-test with ROPE ±{rope} of the baseline; win / equivalent / loss "
               f"when that posterior probability is ≥ {1 - a.alpha:.2f}, else undecided (U). "
               f"Wilcoxon signed-rank on the relative improvements (Pratt), Holm family: "
               f"{family}; ▲/▼ p < α. Bayesian signed-rank test with the same ROPE.")
    return Table("summary", caption, cols, rows)


def _summary_row(s: MethodSummary) -> tuple[Cell, ...]:
    w, b = s.wilcoxon, s.bayes
    return (Cell(f"`{s.method}`"), Cell(str(s.n_datasets)),
            Cell(f"{s.wins} / {s.ties} / {s.losses}"),
            Cell(counts_text(s.significant, SIGNIFICANT_ORDER, Verdict.NA)),
            Cell(counts_text(s.practical, PRACTICAL_ORDER, Practical.NA)),
            Cell(fmt.percent(s.median_relative_improvement), mark=verdict_mark(s.verdict)),
            Cell(fmt.p_value(w.p_holm) + (f" ({w.note})" if w.note else "")),
            Cell(" / ".join(fmt.probability(p) for p in (b.p_worse, b.p_equivalent,
                                                           b.p_better))))


def counts_text(counts: Mapping, order: tuple, na) -> str:
    """"3 / 9 / 1" in ``order``, plus "(2 n/a)" when some comparisons had no test."""
    text = " / ".join(str(counts.get(k, 0)) for k in order)
    return text + (f" ({counts[na]} n/a)" if counts.get(na, 0) else "")


def aggregate_table(a: Analysis) -> Table:
    rows = tuple(
        (Cell(f"`{s.method}`"), Cell(str(g.n_datasets)),
         Cell(fmt.percent_ci(g.median.value, g.median.low, g.median.high)),
         Cell(fmt.percent_ci(g.iqm.value, g.iqm.low, g.iqm.high)),
         Cell(probability_ci(g.probability_of_improvement) + (f" ({g.note})" if g.note else "")))
        for s in a.summaries for g in (s.aggregate,))
    level = fmt.level(1 - a.alpha)
    caption = (f"Aggregate relative improvement over `{a.baseline}` (normalized score: "
               f"sign·(method − baseline)/|baseline| per dataset). Median and IQM "
               f"(interquartile mean) across datasets, and the probability that a split of the "
               f"method beats a split of `{a.baseline}` on the same dataset (ties count ½), "
               f"with {level} percentile bootstrap CIs resampling datasets and the splits within "
               f"them ({a.options.n_bootstrap} resamples).")
    cols = (Column("method"), Column("datasets", "r"), Column(f"median [{level} CI]", "r"),
            Column(f"IQM [{level} CI]", "r"), Column(f"P(improvement) [{level} CI]", "r"))
    return Table("aggregate", caption, cols, rows)


def probability_ci(e: Estimate) -> str:
    if not math.isfinite(e.value):
        return fmt.DASH
    return f"{e.value:.2f} [{e.low:.2f}, {e.high:.2f}]"
