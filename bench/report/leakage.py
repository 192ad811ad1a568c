"""The leakage audit as a Markdown section (string in, string out; the caller decides where)."""

from __future__ import annotations

from bench.metrics import HIGHER_IS_BETTER
from bench.stats.leakage import LeakageAudit


def render_leakage_markdown(audit: LeakageAudit) -> str:
    """A "Leakage audit" section: per dataset, naive vs leak-free scores and the inflation."""
    lines = ["## Leakage audit", ""]
    if not audit.rows:
        lines.append("No naive/leak-free pair of supervised encoders in this run (add an encoder "
                     "with `mode = \"naive\"` to measure the leak).")
        return "\n".join(lines) + "\n"
    lines += [
        "Gain = relative improvement of the mean primary metric over the encoder's own `raw` "
        "baseline (positive is better; for `holdout`, `raw` on the same held-out rows); "
        "inflation = naive gain − leak-free gain: how much training XGBoost on embeddings of "
        "rows the network trained on flatters the naive variant.",
        "",
        "| dataset | metric | features | naive | leak-free | splits | naive score | "
        "leak-free score | naive gain | leak-free gain | inflation |",
        "|---|---|---|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in audit.rows:
        arrow = "↑" if HIGHER_IS_BETTER[r.metric] else "↓"
        lines.append(
            f"| {r.dataset} | {r.metric} {arrow} | {r.feature_set} | `{r.naive}` | "
            f"`{r.leak_free}` ({r.leak_free_mode}) | {r.n_splits} | {r.naive_score:.4f} | "
            f"{r.leak_free_score:.4f} | {r.naive_gain:+.2%} | {r.leak_free_gain:+.2%} | "
            f"{r.inflation:+.2%} |"
        )
    lines += ["", "Median inflation across datasets: " + "; ".join(
        f"`{n}` vs `{f}` ({fs}): {v:+.2%}" for (n, f, fs), v in audit.median_inflation().items()
    ) + "."]
    return "\n".join(lines) + "\n"
