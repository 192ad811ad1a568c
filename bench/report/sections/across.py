"""Across datasets: ranks, Friedman, pairwise Wilcoxon–Holm (all pairs), cliques, the CD
diagram, Nemenyi for reference, and the performance profile."""

from __future__ import annotations

import math

from bench.report import formatting as fmt
from bench.report.document import Block, Bullets, Cell, Column, Figure, Heading, Paragraph, Table
from bench.report.sections.common import verdict_mark
from bench.stats.analysis import Analysis
from bench.stats.summary import all_pairs_family, method_verdict, versus_baseline_family


def across_blocks(a: Analysis) -> list[Block]:
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
        verdict = method_verdict(w.p_holm, w.median_difference, a.alpha)
        with_baseline = a.baseline in (w.first, w.second)
        rows.append((Cell(f"`{w.first}` vs `{w.second}`" + (" †" if with_baseline else "")),
                     Cell(str(w.n)),
                     Cell(fmt.percent(w.median_difference), mark=verdict_mark(verdict)),
                     Cell(fmt.p_value(w.p_value)), Cell(fmt.p_value(w.p_holm)),
                     Cell("yes" if verdict in ("win", "loss") else "no"),
                     Cell(("exact" if w.exact else "normal approx.") +
                          (f"; {w.note}" if w.note else ""))))
    k = len(a.scores.methods)
    family = all_pairs_family(k).description
    caption = (f"Which methods differ from each other: pairwise Wilcoxon signed-rank tests "
               f"across datasets on relative differences (first − second, in units of "
               f"`{a.baseline}`'s mean; Pratt's zero handling), Holm family: {family}, "
               f"α = {a.alpha}. ▲/▼: the first method is significantly better / worse. †: this "
               f"comparison with `{a.baseline}` is also in the summary table, where the Holm "
               f"family is only {versus_baseline_family(k, a.baseline).description} (another "
               f"question: does a method beat `{a.baseline}`?); the larger family here gives a "
               f"larger adjustment, so the two Holm p-values differ while the unadjusted p is "
               f"the same (when no dataset is left out of the ranks).")
    cols = (Column("pair"), Column("N", "r"), Column("median difference", "r"), Column("p", "r"),
            Column("p Holm", "r"), Column("significant", "c"), Column("p from"))
    return Table("wilcoxon_pairwise", caption, cols, tuple(rows))


def _clique_items(a: Analysis) -> tuple[str, ...]:
    groups = a.ranks.cliques
    family = all_pairs_family(len(a.scores.methods)).description
    items = [(f"Not significantly different (Wilcoxon–Holm over {family}, α = "
              f"{a.alpha}): " + ", ".join(f"`{m}`" for m in g)) for g in groups]
    if not groups:
        items.append("Every pair of methods differs significantly (Wilcoxon–Holm): no clique.")
    n, pairs = len(a.ranks.datasets), len(a.ranks.wilcoxon)
    floor = a.design.pairs_floor  # Holm's smallest adjusted p: m times the exact minimum
    if pairs and floor >= a.alpha:
        items.append(f"With N = {n} datasets and {pairs} pairs the smallest attainable "
                     f"Holm-adjusted Wilcoxon p is {floor:.3g} ≥ α: no pair can be declared "
                     f"different; more datasets are needed (the Nemenyi test below is "
                     f"shown for reference).")
    return tuple(items)


def _cd_caption(a: Analysis) -> str:
    return (f"Critical-difference diagram: average ranks over {len(a.ranks.datasets)} datasets "
            f"(1 = best, on the right); thick bars join methods that the pairwise Wilcoxon "
            f"signed-rank tests with Holm over {all_pairs_family(len(a.scores.methods)).description} "
            f"do not separate (α = {a.alpha}). No Nemenyi ruler is drawn: the Nemenyi critical "
            f"difference ({fmt.number(a.ranks.critical_difference, 3)}) is given in the text "
            f"for reference only.")


def _nemenyi_table(a: Analysis) -> Table:
    p = a.ranks.nemenyi_p
    methods = list(p.index)
    rows = tuple((Cell(f"`{m}`"), *[Cell(fmt.p_value(p.loc[m, n]) if m != n else "",
                                         bold=m != n and p.loc[m, n] < a.alpha)
                                    for n in methods]) for m in methods)
    cols = (Column("method"), *[Column(f"`{m}`", "r") for m in methods])
    return Table("nemenyi", f"Nemenyi post-hoc p-values (studentized range, as scikit-posthocs "
                 f"computes them), for reference; bold: "
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
