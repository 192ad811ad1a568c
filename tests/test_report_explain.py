"""Rendering of `bench explain` (bench.report.explain): the three-line answer opens explain.md, the
plain sentence follows the numbers, and the figures carry their labels (checked on matplotlib's
artists, not pixels), with titles clear of every axis."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from bench.config import EmbeddedSpec
from bench.data import load_dataset
from bench.explain import Design, explain
from bench.explain.result import Spread
from bench.explain.stability import rank_inputs
from bench.report.explain import (
    answer_lines,
    importance_figure,
    latent_scatter,
    render_explanation_markdown,
    subspace_sentence,
    unit_heatmap,
)


@pytest.fixture(scope="module")
def rp():
    iris = load_dataset(EmbeddedSpec(source="embedded", name="iris"))
    return explain(iris, "rp", {"latent": 2}, design=Design(folds=2, seeds=2))


def test_markdown_opens_with_the_three_line_answer(rp) -> None:
    lines = render_explanation_markdown(rp).splitlines()
    assert [line.split("**")[1] for line in lines[2:5]] == ["Reads:", "Combines:", "Is it PCA?"]


def test_markdown_title_names_encoder_and_dataset(rp) -> None:
    assert render_explanation_markdown(rp).splitlines()[0] == (
        "# Which inputs does `rp` use, and how? — iris")


def test_answer_has_three_lines(rp) -> None:
    assert len(answer_lines(rp)) == 3


def test_a_linear_encoder_is_said_to_combine_linearly(rp) -> None:
    assert answer_lines(rp)[1] == "**Combines:** linearly — `rp` is a linear map of its inputs."


def test_same_subspace_sentence(rp) -> None:
    e = dataclasses.replace(rp, angle=Spread(2.0, 1.0), cka=Spread(0.99, 0.01))
    assert subspace_sentence(e).startswith(
        "Its latent space is essentially PCA's subspace, and weighs its directions as PCA does")


def test_different_subspace_sentence(rp) -> None:
    e = dataclasses.replace(rp, angle=Spread(60.0, 5.0), cka=Spread(0.4, 0.1))
    assert subspace_sentence(e).startswith("No: its latent space is a different subspace")




def test_importance_bars_have_error_bars(rp) -> None:
    bars = importance_figure(rp).axes[0]
    assert [type(c).__name__ for c in bars.containers].count("ErrorbarContainer") == 2


def test_importance_legend_is_encoder_and_reference(rp) -> None:
    legend = importance_figure(rp).axes[0].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["rp", "pca"]


def test_importance_ticks_are_the_ranked_inputs(rp) -> None:
    axes = importance_figure(rp).axes
    assert [t.get_text() for t in axes[1].get_xticklabels()] == list(rp.ranking.table.index)


def test_figure_titles_name_the_dataset(rp) -> None:
    titles = [ax.get_title(loc="left") for fig in (importance_figure(rp), unit_heatmap(rp),
                                                   latent_scatter(rp)) for ax in fig.axes
              if ax.get_title(loc="left")]
    assert all(t.startswith("iris: ") for t in titles)


def test_heatmap_shows_every_cell_value(rp) -> None:
    fig = unit_heatmap(rp)
    texts = [t.get_text() for ax in fig.axes[:2] for t in ax.texts]
    assert len(texts) == 2 * 2 * 4


def test_heatmap_titles_overlap_no_axis_labels(rp) -> None:
    fig = unit_heatmap(rp)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    panels = fig.axes[:2]
    labels = [lbl.get_window_extent(renderer) for ax in panels
              for lbl in ax.get_xticklabels() + ax.get_yticklabels()]
    titles = [ax.title.get_window_extent(renderer) for ax in panels]
    assert [(i, j) for i, t in enumerate(titles) for j, b in enumerate(labels) if t.overlaps(b)] == []


def test_heatmap_titles_sit_above_their_axes(rp) -> None:
    fig = unit_heatmap(rp)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    assert all(ax.title.get_window_extent(renderer).y0 >= ax.bbox.y1 - 1 for ax in fig.axes[:2])


def test_latent_scatter_legend_lists_the_classes(rp) -> None:
    legend = latent_scatter(rp).axes[-1].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == list(rp.classes)


def test_latent_scatter_axes_are_the_units(rp) -> None:
    ax = latent_scatter(rp).axes[0]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("z0", "z1")


def _with_ranking(e, values):
    ranking = rank_inputs(np.asarray(values, dtype=float), ["p", "q", "r"], top_k=1)
    return dataclasses.replace(e, ranking=ranking)


def test_a_stable_ranking_is_called_stable(rp) -> None:
    e = _with_ranking(rp, [[0.6, 0.3, 0.1]] * 4)
    assert answer_lines(e)[0].startswith("**Reads:** p > q > r — a stable ranking over")


def test_an_unstable_leader_is_said_to_be_unstable(rp) -> None:
    e = _with_ranking(rp, [[0.5, 0.4, 0.1], [0.4, 0.5, 0.1]] * 2)
    assert answer_lines(e)[0].startswith("**Reads:** no stable ranking over")


def test_one_fit_says_stability_is_unknown(rp) -> None:
    e = _with_ranking(rp, [[0.6, 0.3, 0.1]])
    assert answer_lines(e)[0].endswith("from one fit, so nothing is known about stability.")
