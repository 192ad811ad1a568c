"""``bench explain`` output: Markdown tables and a heatmap figure (text and figures out)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from bench.report.figures import new_figure

if TYPE_CHECKING:
    from bench.explain import Explanation

TOP = 15  # inputs listed in the importance table


def render_explanation_markdown(e: Explanation) -> str:
    """Input importance (encoder vs PCA), then each unit's top inputs."""
    imp = e.importance.head(TOP)
    lines = [
        f"# Which inputs does `{e.encoder}` use? — {e.dataset}", "",
        f"`{e.encoder}` with {e.latent} latent unit(s), fit on {e.n_train} training rows of split "
        f"(repeat 0, fold 0); attributions on {e.n_explained} test rows by integrated gradients "
        f"from the training mean (completeness error {e.completeness_error:.2%}). PCA of the "
        f"same width is explained the same way and by its loadings. A share is the fraction of a "
        f"unit's mean |attribution| that an input carries; importance is the mean share over "
        f"units. Spearman correlation of `{e.encoder}`'s and PCA's importance: "
        f"{_fmt(e.rank_correlation, '.2f')}.", "",
        "## Input importance", "",
        f"| input | `{e.encoder}` | PCA (same method) | PCA loadings |", "|---|---:|---:|---:|",
    ]
    lines += [f"| {name} | {row[e.encoder]:.3f} | {row['pca']:.3f} | {row['pca loadings']:.3f} |"
              for name, row in imp.iterrows()]
    if len(e.importance) > TOP:
        lines.append(f"| … {len(e.importance) - TOP} more in explain.csv | | | |")
    lines += ["", "## Top inputs of each latent unit", "",
              f"| unit | `{e.encoder}` | PCA |", "|---|---|---|"]
    for unit in e.attribution.index:
        pca = _top(e.pca_attribution.loc[unit]) if unit in e.pca_attribution.index else "—"
        lines.append(f"| {unit} | {_top(e.attribution.loc[unit])} | {pca} |")
    return "\n".join(lines) + "\n"


def plot_explanation(e: Explanation) -> Figure:
    """Side-by-side heatmaps of unit × input shares (encoder, PCA), inputs by importance."""
    order = list(e.importance.index[:30])
    panels = [(f"{e.encoder} (integrated gradients)", e.attribution[order]),
              ("PCA (integrated gradients)", e.pca_attribution[order])]
    fig = new_figure(max(6.0, 0.28 * len(order) + 2.5), 1.2 + 0.45 * 2 * max(e.latent, 1))
    axes = fig.subplots(2, 1, sharex=True)
    vmax = max(float(t.to_numpy().max()) for _, t in panels) or 1.0
    for ax, (title, table) in zip(axes, panels, strict=True):
        image = ax.imshow(table.to_numpy(), aspect="auto", cmap="viridis", vmin=0, vmax=vmax)
        ax.set_title(title, loc="left")
        ax.set_yticks(np.arange(len(table.index)), list(table.index))
    axes[-1].set_xticks(np.arange(len(order)), order, rotation=60, ha="right")
    fig.subplots_adjust(bottom=0.35, top=0.92, left=0.08, right=0.84, hspace=0.3)
    fig.colorbar(image, cax=fig.add_axes((0.87, 0.35, 0.02, 0.57)),
                 label="share of the unit's attribution")
    return fig


def _top(row: pd.Series, n: int = 3) -> str:
    best = row.sort_values(ascending=False).head(n)
    return ", ".join(f"{name} ({share:.0%})" for name, share in best.items() if share > 0) or "—"


def _fmt(value: float, spec: str) -> str:
    return "n/a" if not np.isfinite(value) else format(value, spec)
