"""``report.md``: GitHub-renderable tables of a run."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from bench.stats import BaselineComparison


def render_markdown(comparison: BaselineComparison, *, header: Mapping[str, Any]) -> str:
    """The full report: run facts, per-dataset means, win/tie/loss and Wilcoxon vs baseline."""
    lines = [f"# EmbedBench report — {header.get('suite', '')}", ""]
    lines += [f"- **{k}**: {v}" for k, v in header.items() if k != "suite"]
    lines += ["", "## Mean primary metric per dataset", ""]
    lines += _means_table(comparison)
    lines += ["", f"## Against `{comparison.baseline}` across datasets", ""]
    lines += _comparison_table(comparison)
    lines += ["", _method_note(comparison)]
    lines += _failures(comparison)
    return "\n".join(lines) + "\n"


def _methods(comparison: BaselineComparison) -> list[str]:
    cols = list(comparison.means.columns)
    rest = sorted(c for c in cols if c != comparison.baseline)
    return ([comparison.baseline] if comparison.baseline in cols else []) + rest


def _means_table(c: BaselineComparison) -> list[str]:
    methods = _methods(c)
    if not methods:
        return ["No successful results."]
    lines = ["| dataset | metric | " + " | ".join(f"`{m}`" for m in methods) + " |",
             "|---|---|" + "---:|" * len(methods)]
    for dataset in c.means.index:
        row = c.means.loc[dataset, methods]
        sd = c.stds.loc[dataset, methods]
        best = row.max() if c.higher_is_better(dataset) else row.min()
        cells = []
        for m in methods:
            value = row[m]
            if pd.isna(value):
                cells.append("—")
                continue
            text = f"{value:.4f} ± {sd[m]:.4f}" if not pd.isna(sd[m]) else f"{value:.4f}"
            cells.append(f"**{text}**" if math.isclose(value, best, rel_tol=0, abs_tol=1e-12) else text)
        arrow = "↑" if c.higher_is_better(dataset) else "↓"
        lines.append(f"| {dataset} | {c.metrics[dataset]} {arrow} | " + " | ".join(cells) + " |")
    return lines


def _comparison_table(c: BaselineComparison) -> list[str]:
    if not c.comparisons:
        return [f"No method to compare with `{c.baseline}`."]
    lines = ["| method | datasets | win / tie / loss | median rel. improvement | Wilcoxon p | |",
             "|---|---:|:---:|---:|---:|---|"]
    for m in c.comparisons:
        p = "—" if math.isnan(m.p_value) else f"{m.p_value:.4f}"
        sig = " *" if not math.isnan(m.p_value) and m.p_value < c.alpha else ""
        med = "—" if math.isnan(m.median_improvement) else f"{m.median_improvement:+.2%}"
        lines.append(f"| `{m.method}` | {m.n_datasets} | {m.wins} / {m.ties} / {m.losses} | "
                     f"{med} | {p}{sig} | {m.note} |")
    return lines


def _method_note(c: BaselineComparison) -> str:
    return (
        f"Each dataset contributes the mean over repeats × folds × seeds. A win means a better "
        f"mean than `{c.baseline}` on that dataset. The improvement is relative to `{c.baseline}` "
        f"(accuracy-like metrics: (method − baseline)/baseline; error metrics: relative error "
        f"reduction), and the two-sided Wilcoxon signed-rank test (Pratt's zero handling) runs "
        f"on it across datasets; `*` marks p < {c.alpha}. No correction for multiple "
        f"comparisons is applied in this table."
    )


def _failures(c: BaselineComparison) -> list[str]:
    if c.failures.empty:
        return ["", "All units finished with status `ok`."]
    lines = ["", f"## Failures ({len(c.failures)} rows)", "",
             "| dataset | encoder | feature set | repeat | fold | seed | error |",
             "|---|---|---|---:|---:|---:|---|"]
    for r in c.failures.itertuples(index=False):
        error = str(r.error).replace("|", "\\|")
        lines.append(f"| {r.dataset} | {r.encoder} | {r.feature_set} | {r.repeat} | {r.fold} | "
                     f"{r.seed} | {error} |")
    return lines
