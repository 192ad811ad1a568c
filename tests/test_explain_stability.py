"""Rank stability over fits: separable neighbours, tie groups, top-k frequency, mean ± SD."""

from __future__ import annotations

import numpy as np

from bench.explain.stability import default_top_k, mean_sd, rank_inputs

# 10 fits × 4 inputs: a always first; b and c swap; d always last.
VALUES = np.array([[0.5, 0.2 + 0.02 * (i % 2), 0.21 - 0.02 * (i % 2), 0.05] for i in range(10)])


def test_inputs_are_ordered_by_mean_importance() -> None:
    assert list(rank_inputs(VALUES, list("abcd"), top_k=2).table.index[[0, 3]]) == ["a", "d"]


def test_neighbours_that_swap_share_a_tie_group() -> None:
    assert rank_inputs(VALUES, list("abcd"), top_k=2).groups == [["a"], ["b", "c"], ["d"]]


def test_ranking_text_marks_ties() -> None:
    assert rank_inputs(VALUES, list("abcd"), top_k=2).text() == "a > b ≈ c > d"


def test_leader_is_stable() -> None:
    assert rank_inputs(VALUES, list("abcd"), top_k=2).leader_is_stable


def test_top_k_frequency() -> None:
    table = rank_inputs(VALUES, list("abcd"), top_k=2).table
    np.testing.assert_allclose(table.loc[["a", "b", "c", "d"], "top_k"], [1.0, 0.5, 0.5, 0.0])


def test_one_fit_says_nothing_about_stability() -> None:
    ranking = rank_inputs(VALUES[:1], list("abcd"), top_k=2)
    assert len(ranking.groups) == 1


def test_mean_and_sample_sd() -> None:
    mean, sd = mean_sd(VALUES)
    np.testing.assert_allclose(sd, VALUES.std(axis=0, ddof=1))
    np.testing.assert_allclose(mean, VALUES.mean(axis=0))


def test_sd_of_one_value_is_nan() -> None:
    assert np.isnan(mean_sd(np.array([[1.0, 2.0]]))[1]).all()


def test_default_top_k() -> None:
    assert [default_top_k(n) for n in (1, 4, 5, 30)] == [1, 2, 3, 3]
