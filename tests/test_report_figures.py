"""Every figure of the report, checked through matplotlib's artists (texts, legends, lines),
not pixels: each one must stand alone when pasted into a paper."""

from __future__ import annotations

import matplotlib
import matplotlib.colors
import pytest
from matplotlib.figure import Figure

from bench.report.figures import (
    OKABE_ITO,
    RC,
    cd_diagram,
    delta_plot,
    draw_figures,
    method_style,
    performance_profile_plot,
    save,
)
from bench.stats import ReportOptions, analyze
from tests.helpers import METHODS, frame

FAST = ReportOptions(n_bootstrap=200, bayes_samples=2000)
#: Seven methods: more than matplotlib's default cycle tells apart by colour alone on paper.
MANY = (*METHODS, ("mlp", "emb", 0.02), ("mlp", "raw+emb", 0.01), ("pca", "emb", -0.01),
        ("ae", "raw+emb", 0.0))


@pytest.fixture(scope="module")
def analysis():
    return analyze(frame(8, seed=5, methods=MANY), FAST)


def _draw(draw, a) -> Figure:
    with matplotlib.rc_context(RC):
        return draw(a)


def _texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_text()]


def _legend_labels(fig: Figure) -> list[str]:
    legend = fig.axes[0].get_legend()
    assert legend is not None
    return [t.get_text() for t in legend.get_texts()]


def test_cd_diagram_labels_its_rank_axis(analysis) -> None:
    fig = _draw(cd_diagram, analysis)
    assert "average rank (1 = best)" in _texts(fig)


def test_cd_diagram_legend_says_its_bars_are_wilcoxon_holm(analysis) -> None:
    fig = _draw(cd_diagram, analysis)
    assert analysis.ranks.cliques  # the legend is only drawn over bars
    (label,) = _legend_labels(fig)
    assert "Wilcoxon signed-rank, Holm over all 21 pairs of methods" in label


def test_cd_diagram_draws_no_nemenyi_ruler(analysis) -> None:
    fig = _draw(cd_diagram, analysis)
    assert not [t for t in _texts(fig) if "Nemenyi" in t or "CD =" in t]


def test_cd_diagram_labels_every_method_with_its_average_rank(analysis) -> None:
    texts = _texts(_draw(cd_diagram, analysis))
    for method, rank in analysis.ranks.average_ranks.items():
        assert f" {method} ({rank:.2f}) " in texts


def test_delta_plot_states_interval_type_and_level(analysis) -> None:
    ax = _draw(delta_plot, analysis).axes[0]
    assert "95 % t-intervals" in ax.get_title(loc="left")
    assert "positive = better" in ax.get_xlabel()


def test_delta_plot_legend_names_every_method_and_the_rope(analysis) -> None:
    labels = _legend_labels(_draw(delta_plot, analysis))
    assert labels == ["ROPE ±1%", *analysis.scores.methods[1:]]


def test_delta_plot_methods_differ_by_marker_and_line_style(analysis) -> None:
    ax = _draw(delta_plot, analysis).axes[0]
    markers = [c.lines[0].get_marker() for c in ax.containers]
    styles = [str(c.lines[2][0].get_linestyle()) for c in ax.containers]
    assert len(set(markers)) == len(analysis.scores.methods) - 1
    assert len(set(styles)) == len(analysis.scores.methods) - 1


def test_delta_plot_uses_the_okabe_ito_palette(analysis) -> None:
    ax = _draw(delta_plot, analysis).axes[0]
    palette = {matplotlib.colors.to_hex(c) for c in OKABE_ITO}
    colours = {matplotlib.colors.to_hex(c.lines[0].get_color()) for c in ax.containers}
    assert colours <= palette


def test_performance_profile_axes_and_legend(analysis) -> None:
    fig = _draw(performance_profile_plot, analysis)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "τ: relative shortfall from the best method (%)"
    assert ax.get_ylabel() == "fraction of datasets"
    assert "Performance profile" in ax.get_title(loc="left")
    assert _legend_labels(fig) == list(analysis.shortfall.columns)


def test_performance_profile_styles_match_the_delta_plot(analysis) -> None:
    ax = _draw(performance_profile_plot, analysis).axes[0]
    for line in ax.get_lines():
        style = method_style(analysis, line.get_label())
        assert (line.get_marker(), matplotlib.colors.to_hex(line.get_color())) == \
            (style.marker, matplotlib.colors.to_hex(style.color))


def test_every_figure_is_drawn(analysis) -> None:
    assert sorted(draw_figures(analysis)) == ["cd_diagram", "delta_vs_baseline", "performance_profile"]


def test_each_figure_has_a_png_and_a_pdf(analysis) -> None:
    files = draw_figures(analysis)["cd_diagram"]
    assert (files["png"][:4], files["pdf"][:4]) == (b"\x89PNG", b"%PDF")


def test_save_writes_the_png_and_the_pdf(analysis, tmp_path) -> None:
    files = save(_draw(cd_diagram, analysis), tmp_path, "cd")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == {"cd.png": files["png"],
                                                                     "cd.pdf": files["pdf"]}
