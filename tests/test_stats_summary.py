"""``bench.stats.summary``: one :class:`MethodSummary` per method, its verdicts, the Holm families
and the limits of the design (critical t from scipy, the exact Wilcoxon floor)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from bench.schema import Practical, Verdict
from bench.stats import ReportOptions, analyze
from bench.stats.pairwise import BayesSignedRank
from bench.stats.summary import (
    all_pairs_family,
    datasets_family,
    holm_wilcoxon_floor,
    method_verdict,
    practical_verdict,
    versus_baseline_family,
)
from tests.helpers import analysis_of, frame

FAST = ReportOptions(n_bootstrap=200, bayes_samples=2000)


@pytest.mark.parametrize(("p_holm", "direction", "verdict"), [
    (0.01, 0.2, Verdict.WIN), (0.01, -0.2, Verdict.LOSS), (0.2, 0.2, Verdict.TIE),
    (0.01, 0.0, Verdict.TIE), (math.nan, 0.2, Verdict.NA)])
def test_method_verdict(p_holm: float, direction: float, verdict: Verdict) -> None:
    assert method_verdict(p_holm, direction, 0.05) == verdict


@pytest.mark.parametrize(("probs", "verdict"), [
    ((0.01, 0.02, 0.97), Practical.WIN), ((0.97, 0.02, 0.01), Practical.LOSS),
    ((0.01, 0.98, 0.01), Practical.EQUIVALENT), ((0.3, 0.3, 0.4), Practical.UNDECIDED),
    ((math.nan, math.nan, math.nan), Practical.NA)])
def test_practical_verdict(probs: tuple[float, float, float], verdict: Practical) -> None:
    assert practical_verdict(BayesSignedRank("m", 6, *probs), 0.05) == verdict


def test_versus_baseline_family_counts_the_other_methods() -> None:
    assert versus_baseline_family(4, "raw").description == "the 3 comparisons with `raw`"


def test_versus_baseline_family_of_one_comparison_is_singular() -> None:
    assert versus_baseline_family(2, "raw").description == "the 1 comparison with `raw`"


def test_all_pairs_family_size() -> None:
    assert all_pairs_family(5).size == 10


def test_datasets_family_description() -> None:
    assert datasets_family(1).description == "the 1 dataset, separately for each method"


@pytest.mark.parametrize(("n", "k"), [(5, 1), (6, 2), (8, 3)])
def test_wilcoxon_floor_is_scipys_smallest_exact_p_times_the_family(n: int, k: int) -> None:
    smallest = stats.wilcoxon(np.arange(1.0, n + 1), method="exact").pvalue
    assert holm_wilcoxon_floor(n, k) == pytest.approx(min(1.0, k * smallest))


def test_wilcoxon_floor_without_a_test_is_one() -> None:
    assert holm_wilcoxon_floor(1, 3) == 1.0


def test_one_method_summary_per_method_but_the_baseline() -> None:
    a = analysis_of(6)
    assert [s.method for s in a.summaries] == list(a.scores.methods[1:])


def test_method_verdict_follows_wilcoxon_holm_and_direction() -> None:
    a = analysis_of(12, 3)  # 12 datasets: ae/emb −4 %, pca/raw+emb +1 %
    assert a.summary("ae/emb").verdict == Verdict.LOSS
    assert a.summary("pca/raw+emb").verdict == Verdict.WIN


def test_method_verdict_is_a_tie_when_the_design_cannot_reach_alpha() -> None:
    a = analyze(frame(4), FAST)  # 4 datasets: the smallest Holm-adjusted p is 0.25
    assert {s.verdict for s in a.summaries} == {Verdict.TIE}


def test_method_verdict_is_na_without_a_test() -> None:
    a = analyze(frame(1), FAST)
    assert {s.verdict for s in a.summaries} == {Verdict.NA}


def test_summary_counts_the_per_dataset_verdicts() -> None:
    a = analysis_of(6)
    s = a.summary("ae/emb")
    per = [c.significant for c in a.per_dataset if c.method == "ae/emb"]
    assert {k: per.count(k.value) for k in Verdict} == dict(s.significant)


def test_summary_median_is_the_aggregate_bootstrap_median() -> None:
    a = analysis_of(6)
    g = next(g for g in a.aggregate if g.method == "pca/raw+emb")
    assert a.summary("pca/raw+emb").median == g.median


def test_summary_names_the_vs_baseline_holm_family() -> None:
    a = analysis_of(6)
    assert a.summary("ae/emb").family.description == "the 2 comparisons with `raw`"


def test_practical_verdict_from_the_bayesian_signed_rank() -> None:
    a = analysis_of(12, 3)
    assert a.summary("ae/emb").practical_verdict == Practical.LOSS


def test_design_limits_of_three_folds() -> None:
    d = analyze(frame(folds=3, repeats=1), FAST).design
    assert (d.folds, d.repeats, d.splits, d.df) == (3, 1, 3, 2)


def test_design_critical_t_matches_scipy() -> None:
    d = analyze(frame(folds=5, repeats=2), FAST).design
    assert d.t_critical == pytest.approx(stats.t.ppf(0.975, 9))


def test_design_detectable_is_the_median_interval_half_width() -> None:
    a = analysis_of(6)
    halves = [c.ci_high - c.relative_difference for c in a.per_dataset]
    assert a.design.detectable == pytest.approx(float(np.median(halves)))


@pytest.mark.parametrize("n_datasets, floor", [(4, 2 * 2 / 16), (6, 2 * 2 / 64), (1, 1.0)])
def test_design_wilcoxon_floor(n_datasets: int, floor: float) -> None:
    d = analyze(frame(n_datasets), FAST).design
    assert d.wilcoxon_floor == pytest.approx(floor)


def test_design_floor_agrees_with_the_smallest_wilcoxon_p() -> None:
    # All 6 datasets in one direction: exact p = 2/2^6; Holm over 2 methods doubles it.
    a = analyze(frame(6, methods=(("none", "raw", 0.0), ("ae", "emb", -0.2),
                                  ("pca", "emb", -0.3))), FAST)
    assert min(s.p_holm for s in a.summaries) == pytest.approx(a.design.wilcoxon_floor)
