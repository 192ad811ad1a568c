"""What the report says: an :class:`Analysis` becomes a :class:`Document` (rendered elsewhere)."""

from __future__ import annotations

import math
import textwrap
from collections import Counter
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

import pandas as pd

from bench.report import formatting as fmt
from bench.report.document import (
    Block,
    Bullets,
    Cell,
    Column,
    Document,
    Figure,
    Heading,
    Paragraph,
    Preformatted,
    Table,
)
from bench.report.sections.shift import shift_blocks
from bench.schema import HIGHER_IS_BETTER
from bench.stats.analysis import Analysis
from bench.stats.leakage import LeakageAudit
from bench.stats.per_dataset import DatasetComparison

REPORT_PACKAGES = ("embedbench", "numpy", "pandas", "scipy", "baycomp", "scikit-posthocs",
                   "matplotlib")


@dataclass(frozen=True)
class RunInfo:
    """Facts about the run that are not in the result rows (from ``manifest.json``)."""

    suite: str = ""
    run_id: str = ""
    config_hash: str = ""
    device: str = ""
    versions: dict[str, str] = field(default_factory=dict)  # when the run ran
    report_versions: dict[str, str] = field(default_factory=dict)  # when the report was made

    @classmethod
    def from_manifest(cls, manifest: dict[str, Any], *, suite: str = "",
                      device: str = "") -> RunInfo:
        """Identity and versions from a run manifest (any key may be missing)."""
        dev = manifest.get("device") or {}
        if not device and dev:
            device = f"{dev.get('kind', '')} ({dev.get('name', '')})"
        env_versions = (manifest.get("environment") or {}).get("versions") or {}
        return cls(suite=str(manifest.get("suite") or suite), run_id=str(manifest.get("run_id", "")),
                   config_hash=str(manifest.get("config_hash", "")), device=device,
                   versions={k: str(v) for k, v in env_versions.items() if v},
                   report_versions=report_versions())


def report_versions() -> dict[str, str]:
    """Versions of the libraries that compute the statistics and draw the figures."""
    out = {}
    for name in REPORT_PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return out


def build_document(analysis: Analysis, info: RunInfo) -> Document:
    blocks: list[Block] = []
    blocks += _facts(analysis, info)
    blocks += _summary(analysis)
    blocks += _per_dataset(analysis)
    blocks += _across(analysis)
    blocks += leakage_blocks(analysis.leakage)
    blocks += shift_blocks(analysis)
    blocks += _gaps(analysis)
    blocks += _cite(analysis, info)
    title = f"EmbedBench report — {info.suite}" if info.suite else "EmbedBench report"
    return Document(title, tuple(blocks))


# -- run facts and method --------------------------------------------------------------------


def _facts(a: Analysis, info: RunInfo) -> list[Block]:
    s = a.scores
    rows = len(s.runs) + len(s.failures) + len(s.no_value)
    items = [f"**suite**: {info.suite}" if info.suite else "",
             f"**run**: `{info.run_id}`" if info.run_id else "",
             f"**datasets**: {_dataset_counts(a)}",
             f"**design**: {_design(a)}",
             f"**methods**: {', '.join(f'`{m}`' for m in s.methods)} (baseline `{a.baseline}`)",
             f"**device**: {info.device}" if info.device else "",
             f"**result rows**: {rows} ({len(s.failures)} failed, "
             f"{len(s.no_value)} without a primary-metric value)"]
    return [Bullets(tuple(i for i in items if i)), Heading("How the numbers are computed"),
            Paragraph(_method_text(a))]


def _dataset_counts(a: Analysis) -> str:
    by_metric = Counter(a.scores.metrics.values())
    parts = [f"{n} on {m} {_arrow(m)}" for m, n in sorted(by_metric.items())]
    return f"{len(a.scores.datasets)} ({'; '.join(parts)})"


def _design(a: Analysis) -> str:
    s = a.scores
    return (f"{len(s.repeats)} repeat(s) × {len(s.folds)} folds × {len(s.seeds)} seed(s) "
            f"(seeds {', '.join(map(str, s.seeds))}) per dataset and method")


def _arrow(metric: str) -> str:
    return "↑" if HIGHER_IS_BETTER[metric] else "↓"


def _method_text(a: Analysis) -> str:
    rope = fmt.level(a.rope)
    return (
        f"Each dataset is scored with one primary metric (classification and regression use "
        f"different ones; ↑ higher is better, ↓ lower is better). A run of a method pairs with "
        f"the run of `{a.baseline}` on the same repeat, fold and seed; seeds share the split, so "
        f"paired differences are averaged over seeds within each split and the per-dataset "
        f"tests see J = repeats × folds differences. Differences are oriented (positive = better "
        f"than `{a.baseline}`) and expressed relative to `{a.baseline}`'s mean on that dataset "
        f"(relative error reduction for error metrics), which makes datasets with different "
        f"metrics comparable and lets one region of practical equivalence (ROPE, ±{rope} of the "
        f"baseline) serve every metric. Per dataset: Nadeau–Bengio corrected resampled t-test "
        f"(t = d̄ / sqrt((1/J + n_test/n_train)·s²), J − 1 df, two-sided), Holm-corrected across "
        f"datasets for each method, α = {a.alpha}; and the Bayesian correlated t-test "
        f"(baycomp) with the ROPE. Across datasets: average ranks (scale-free), Friedman test "
        f"with the Iman–Davenport F, pairwise Wilcoxon signed-rank tests on relative differences "
        f"(Pratt's zero handling) with Holm's correction, the Nemenyi test for reference, and a "
        f"Bayesian signed-rank test per method. Aggregates resample datasets and the splits "
        f"within them ({a.options.n_bootstrap} bootstrap samples, percentile "
        f"{fmt.level(1 - a.alpha)} CIs). Failed runs are never used and are "
        f"listed below.")


# -- summary against the baseline ------------------------------------------------------------


def _summary(a: Analysis) -> list[Block]:
    if len(a.scores.methods) < 2:
        return [Heading(f"Against `{a.baseline}`"),
                Paragraph(f"No method other than `{a.baseline}` to compare.")]
    return [Heading(f"Against `{a.baseline}` across datasets"), _summary_table(a),
            _aggregate_table(a)]


def _summary_table(a: Analysis) -> Table:
    wil = {r.first: r for r in a.versus_baseline}
    bayes = {b.method: b for b in a.bayes}
    rows = []
    for method in a.scores.methods[1:]:
        per = [c for c in a.per_dataset if c.method == method]
        rel = a.relative[method].dropna()
        w = wil[method]
        mark = _mark(w.p_holm, w.median_difference, a.alpha)
        b = bayes[method]
        rows.append((Cell(f"`{method}`"), Cell(str(len(rel))), Cell(_wtl(rel)),
                     Cell(_counts(per, "significant", ("win", "tie", "loss"))),
                     Cell(_counts(per, "practical", ("win", "equivalent", "undecided", "loss"))),
                     Cell(fmt.percent(w.median_difference), mark=mark),
                     Cell(fmt.p_value(w.p_holm) + (f" ({w.note})" if w.note else "")),
                     Cell(" / ".join(fmt.probability(p) for p in
                                     (b.p_worse, b.p_equivalent, b.p_better)))))
    cols = (Column("method"), Column("datasets", "r"), Column("win / tie / loss", "c"),
            Column("significant W / T / L", "c"), Column("practical W / E / U / L", "c"),
            Column("median rel. improvement", "r"), Column("Wilcoxon p (Holm)", "r"),
            Column("Bayesian signed-rank P(worse / equiv. / better)", "c"))
    rope = fmt.level(a.rope)
    caption = (f"Each method against `{a.baseline}`. win / tie / loss: datasets where its mean "
               f"is better / equal / worse. Significant: Nadeau–Bengio corrected resampled "
               f"t-test, two-sided, Holm across datasets, α = {a.alpha}. Practical: Bayesian "
               f"correlated t-test with ROPE ±{rope} of the baseline; win / equivalent / loss "
               f"when that posterior probability is ≥ {1 - a.alpha:.2f}, else undecided (U). "
               f"Wilcoxon signed-rank on the relative improvements (Pratt), Holm across the "
               f"{len(a.scores.methods) - 1} methods; ▲/▼ p < α. Bayesian signed-rank test "
               f"with the same ROPE.")
    return Table("summary", caption, cols, tuple(rows))


def _wtl(rel: pd.Series) -> str:
    return f"{int((rel > 0).sum())} / {int((rel == 0).sum())} / {int((rel < 0).sum())}"


def _counts(rows: list[DatasetComparison], attr: str, kinds: tuple[str, ...]) -> str:
    counter = Counter(getattr(r, attr) for r in rows)
    text = " / ".join(str(counter[k]) for k in kinds)
    return text + (f" ({counter['n/a']} n/a)" if counter["n/a"] else "")


def _mark(p: float, direction: float, alpha: float) -> str:
    if not (math.isfinite(p) and p < alpha):
        return ""
    return "win" if direction > 0 else "loss"


def _aggregate_table(a: Analysis) -> Table:
    rows = tuple(
        (Cell(f"`{g.method}`"), Cell(str(g.n_datasets)),
         Cell(fmt.percent_ci(g.median.value, g.median.low, g.median.high)),
         Cell(fmt.percent_ci(g.iqm.value, g.iqm.low, g.iqm.high)),
         Cell(_probability_ci(g.probability_of_improvement) + (f" ({g.note})" if g.note else "")))
        for g in a.aggregate)
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


def _probability_ci(e) -> str:
    if not math.isfinite(e.value):
        return fmt.DASH
    return f"{e.value:.2f} [{e.low:.2f}, {e.high:.2f}]"


# -- per dataset -----------------------------------------------------------------------------


def _per_dataset(a: Analysis) -> list[Block]:
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
        cells = [Cell(dataset), Cell(f"{metric} {_arrow(metric)}")]
        for m in methods:
            text = fmt.mean_sd(means[m], sds[m])
            if math.isfinite(means[m]) and counts[m] < full:
                text += f" (n={counts[m]})"
            c = index.get((dataset, m))
            cells.append(Cell(text, bold=bool(math.isfinite(means[m]) and oriented[m] == best),
                              mark=_verdict_mark(c.significant) if c else ""))
        rows.append(tuple(cells))
    cols = (Column("dataset"), Column("metric"), *[Column(f"`{m}`", "r") for m in methods])
    runs = len(a.scores.repeats) * len(a.scores.folds) * len(a.scores.seeds)
    caption = (f"Mean ± SD of the primary metric over repeats × folds × seeds ({runs} runs; "
               f"n= marks fewer). Bold: best per row. ▲/▼: significantly better / worse than "
               f"`{a.baseline}` (Nadeau–Bengio corrected resampled t-test, two-sided, Holm "
               f"across datasets, α = {a.alpha}).")
    return Table("means", caption, cols, tuple(rows))


def _verdict_mark(verdict: str) -> str:
    return {"win": "win", "loss": "loss"}.get(verdict, "")


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
    return Cell(fmt.percent(c.relative_difference), mark=_verdict_mark(c.significant))


def _bayes_table(a: Analysis) -> Table:
    index = _comparison_index(a)
    methods = a.scores.methods[1:]
    rows = []
    for d in a.scores.datasets:
        cells = [Cell(d)]
        for m in methods:
            c = index[(d, m)]
            text = " / ".join(fmt.probability(p) for p in (c.p_worse, c.p_equivalent, c.p_better))
            cells.append(Cell(text, bold=c.practical in ("win", "loss", "equivalent")))
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
    return Table("per_dataset_tests", "All per-dataset tests (full precision in "
                 "tables/per_dataset_tests.csv)", cols, tuple(rows), detail=True)


def _delta_caption(a: Analysis) -> str:
    level = fmt.level(1 - a.alpha)
    return (f"Relative difference to `{a.baseline}` per dataset with {level} t-intervals from "
            f"the corrected resampled standard error (not Holm-adjusted); the band is the ROPE.")


# -- across datasets -------------------------------------------------------------------------


def _across(a: Analysis) -> list[Block]:
    r = a.ranks
    blocks: list[Block] = [Heading("Across datasets")]
    if r.excluded:
        blocks.append(Paragraph(
            f"Ranks use the {len(r.datasets)} datasets where every method has a result; left "
            f"out: " + "; ".join(f"{d} ({why})" for d, why in sorted(r.excluded.items())) + "."))
    if len(r.datasets) < 2:
        return [*blocks, Paragraph(r.note or "Too few datasets for tests across datasets.")]
    blocks += [_ranks_table(a), Paragraph(_friedman_text(a)), _pairwise_table(a),
               Bullets(_clique_items(a)), Figure("cd_diagram", _cd_caption(a)),
               _nemenyi_table(a), _profile_table(a),
               Figure("performance_profile", _profile_caption(a))]
    return blocks


def _ranks_table(a: Analysis) -> Table:
    r = a.ranks
    order = r.average_ranks.sort_values(kind="stable")
    firsts = (r.ranks == r.ranks.min(axis=1).to_numpy()[:, None]).sum(axis=0)
    rows = tuple((Cell(f"`{m}`"), Cell(f"{order[m]:.3f}", bold=order[m] == order.min()),
                  Cell(str(int(firsts[m])))) for m in order.index)
    caption = (f"Average rank over the {len(r.datasets)} datasets (1 = best; ties share the "
               f"average rank), and on how many datasets each method ranks first (ties count for "
               f"each).")
    return Table("ranks", caption, (Column("method"), Column("average rank", "r"),
                                    Column("ranked first", "r")), rows)


def _friedman_text(a: Analysis) -> str:
    f = a.ranks.friedman
    if f.note and not math.isfinite(f.chi2):
        return f"Friedman test not run: {f.note}."
    text = (f"Friedman test over N = {f.n_datasets} datasets and k = {f.n_methods} methods: "
            f"χ²_F = {fmt.number(f.chi2)} (df {f.df1}, {fmt.p_equals(f.chi2_p)}); "
            f"Iman–Davenport F_F = {fmt.number(f.f)} (df {f.df1}, {f.df2}; "
            f"{fmt.p_equals(f.f_p)}), computed from average ranks as in Demšar (2006), "
            f"without tie correction (scipy's tie-corrected χ² = "
            f"{fmt.number(f.chi2_tie_corrected)}, {fmt.p_equals(f.chi2_tie_corrected_p)}). "
            f"Nemenyi critical difference at α = {a.alpha}: CD = "
            f"{fmt.number(a.ranks.critical_difference, 3)}.")
    return text + (f" Note: {f.note}." if f.note else "")


def _pairwise_table(a: Analysis) -> Table:
    rows = []
    for w in a.ranks.wilcoxon:
        significant = math.isfinite(w.p_holm) and w.p_holm < a.alpha
        rows.append((Cell(f"`{w.first}` vs `{w.second}`"), Cell(str(w.n)),
                     Cell(fmt.percent(w.median_difference),
                          mark=_mark(w.p_holm, w.median_difference, a.alpha)),
                     Cell(fmt.p_value(w.p_value)), Cell(fmt.p_value(w.p_holm)),
                     Cell("yes" if significant else "no"),
                     Cell(("exact" if w.exact else "normal approx.") +
                          (f"; {w.note}" if w.note else ""))))
    caption = (f"Pairwise Wilcoxon signed-rank tests across datasets on relative differences "
               f"(first − second, in units of `{a.baseline}`'s mean; Pratt's zero handling), "
               f"Holm across all {len(rows)} pairs, α = {a.alpha}. ▲/▼: the first method is "
               f"significantly better / worse.")
    cols = (Column("pair"), Column("N", "r"), Column("median difference", "r"), Column("p", "r"),
            Column("p Holm", "r"), Column("significant", "c"), Column("p from"))
    return Table("wilcoxon_pairwise", caption, cols, tuple(rows))


def _clique_items(a: Analysis) -> tuple[str, ...]:
    groups = a.ranks.cliques
    items = [("Not significantly different (Wilcoxon–Holm, α = "
              f"{a.alpha}): " + ", ".join(f"`{m}`" for m in g)) for g in groups]
    if not groups:
        items.append("Every pair of methods differs significantly (Wilcoxon–Holm): no clique.")
    n, pairs = len(a.ranks.datasets), len(a.ranks.wilcoxon)
    floor = pairs * 2.0 / 2.0**n  # Holm's smallest adjusted p: m times the exact minimum
    if pairs and floor >= a.alpha:
        items.append(f"With N = {n} datasets and {pairs} pairs the smallest attainable "
                     f"Holm-adjusted Wilcoxon p is {floor:.3g} ≥ α: no pair can be declared "
                     f"different; more datasets are needed (the Nemenyi test below is "
                     f"shown for reference).")
    return tuple(items)


def _cd_caption(a: Analysis) -> str:
    return (f"Critical-difference diagram: average ranks (1 = best, right); bars join methods "
            f"that the pairwise Wilcoxon–Holm tests do not separate (α = {a.alpha}); the CD bar "
            f"is the Nemenyi critical difference ({fmt.number(a.ranks.critical_difference, 3)}), "
            f"shown for reference.")


def _nemenyi_table(a: Analysis) -> Table:
    p = a.ranks.nemenyi_p
    methods = list(p.index)
    rows = tuple((Cell(f"`{m}`"), *[Cell(fmt.p_value(p.loc[m, n]) if m != n else "",
                                         bold=m != n and p.loc[m, n] < a.alpha)
                                    for n in methods]) for m in methods)
    cols = (Column("method"), *[Column(f"`{m}`", "r") for m in methods])
    return Table("nemenyi", f"Nemenyi post-hoc p-values (scikit-posthocs), for reference; bold: "
                 f"p < {a.alpha}", cols, rows, detail=True)


def _profile_table(a: Analysis) -> Table:
    s = a.shortfall
    rows = []
    for m in s.columns:
        col = s[m]
        rows.append((Cell(f"`{m}`"),
                     *[Cell(f"{int((col <= tau).sum())} / {len(col)}") for tau in
                       (0.0, 0.01, 0.05)]))
    caption = ("Performance profile: on how many datasets each method is the best, within 1 %, "
               "and within 5 % of the best method (relative shortfall sign·(best − method)/"
               "|best|).")
    cols = (Column("method"), Column("best", "r"), Column("within 1%", "r"),
            Column("within 5%", "r"))
    return Table("performance_profile", caption, cols, tuple(rows))


def _profile_caption(a: Analysis) -> str:
    return ("Performance profile: fraction of datasets on which a method's relative shortfall "
            "from the best method is at most τ (higher and further left is better).")


# -- leakage audit ----------------------------------------------------------------------------


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
        (Cell(r.dataset), Cell(f"{r.metric} {_arrow(r.metric)}"), Cell(r.feature_set),
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


# -- gaps, failures and the citation block ---------------------------------------------------


def _gaps(a: Analysis) -> list[Block]:
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
    from bench.stats.scores import method_name

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


def _cite(a: Analysis, info: RunInfo) -> list[Block]:
    return [Heading("How to cite these numbers"),
            Paragraph("Quote the result-set hash with any number taken from this report: it "
                      "identifies the exact result rows, and `bench report` regenerates every "
                      "table and figure from them."),
            Preformatted(cite_text(a, info))]


def cite_text(a: Analysis, info: RunInfo) -> str:
    s = a.scores
    software = ", ".join(f"{k} {v}" for k, v in sorted(info.versions.items()) if v)
    statistics = ", ".join(f"{k} {v}" for k, v in sorted(info.report_versions.items()) if v)
    bench_version = info.versions.get("embedbench") or info.report_versions.get("embedbench", "")
    options = a.options
    flags = f"--baseline {options.baseline} --alpha {options.alpha} --rope {options.rope}"
    if options.metrics:
        flags += " --metric " + ",".join(options.metrics[k] for k in sorted(options.metrics))
    lines = [
        f"EmbedBench {bench_version}".rstrip()
        + (f", suite {info.suite}" if info.suite else "")
        + (f", run {info.run_id}" if info.run_id else ""),
        f"datasets: {_dataset_counts(a)}",
        f"design: {_design(a)}; {len(s.methods)} methods; "
        f"{len(s.runs) + len(s.failures) + len(s.no_value)} result rows, "
        f"{len(s.failures)} failed",
        f"result-set hash (SHA-256 of the result rows): {a.result_hash}",
        f"config hash: {info.config_hash}" if info.config_hash else "",
        f"statistics: alpha = {options.alpha}, ROPE = {options.rope} (relative to the "
        f"baseline mean), Holm correction, {options.n_bootstrap} bootstrap resamples",
        f"device: {info.device}" if info.device else "",
        f"software of the run: {software}" if software else "",
        f"report computed with: {statistics}" if statistics else "",
    ]
    wrapped = [textwrap.fill(line, width=96, subsequent_indent="    ", break_on_hyphens=False)
               for line in lines if line]
    # The command stays copy-pasteable: shell line continuations instead of plain wrapping.
    command = textwrap.wrap(f"bench report RUN_DIR {flags}", width=80, break_on_hyphens=False,
                            break_long_words=False)
    wrapped.append("regenerate: " + " \\\n    ".join(command))
    return "\n".join(wrapped)
