"""``bench.explain.result``: per-fit measures aggregated into an :class:`Explanation` — means
over fits match the long per-fit frame, which holds every value."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bench.config import EmbeddedSpec
from bench.data import load_dataset
from bench.explain.fit import Design, fit_all
from bench.explain.measures import measure_fit
from bench.explain.result import TOP_PAIRS, Spread, long_frame, summarize


@pytest.fixture(scope="module")
def measured():
    iris = load_dataset(EmbeddedSpec(source="embedded", name="iris"))
    fits = fit_all(iris, "rp", {"latent": 2}, Design(folds=2, seeds=2, max_rows=20))
    return iris, [measure_fit(f, steps=8) for f in fits]


@pytest.fixture(scope="module")
def explanation(measured):
    iris, fits = measured
    return summarize(fits, dataset="iris", encoder="rp", reference="pca", reference_label="PCA",
                     linear=True, task=iris.task, classes=tuple(iris.classes), folds=2, seeds=2,
                     n_train=75, top_k=None)


def test_spread_is_mean_and_sample_sd() -> None:
    assert Spread.of([1.0, 3.0]) == Spread(2.0, math.sqrt(2.0))


def test_spread_of_one_fit_has_no_sd() -> None:
    assert math.isnan(Spread.of([5.0]).sd)


def test_n_fits_counts_every_split_and_seed(explanation) -> None:
    assert explanation.n_fits == 4


def test_inputs_are_the_datasets_columns(explanation, measured) -> None:
    iris, _ = measured
    assert explanation.inputs == tuple(iris.X.columns)


def test_ranking_is_the_mean_importance_over_fits(explanation) -> None:
    long = explanation.to_frame()
    rows = long[(long["method"] == "rp") & (long["measure"] == "importance")]
    means = rows.groupby("input")["value"].mean()
    np.testing.assert_allclose(explanation.ranking.table["mean"],
                               means[explanation.ranking.table.index])


def test_ranking_is_in_descending_importance(explanation) -> None:
    assert explanation.ranking.table["mean"].is_monotonic_decreasing


def test_the_reference_is_ranked_too(explanation) -> None:
    assert set(explanation.reference_ranking.table.index) == set(explanation.inputs)


def test_cka_is_the_mean_over_fits(explanation, measured) -> None:
    _, fits = measured
    assert explanation.cka.mean == pytest.approx(np.mean([f.cka for f in fits]))


def test_linearity_has_a_row_per_unit(explanation) -> None:
    assert list(explanation.linearity.index) == ["z0", "z1"]


def test_a_linear_encoder_is_linear_in_every_unit(explanation) -> None:
    np.testing.assert_allclose(explanation.linearity["mean"], 1.0, atol=1e-6)


def test_interactions_are_the_strongest_pairs_first(explanation) -> None:
    assert explanation.interactions["mean"].is_monotonic_decreasing


def test_at_most_top_pairs_interactions(explanation) -> None:
    assert len(explanation.interactions) <= TOP_PAIRS


def test_the_scatter_shows_encoder_and_reference(explanation) -> None:
    assert explanation.scatter["method"].value_counts().to_dict() == {"encoder": 20,
                                                                      "reference": 20}


def test_the_long_frame_has_its_columns(measured) -> None:
    _, fits = measured
    assert list(long_frame(fits, encoder="rp", reference="pca").columns) == [
        "split", "seed", "method", "measure", "unit", "input", "input2", "value"]


def test_the_long_frame_has_one_cka_per_fit(explanation) -> None:
    long = explanation.to_frame()
    assert sorted(zip(*(long[long["measure"] == "cka"][c] for c in ("split", "seed")),
                      strict=True)) == [(0, 0), (0, 1), (1, 0), (1, 1)]


def test_the_long_frame_holds_both_methods(explanation) -> None:
    assert set(explanation.to_frame()["method"]) == {"rp", "pca"}
