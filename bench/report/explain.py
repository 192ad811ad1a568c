"""``bench explain`` output: a three-line answer, Markdown tables and figures (text and figures
out; no torch). Everything rendered here is computed in :mod:`bench.explain`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bench.report.figures import CHAR_WIDTH_IN

if TYPE_CHECKING:
    from bench.explain import Explanation

TOP = 15  # inputs listed in the tables and figures
NEAR_LINEAR, MOSTLY_LINEAR = 0.95, 0.8  # whitened linear R² thresholds
SAME_ANGLE, CLOSE_ANGLE = 10.0, 30.0  # largest principal angle (degrees)
SAME_CKA = 0.9


def answer_lines(e: Explanation) -> list[str]:
    """The three-line answer: which inputs, how combined, whether it is its reference (PCA)."""
    return [_reads(e), _combines(e), _is_reference(e)]


def _reads(e: Explanation) -> str:
    r = e.ranking
    first = r.table.iloc[0]
    lead = f"{r.table.index[0]} ({_pm(first['mean'], first['sd'], '.2f')} of the importance)"
    fits = f"{e.n_fits} fits ({e.folds} folds × {e.seeds} seeds)"
    if r.n_fits < 2:
        return f"**Reads:** {r.text()} — from one fit, so nothing is known about stability."
    if all(len(g) == 1 for g in r.groups):
        return f"**Reads:** {r.text()} — a stable ranking over {fits}; first: {lead}."
    if r.leader_is_stable:
        return (f"**Reads:** {r.text()} — {lead} is stably first over {fits}; "
                f"inputs joined by ≈ swap places between fits.")
    return (f"**Reads:** no stable ranking over {fits}: {r.text()} (≈ joins inputs whose order "
            f"changes between fits).")


def _combines(e: Explanation) -> str:
    if e.linear:
        return f"**Combines:** linearly — `{e.encoder}` is a linear map of its inputs."
    r2 = e.linearity_all
    kind = ("almost linearly" if r2.mean >= NEAR_LINEAR else
            "mostly linearly" if r2.mean >= MOSTLY_LINEAR else "non-linearly")
    text = (f"**Combines:** {kind} — the best linear map of the inputs explains "
            f"{_pm(r2.mean * 100, r2.sd * 100, '.0f')} % of the whitened latent on test rows")
    if len(e.interactions):
        top = e.interactions.iloc[0]
        text += (f"; strongest interaction {top['input']} × {top['input2']} "
                 f"({_pm(top['mean'], top['sd'], '.2f')})")
    return text + "."


def _is_reference(e: Explanation) -> str:
    if e.reference is None:
        return f"**Compared with:** nothing — `{e.encoder}` names no reference encoder."
    return f"**Is it {e.reference_label}?** {subspace_sentence(e)}"


def subspace_sentence(e: Explanation) -> str:
    """A plain sentence interpreting the principal angles and linear CKA against the reference."""
    ref = e.reference_label
    angle, cka = e.angle, e.cka
    numbers = (f"largest principal angle {_pm(angle.mean, angle.sd, '.0f')}°, "
               f"linear CKA {_pm(cka.mean, cka.sd, '.2f')}")
    if not np.isfinite(angle.mean):
        return f"Not comparable ({numbers})."
    if angle.mean <= SAME_ANGLE:
        where = f"Its latent space is essentially {ref}'s subspace"
    elif angle.mean <= CLOSE_ANGLE:
        where = f"Its latent space is close to {ref}'s subspace"
    else:
        where = f"No: its latent space is a different subspace from {ref}'s"
    how = ("and weighs its directions as " + ref + " does" if cka.mean >= SAME_CKA else
           "but weighs its directions differently (a non-orthogonal or non-linear map of it)")
    return f"{where}, {how} ({numbers}; mean ± SD over {e.n_fits} fits)."


def render_explanation_markdown(e: Explanation) -> str:
    """``explain.md``: the three-line answer first, then the numbers behind it."""
    lines = [f"# Which inputs does `{e.encoder}` use, and how? — {e.dataset}", "",
             *[line + "  " for line in answer_lines(e)], "", _design(e), ""]
    lines += _importance_section(e) + _combination_section(e) + _reconstruction_section(e)
    lines += _reference_section(e) + _unit_section(e)
    return "\n".join(lines) + "\n"


def _design(e: Explanation) -> str:
    return (f"`{e.encoder}` with {e.latent} latent unit(s), fit on the training rows of each of "
            f"{e.folds} folds × {e.seeds} seeds ({e.n_fits} fits, {e.n_train} training rows in "
            f"the first); every measure is on the fold's test rows ({e.n_explained} in the first) "
            f"and given as mean ± SD over the fits. Full per-fit values: `explain.csv`.")


def _importance_section(e: Explanation) -> list[str]:
    r, ref = e.ranking, e.reference_ranking
    lines = ["## Which inputs it reads", "",
             "Importance is basis-free: each input's share of E‖Σ^{-1/2} ∂z/∂x‖² (the encoder's "
             "Jacobian, whitened by the latent covariance on training rows), so rotating or "
             "linearly re-mixing the latent units does not change it; every latent direction "
             "counts equally. Ranks are per fit; 'tie' groups inputs whose order is not stable "
             "(each must beat the next in ≥ 90 % of fits).", "",
             f"| input | `{e.encoder}` importance | mean rank | in top {r.top_k} | tie group |"
             + (f" {e.reference} importance |" if ref is not None else ""),
             "|---|---:|---:|---:|---:|" + ("---:|" if ref is not None else "")]
    for name, row in r.table.head(TOP).iterrows():
        line = (f"| {name} | {_pm(row['mean'], row['sd'], '.3f')} | {row['rank']:.1f} | "
                f"{row['top_k']:.0%} | {int(row['group'])} |")
        if ref is not None:
            other = ref.table.loc[name]
            line += f" {_pm(other['mean'], other['sd'], '.3f')} |"
        lines.append(line)
    if len(r.table) > TOP:
        lines.append(f"| … {len(r.table) - TOP} more in explain.csv | | | | |")
    return lines + [""]


def _combination_section(e: Explanation) -> list[str]:
    lines = ["## How it combines them", "",
             "Linearity: test-row R² of the best linear map from the prepared inputs to each "
             "unit (fit on training rows); 1 means the unit is a linear projection. "
             f"Whitened, all units together: {_pm(e.linearity_all.mean, e.linearity_all.sd)}.", "",
             "| unit | linear R² |", "|---|---:|"]
    lines += [f"| {unit} | {_pm(row['mean'], row['sd'])} |" for unit, row in e.linearity.iterrows()]
    lines += ["", "Strongest interactions: RMS over test rows of ‖Σ^{-1/2} ∂²z/∂x_i∂x_j‖ (how "
              "the whitened gradient along one input changes along the other, per SD²; 0 for a "
              "linear map).", ""]
    if not len(e.interactions):
        return lines + ["None computed (linear, or too many prepared columns).", ""]
    lines += ["| inputs | interaction |", "|---|---:|"]
    lines += [f"| {row['input']} × {row['input2']} | {_pm(row['mean'], row['sd'], '.3f')} |"
              for _, row in e.interactions.iterrows()]
    return lines + [""]


def _reconstruction_section(e: Explanation) -> list[str]:
    rec = e.reconstruction
    if rec is None:
        return []
    has_ref = "reference_mean" in rec.columns
    lines = ["## What it keeps", "", "Per input, R² of the reconstruction on test rows (which "
             "inputs survive the bottleneck).", "",
             f"| input | `{e.encoder}` | " + (f"{e.reference} |" if has_ref else ""),
             "|---|---:|" + ("---:|" if has_ref else "")]
    for name in e.ranking.table.index[:TOP]:
        row = rec.loc[name]
        line = f"| {name} | {_pm(row['mean'], row['sd'])} |"
        if has_ref:
            line += f" {_pm(row['reference_mean'], row['reference_sd'])} |"
        lines.append(line)
    return lines + [""]


def _reference_section(e: Explanation) -> list[str]:
    if e.reference is None:
        return []
    return [f"## Is it {e.reference_label}?", "",
            subspace_sentence(e) + " Principal angles compare the spans of the two latents "
            "on test rows (0° = the same subspace, whatever linear map relates them); linear CKA "
            "(1 = the same up to rotation and scale) also compares how variance spreads over "
            "directions.", ""]


def _unit_section(e: Explanation) -> list[str]:
    note = (f"units Procrustes-aligned to {e.reference}'s before averaging over fits"
            if e.aligned else "units in the encoder's own basis")
    lines = ["## Per-unit shares (basis-dependent)", "",
             f"Secondary view: each unit's mean |integrated gradient| per input, as shares ({note}; "
             f"IG completeness error at most {e.completeness_error:.2%}). A latent space is only "
             "defined up to an invertible map, so these depend on the basis.", "",
             f"| unit | `{e.encoder}` | " + (f"{e.reference} |" if e.reference_shares is not None
                                            else ""),
             "|---|---|" + ("---|" if e.reference_shares is not None else "")]
    for unit in e.unit_shares.index:
        line = f"| {unit} | {_top(e.unit_shares.loc[unit])} |"
        if e.reference_shares is not None:
            ref = e.reference_shares
            line += f" {_top(ref.loc[unit]) if unit in ref.index else '—'} |"
        lines.append(line)
    return lines + [""]


# -- figures --------------------------------------------------------------------------------


def explanation_figures(e: Explanation) -> dict[str, Figure]:
    """Every figure the explanation supports, by file key."""
    figures = {"explain-importance": importance_figure(e), "explain-units": unit_heatmap(e)}
    if len(e.scatter):
        figures["explain-latent"] = latent_scatter(e)
    return figures


def _figure(width: float, heights: list[float], *, top: float = 0.4, gap: float = 0.5,
            bottom: float = 0.5, left: float = 0.9, right: float = 0.25) -> tuple[Figure, list]:
    """A figure of stacked axes with margins in inches (no layout engine: it would triple the
    drawing time): ``top`` and ``gap`` leave room for each panel's title, ``bottom`` for the
    (rotated) tick labels of the last panel, so titles never overlap an axis."""
    height = top + sum(heights) + gap * (len(heights) - 1) + bottom
    fig = Figure(figsize=(width, height), dpi=150)
    FigureCanvasAgg(fig)
    axes = fig.subplots(len(heights), 1, sharex=True, squeeze=False,
                        gridspec_kw={"height_ratios": heights})[:, 0]
    fig.subplots_adjust(left=left / width, right=1 - right / width, bottom=bottom / height,
                        top=1 - top / height, hspace=gap / (sum(heights) / len(heights)))
    return fig, list(axes)


def _label_room(names: list[str]) -> float:
    """Inches below an axis for tick labels rotated by 45°."""
    return 0.35 + CHAR_WIDTH_IN * max((len(n) for n in names), default=1) * 0.75


def importance_figure(e: Explanation) -> Figure:
    """Importance (mean ± SD over fits) of the encoder vs the reference, and how often each input
    is in the top k."""
    table = e.ranking.table.head(TOP)
    names = list(table.index)
    fig, (bars, often) = _figure(max(6.0, 0.55 * len(names) + 2.5), [2.8, 1.3],
                                 bottom=_label_room(names))
    x = np.arange(len(names))
    series = [(f"{e.encoder}", table)]
    if e.reference_ranking is not None:
        series.append((e.reference, e.reference_ranking.table.loc[names]))
    width = 0.8 / len(series)
    for i, (label, values) in enumerate(series):
        bars.bar(x + (i - (len(series) - 1) / 2) * width, values["mean"], width,
                 yerr=np.nan_to_num(values["sd"].to_numpy()), capsize=3, label=label)
    bars.set_ylabel("importance (share)")
    bars.set_title(f"{e.dataset}: which inputs `{e.encoder}` reads "
                   f"(mean ± SD over {e.n_fits} fits)", loc="left")
    bars.legend(frameon=False)
    often.bar(x, table["top_k"], 0.6, color="0.4")
    often.set_ylim(0, 1)
    often.set_ylabel(f"in top {e.ranking.top_k}")
    often.set_title(f"{e.dataset}: rank stability of `{e.encoder}`", loc="left")
    often.set_xticks(x, names, rotation=45, ha="right")
    return fig


def unit_heatmap(e: Explanation) -> Figure:
    """Per-unit shares (basis-dependent), encoder beside the reference, values in the cells."""
    order = list(e.ranking.table.index[:TOP])
    panels = [(f"`{e.encoder}`" + (" (aligned to " + str(e.reference) + ")" if e.aligned else ""),
               e.unit_shares[order])]
    if e.reference_shares is not None:
        panels.append((str(e.reference), e.reference_shares[order]))
    width = max(6.0, 0.7 * len(order) + 3.0)
    fig, axes = _figure(width, [0.45 * len(t) + 0.2 for _, t in panels],
                        bottom=_label_room(order), right=1.3)
    image = None
    for ax, (title, table) in zip(axes, panels, strict=True):
        image = ax.imshow(table.to_numpy(), aspect="auto", cmap="viridis", vmin=0, vmax=1)
        ax.set_title(f"{e.dataset}: per-unit shares of {title}", loc="left")
        ax.set_yticks(np.arange(len(table.index)), list(table.index))
        for (i, j), value in np.ndenumerate(table.to_numpy()):
            ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=7,
                    color="white" if value < 0.5 else "black")
    axes[-1].set_xticks(np.arange(len(order)), order, rotation=45, ha="right")
    low, high = axes[-1].get_position().y0, axes[0].get_position().y1
    cax = fig.add_axes((1 - 1.0 / width, low, 0.15 / width, high - low))
    fig.colorbar(image, cax=cax, label="share of the unit's |IG|")
    return fig


def latent_scatter(e: Explanation) -> Figure:
    """Test rows of the first fit in the 2-D latent space, coloured by class (or target)."""
    methods = list(dict.fromkeys(e.scatter["method"]))
    width = 4.2 * len(methods) + (1.2 if e.task == "regression" else 0.4)
    fig = Figure(figsize=(width, 4.0), dpi=150)
    FigureCanvasAgg(fig)
    axes = fig.subplots(1, len(methods), squeeze=False)[0]
    fig.subplots_adjust(left=0.7 / width, right=1 - (1.1 if e.task == "regression" else 0.2) / width,
                        bottom=0.55 / 4.0, top=1 - 0.35 / 4.0, wspace=0.25)
    labels = {"encoder": f"`{e.encoder}`" + (" (aligned)" if e.aligned else ""),
              "reference": str(e.reference)}
    for ax, method in zip(axes, methods, strict=True):
        part = e.scatter[e.scatter["method"] == method]
        if e.task == "regression":
            points = ax.scatter(part["z0"], part["z1"], c=part["y"], s=12, cmap="viridis")
        else:
            for code in sorted(part["y"].unique()):
                rows = part[part["y"] == code]
                ax.scatter(rows["z0"], rows["z1"], s=12, label=_class_name(e, code))
        ax.set_title(f"{e.dataset}: {labels[method]} latent, test rows", loc="left")
        ax.set_xlabel("z0")
        ax.set_ylabel("z1")
    if e.task == "regression":
        fig.colorbar(points, ax=list(axes), label="target", fraction=0.04)
    else:
        axes[-1].legend(frameon=False, title="class", fontsize=7)
    return fig


def _class_name(e: Explanation, code: float) -> str:
    i = int(code)
    return str(e.classes[i]) if i < len(e.classes) else str(i)


def _top(row: pd.Series, n: int = 3) -> str:
    best = row.sort_values(ascending=False).head(n)
    return ", ".join(f"{name} ({share:.0%})" for name, share in best.items() if share > 0) or "—"


def _pm(mean: float, sd: float, spec: str = ".2f") -> str:
    if not np.isfinite(mean):
        return "n/a"
    return format(mean, spec) + ("" if not np.isfinite(sd) else " ± " + format(sd, spec))

