"""Figures of the report, drawn headless with matplotlib's object API (no pyplot state).

Each function returns a :class:`matplotlib.figure.Figure`; :func:`render` turns it into PNG and
PDF with fixed metadata, so the same analysis gives byte-identical files.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import NamedTuple

import matplotlib
import matplotlib.ticker
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bench.fsio import atomic_write_bytes
from bench.stats.aggregate import profile_curve
from bench.stats.analysis import Analysis
from bench.stats.summary import all_pairs_family

PNG_METADATA = {"Software": None}
PDF_METADATA = {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None}
# Type 3 fonts and fixed margins: a layout engine or Type 42 subsetting would triple the time.
RC = {"font.size": 9, "axes.titlesize": 10, "pdf.fonttype": 3}
CHAR_WIDTH_IN = 0.07  # about one character of 9-pt DejaVu Sans, for margins
#: Okabe & Ito (2008), a palette told apart under the common colour-vision deficiencies; black
#: is the baseline's. Methods also differ by marker and line style, so no figure relies on colour.
OKABE_ITO = ("#000000", "#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7",
             "#F0E442")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "h", "<", ">", "p")
LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 2)),
              (0, (6, 2, 2, 2)))


class Style(NamedTuple):
    color: str
    marker: str
    linestyle: str | tuple


def method_style(a: Analysis, method: str) -> Style:
    """One method's colour, marker and line style, the same in every figure (by method order;
    the baseline is black, solid, circles)."""
    i = list(a.scores.methods).index(method)
    return Style(OKABE_ITO[i % len(OKABE_ITO)], MARKERS[i % len(MARKERS)],
                 LINESTYLES[i % len(LINESTYLES)])


def new_figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), dpi=150)
    FigureCanvasAgg(fig)
    return fig


def _margins(fig: Figure, *, left_in: float, right_in: float, bottom_in: float = 0.5,
             top_in: float = 0.15) -> None:
    width, height = fig.get_size_inches()
    fig.subplots_adjust(left=min(left_in / width, 0.6), right=1 - min(right_in / width, 0.35),
                        bottom=min(bottom_in / height, 0.4), top=1 - min(top_in / height, 0.3))


def draw_figures(a: Analysis) -> dict[str, dict[str, bytes]]:
    """Draw every figure the analysis supports; return each one's PNG and PDF bytes by figure
    key and suffix (the writer puts them into ``figures/`` and the PNGs into the HTML)."""
    drawers = {}
    if len(a.scores.methods) > 1:
        drawers["delta_vs_baseline"] = delta_plot
    if len(a.ranks.datasets) >= 2:
        drawers["cd_diagram"] = cd_diagram
        drawers["performance_profile"] = performance_profile_plot
    with matplotlib.rc_context(RC):
        return {key: render(draw(a)) for key, draw in drawers.items()}


def save(fig: Figure, directory: Path, key: str) -> dict[str, bytes]:
    """Write ``key.png`` and ``key.pdf`` into ``directory`` (``bench explain``'s figures);
    return their bytes by suffix."""
    files = render(fig)
    for suffix, data in files.items():
        atomic_write_bytes(directory / f"{key}.{suffix}", data)
    return files


def render(fig: Figure) -> dict[str, bytes]:
    """``fig`` as PNG and PDF bytes, by suffix."""
    out = {}
    for suffix, metadata in (("png", PNG_METADATA), ("pdf", PDF_METADATA)):
        buffer = io.BytesIO()
        fig.savefig(buffer, format=suffix, metadata=metadata)
        out[suffix] = buffer.getvalue()
    return out


def cd_diagram(a: Analysis) -> Figure:
    """Demšar's diagram with Wilcoxon–Holm cliques: a labelled average-rank axis (best on the
    right) and thick bars joining methods the pairwise tests do not separate, with a legend that
    says so. No Nemenyi ruler: the bars are not Nemenyi groups."""
    ranks = a.ranks.average_ranks.sort_values(kind="stable")
    k, n_cliques = len(ranks), len(a.ranks.cliques)
    half = (k + 1) // 2
    lowest = -(0.45 + 0.3 * n_cliques + 0.45 * max(half - 1, 0))  # y of the last label row
    width, unit = 7.0, 0.32  # inches, inches per y unit
    fig = new_figure(width, (2.4 - lowest) * unit)
    ax = fig.add_subplot()
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=0.99)
    ax.axis("off")
    low, high = 1, max(k, 2)
    label_in = max(len(f"{m} (0.00)") for m in ranks.index) * CHAR_WIDTH_IN + 0.15
    axis_in = max(width - 2 * label_in, 1.5)
    pad = (high - low) * label_in / axis_in
    ax.set_xlim(high + pad, low - pad)  # reversed: rank 1 (best) on the right
    ax.set_ylim(lowest - 0.35, 2.05)
    ax.plot([low, high], [0, 0], color="black", lw=1)
    for t in range(low, high + 1):
        ax.plot([t, t], [0, 0.12], color="black", lw=1)
        ax.text(t, 0.22, str(t), ha="center", va="bottom")
    ax.text((low + high) / 2, 0.62, "average rank (1 = best)", ha="center", va="bottom",
            gid="rank-axis-label")
    for i, (method, rank) in enumerate(ranks.items()):
        right = i < half  # the better half is labelled on the right
        row = i if right else k - 1 - i
        y = -(0.45 + 0.3 * n_cliques + 0.45 * row)
        x_text = low - pad * 0.05 if right else high + pad * 0.05
        ax.plot([rank, rank, x_text], [0, y, y], color="0.3", lw=0.8)
        ax.text(x_text, y, f" {method} ({rank:.2f}) ", ha="left" if right else "right",
                va="center")
    family = all_pairs_family(k).description
    for j, group in enumerate(a.ranks.cliques):
        r = ranks[list(group)]
        y = -(0.25 + 0.3 * j)
        ax.plot([r.max() + 0.03, r.min() - 0.03], [y, y], color="black", lw=3,
                solid_capstyle="butt",
                label=(f"not significantly different (Wilcoxon signed-rank, Holm over "
                       f"{family}, α = {a.alpha})") if j == 0 else "_nolegend_")
    if n_cliques:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, 1.0), frameon=False, fontsize=8,
                  handlelength=2.5)
    return fig


def delta_plot(a: Analysis) -> Figure:
    """Relative difference to the baseline per dataset with t-intervals, one row per dataset.

    The x axis is symmetric-log beyond ±1 %: a −200 % outlier must not squash the ROPE. The
    title states the interval type and level.
    """
    methods = list(a.scores.methods[1:])
    datasets = list(a.scores.datasets)
    fig = new_figure(7.0, 1.2 + len(datasets) * (0.12 + 0.05 * len(methods)))
    ax = fig.add_subplot()
    rope = a.rope * 100
    ax.axvspan(-rope, rope, color="0.88", zorder=0, label=f"ROPE ±{rope:g}%")
    ax.axvline(0, color="0.4", lw=0.8)
    index = {(c.dataset, c.method): c for c in a.per_dataset}
    offsets = np.linspace(-0.3, 0.3, len(methods)) if len(methods) > 1 else np.zeros(1)
    extent = [rope]
    for j, method in enumerate(methods):
        rows = [index[(d, method)] for d in datasets]
        y = np.arange(len(datasets)) + offsets[j]
        x = np.array([c.relative_difference for c in rows]) * 100
        lo = np.array([c.ci_low for c in rows]) * 100
        hi = np.array([c.ci_high for c in rows]) * 100
        err = np.vstack([x - lo, hi - x])
        style = method_style(a, method)
        bars = ax.errorbar(x, y, xerr=np.where(np.isfinite(err), err, 0), fmt=style.marker,
                           ms=3.5, lw=0.9, capsize=0, label=method, color=style.color)
        for line in bars.lines[2]:
            line.set_linestyle(style.linestyle)
        extent += [abs(v) for v in np.concatenate([x, lo, hi]) if np.isfinite(v)]
    _symlog_percent_axis(ax, max(extent) * 1.1)
    ax.set_yticks(range(len(datasets)), datasets)
    ax.set_ylim(len(datasets) - 0.5, -0.5)
    ax.set_xlabel(f"relative difference to {a.baseline} (%), positive = better")
    ax.set_title(f"Mean relative difference per dataset with {_level(a)} t-intervals "
                 f"(corrected resampled SE, J − 1 df)", fontsize=9, loc="left")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize=8,
              handlelength=2.5)
    _margins(fig, left_in=0.2 + CHAR_WIDTH_IN * max(map(len, datasets)),
             right_in=0.9 + CHAR_WIDTH_IN * max(map(len, methods + ["ROPE ±10%"])),
             top_in=0.35)
    return fig


def _symlog_percent_axis(ax, limit: float) -> None:
    """Linear within ±1 %, logarithmic beyond; ticks at 0 and ±1, 10, 100 … (plus 2 and 5 when
    the range spans at most two decades)."""
    ax.set_xscale("symlog", linthresh=1.0, linscale=0.6)
    ax.set_xlim(-limit, limit)
    decades = [10.0**k for k in range(0, 5) if 10.0**k <= limit]
    steps = decades if len(decades) > 2 else [d * m for d in decades for m in (1, 2, 5)
                                              if d * m <= limit]
    ticks = sorted({0.0, *steps, *[-v for v in steps]})
    ax.set_xticks(ticks, [f"{t:+g}" if t else "0" for t in ticks])
    ax.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())


def _level(a: Analysis) -> str:
    return f"{(1 - a.alpha) * 100:.6g} %"


def _step_marks(curve: np.ndarray) -> list[int]:
    """Where a step curve rises (plus its start), so markers sit on its corners, not everywhere."""
    return [0, *[i for i in range(1, len(curve)) if curve[i] != curve[i - 1]]]


def performance_profile_plot(a: Analysis) -> Figure:
    """ρ(τ) step curves; τ on a symlog axis so that small shortfalls stay readable."""
    shortfall: pd.DataFrame = a.shortfall * 100
    finite = shortfall.to_numpy()[np.isfinite(shortfall.to_numpy())]
    top = max(float(finite.max()) if finite.size else 1.0, 1.0) * 1.05
    taus = np.unique(np.concatenate([[0.0], np.sort(finite), [top]]))
    fig = new_figure(7.0, 3.6)
    ax = fig.add_subplot()
    for method in shortfall.columns:
        style = method_style(a, method)
        curve = profile_curve(shortfall[method], taus)
        ax.step(taus, curve, where="post", label=method, color=style.color,
                linestyle=style.linestyle, lw=1.2, marker=style.marker, ms=3.5,
                markevery=_step_marks(curve))
    ax.set_xscale("symlog", linthresh=1.0)
    ax.set_xlim(0, top)
    ticks = [t for t in (0, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000) if t <= top]
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("τ: relative shortfall from the best method (%)")
    ax.set_ylabel("fraction of datasets")
    ax.set_title("Performance profile: share of datasets within τ of the best method",
                 fontsize=9, loc="left")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize=8,
              handlelength=3)
    _margins(fig, left_in=0.6, top_in=0.35,
             right_in=0.9 + CHAR_WIDTH_IN * max(len(str(m)) for m in shortfall.columns))
    return fig
