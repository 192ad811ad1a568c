"""The run's facts (suite, design, methods, rows) and how the numbers are computed."""

from __future__ import annotations

from bench.report import formatting as fmt
from bench.report.document import Block, Bullets, Formula, Heading, Paragraph
from bench.report.info import RunInfo
from bench.report.sections.common import dataset_counts, design
from bench.stats.analysis import Analysis

#: The Nadeau–Bengio corrected resampled t statistic, typeset and in plain text.
CORRECTED_T_LATEX = (r"t = \frac{\bar{d}}{\sqrt{\left(\frac{1}{J} + "
                     r"\frac{n_\mathrm{test}}{n_\mathrm{train}}\right) s^2}}, \quad J - 1 "
                     r"\mbox{ df}")
CORRECTED_T_TEXT = "t = d̄ / √((1/J + n_test/n_train) · s²),  J − 1 df"


def facts_blocks(a: Analysis, info: RunInfo) -> list[Block]:
    s = a.scores
    rows = len(s.runs) + len(s.failures) + len(s.no_value)
    items = [f"**suite**: {info.suite}" if info.suite else "",
             f"**run**: `{info.run_id}`" if info.run_id else "",
             f"**datasets**: {dataset_counts(a)}",
             f"**design**: {design(a)}",
             f"**methods**: {', '.join(f'`{m}`' for m in s.methods)} (baseline `{a.baseline}`)",
             f"**device**: {info.device}" if info.device else "",
             _inferred(info),
             f"**result rows**: {rows} ({len(s.failures)} failed, "
             f"{len(s.no_value)} without a primary-metric value)"]
    return [Heading("Run"), Bullets(tuple(i for i in items if i))]


def _inferred(info: RunInfo) -> str:
    if not info.inferred_tasks:
        return ""
    guessed = ", ".join(f"{name} ({task}, inferred)" for name, task in
                        sorted(info.inferred_tasks.items()))
    return f"**tasks inferred** (`--infer-tasks`; not set in the suite): {guessed}"


def method_blocks(a: Analysis) -> list[Block]:
    rope = fmt.level(a.rope)
    before = (
        f"Each dataset is scored with one primary metric (classification and regression use "
        f"different ones; ↑ higher is better, ↓ lower is better). A run of a method pairs with "
        f"the run of `{a.baseline}` on the same repeat, fold and seed; seeds share the split, so "
        f"paired differences are averaged over seeds within each split and the per-dataset "
        f"tests see J = repeats × folds differences. Differences are oriented (positive = better "
        f"than `{a.baseline}`) and expressed relative to `{a.baseline}`'s mean on that dataset "
        f"(relative error reduction for error metrics), which makes datasets with different "
        f"metrics comparable and lets one region of practical equivalence (ROPE, ±{rope} of the "
        f"baseline) serve every metric. Per dataset: Nadeau–Bengio corrected resampled t-test, "
        f"two-sided, with d̄ and s² the mean and variance of the J differences:")
    after = (
        f"Holm-corrected across datasets for each method, α = {a.alpha}; and the Bayesian "
        f"correlated t-test (baycomp) with the ROPE. Across datasets: average ranks "
        f"(scale-free), Friedman test with the Iman–Davenport F, Wilcoxon signed-rank tests on "
        f"relative differences (Pratt's zero handling) with Holm's correction, the Nemenyi test "
        f"for reference, and a Bayesian signed-rank test per method. Each Holm correction runs "
        f"over one family, named wherever its p-values appear: the datasets (per-dataset tests "
        f"of one method), the comparisons with `{a.baseline}` (does a method beat "
        f"`{a.baseline}`?), or all pairs of methods (which methods differ from each other?). "
        f"Aggregates resample datasets and the splits within them ({a.options.n_bootstrap} "
        f"bootstrap samples, percentile {fmt.level(1 - a.alpha)} CIs). Failed runs are never "
        f"used and are listed below.")
    return [Heading("How the numbers are computed"), Paragraph(before),
            Formula(CORRECTED_T_LATEX, CORRECTED_T_TEXT), Paragraph(after)]
