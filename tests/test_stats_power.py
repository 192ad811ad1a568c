"""Minimum detectable effects: the t-test against statsmodels, the Wilcoxon test against a
published table of critical values, scipy's p-values and a brute-force simulation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.power import TTestPower

from bench.stats import ReportOptions, analyze, corrected_resampled_ttest
from bench.stats.power import (
    MIN_DF,
    signed_rank_null,
    t_detectable_effect,
    t_power,
    wilcoxon_critical_value,
    wilcoxon_detectable_shift,
)
from tests.helpers import frame

FAST = ReportOptions(n_bootstrap=200, bayes_samples=2000)


@pytest.mark.parametrize("j", [3, 5, 10, 30])
def test_t_mde_without_correction_equals_statsmodels(j: int) -> None:
    # With n_test/n_train = 0 the corrected test is the one-sample t-test: Cohen's d from
    # statsmodels' TTestPower (noncentral t, nobs − 1 df) times s.
    expected = TTestPower().solve_power(effect_size=None, nobs=j, alpha=0.05, power=0.8,
                                        alternative="two-sided")
    assert t_detectable_effect(sd=2.0, n_splits=j, ratio=0.0, alpha=0.05) == \
        pytest.approx(2.0 * expected, rel=1e-6)


@pytest.mark.parametrize(("j", "ratio"), [(3, 0.5), (10, 0.25), (10, 1 / 9)])
def test_t_mde_grows_by_the_corrected_variance_factor(j: int, ratio: float) -> None:
    # Same df, standard error larger by sqrt((1/J + r) / (1/J)) = sqrt(1 + J r).
    plain = t_detectable_effect(sd=1.0, n_splits=j, ratio=0.0, alpha=0.05)
    corrected = t_detectable_effect(sd=1.0, n_splits=j, ratio=ratio, alpha=0.05)
    assert corrected == pytest.approx(plain * math.sqrt(1 + j * ratio), rel=1e-6)


def test_t_power_at_the_mde_is_the_target_and_matches_simulation() -> None:
    j, ratio, sd = 10, 0.25, 0.02
    mde = t_detectable_effect(sd=sd, n_splits=j, ratio=ratio, alpha=0.05)
    assert t_power(mde, sd=sd, n_splits=j, ratio=ratio, alpha=0.05) == pytest.approx(0.8)
    # Nadeau & Bengio's model: J differences with total variance σ² and correlation ρ, where
    # ρ/(1 − ρ) = n_test/n_train; s² estimates σ²(1 − ρ), so that is the ``sd`` of the MDE.
    rho = ratio / (1 + ratio)
    sigma = sd / math.sqrt(1 - rho)
    rng = np.random.default_rng(0)
    shared = rng.standard_normal((4000, 1)) * math.sqrt(rho)
    d = mde + sigma * (shared + rng.standard_normal((4000, j)) * math.sqrt(1 - rho))
    p = [corrected_resampled_ttest(row, n_train=4.0, n_test=1.0).p_value for row in d]
    assert np.mean(np.array(p) < 0.05) == pytest.approx(0.8, abs=0.025)


def test_t_mde_undefined_cases_are_nan() -> None:
    assert math.isnan(t_detectable_effect(sd=1.0, n_splits=1, ratio=0.5, alpha=0.05))
    assert math.isnan(t_detectable_effect(sd=0.0, n_splits=5, ratio=0.5, alpha=0.05))
    assert math.isnan(t_detectable_effect(sd=1.0, n_splits=5, ratio=math.nan, alpha=0.05))


def test_signed_rank_null_distribution_by_hand() -> None:
    # n = 3: subsets of {1, 2, 3} by sum: 0:{}, 1:{1}, 2:{2}, 3:{3},{1,2}, 4:{1,3}, 5:{2,3}, 6:all.
    np.testing.assert_allclose(signed_rank_null(3) * 8, [1, 1, 1, 2, 1, 1, 1])
    assert signed_rank_null(20).sum() == pytest.approx(1.0)


# Critical values T (reject when min(W+, W−) ≤ T), two-sided α = 0.05, from the standard table
# (e.g. Zar, Biostatistical Analysis, Table B.12): n = 6: 0, 8: 3, 10: 8, 12: 13, 15: 25, 20: 52.
@pytest.mark.parametrize(("n", "table"), [(6, 0), (8, 3), (10, 8), (12, 13), (15, 25), (20, 52)])
def test_wilcoxon_critical_values_match_the_published_table(n: int, table: int) -> None:
    assert wilcoxon_critical_value(n, 0.05) == n * (n + 1) // 2 - table


@pytest.mark.parametrize("n", [6, 9, 30, 50, 51, 70])
def test_wilcoxon_critical_value_is_where_scipy_starts_to_reject(n: int) -> None:
    w = int(wilcoxon_critical_value(n, 0.05))

    def p_at(target: int) -> float:  # a sample without ties or zeros whose W+ is ``target``
        signs, rest = -np.ones(n), target
        for rank in range(n, 0, -1):
            if rank <= rest:
                signs[rank - 1], rest = 1.0, rest - rank
        return float(stats.wilcoxon(signs * np.arange(1, n + 1), zero_method="pratt").pvalue)

    assert p_at(w) < 0.05
    assert p_at(w - 1) >= 0.05


def test_wilcoxon_cannot_reject_with_five_datasets() -> None:
    # 2 / 2^5 = 0.0625 ≥ 0.05: no sample of 5 differences is significant.
    assert wilcoxon_critical_value(5, 0.05) == math.inf
    assert wilcoxon_detectable_shift(5, 0.05) == math.inf


@pytest.mark.parametrize("n", [8, 20])
def test_wilcoxon_power_at_the_mde_matches_a_scipy_simulation(n: int) -> None:
    shift = wilcoxon_detectable_shift(n, 0.05)
    x = np.random.default_rng(n).standard_normal((4000, n)) + shift
    p = stats.wilcoxon(x, axis=1, zero_method="pratt").pvalue
    assert np.mean(p < 0.05) == pytest.approx(0.8, abs=0.025)


def test_wilcoxon_mde_approaches_noethers_formula_for_many_datasets() -> None:
    # Noether (1987, JASA 82:645): n = (z_{1−α/2} + z_{1−β})² / (3 (p′ − ½)²) with
    # p′ = P(X + X′ > 0) = Φ(√2 δ/σ) for normal data; solved for δ/σ.
    n = 60
    z = stats.norm.isf(0.025) + stats.norm.isf(0.2)
    noether = stats.norm.ppf(0.5 + z / math.sqrt(3 * n)) / math.sqrt(2)
    assert wilcoxon_detectable_shift(n, 0.05) == pytest.approx(noether, rel=0.05)


def test_analysis_reports_power_per_dataset_and_across() -> None:
    a = analyze(frame(8, folds=3, noise=0.02), FAST)
    p = a.power
    assert {(r.dataset, r.method) for r in p.per_dataset} == {
        (d, m) for d in a.scores.datasets for m in a.scores.methods[1:]}
    r = next(r for r in p.per_dataset if (r.dataset, r.method) == ("d0", "ae/emb"))
    c = next(c for c in a.per_dataset if (c.dataset, c.method) == ("d0", "ae/emb"))
    sd = c.statistic and abs(c.mean_difference / c.statistic) / math.sqrt(1 / 3 + 0.5)
    assert r.n_splits == 3
    assert r.ratio == pytest.approx(0.5)
    assert r.sd == pytest.approx(sd, rel=1e-9)
    expected = t_detectable_effect(sd=sd, n_splits=3, ratio=0.5, alpha=0.05)
    base = a.means.loc["d0", "raw"]
    assert r.detectable == pytest.approx(expected / base, rel=1e-6)
    w = next(w for w in p.across if w.method == "ae/emb")
    improvements = a.relative["ae/emb"].to_numpy()
    assert w.n_datasets == 8
    assert w.detectable == pytest.approx(
        wilcoxon_detectable_shift(8, 0.05) * np.std(improvements, ddof=1), rel=1e-9)


def test_few_degrees_of_freedom_are_flagged() -> None:
    assert analyze(frame(4, folds=3), FAST).power.low_df_datasets == ("d0", "d1", "d2", "d3")
    assert analyze(frame(4, folds=MIN_DF + 1), FAST).power.low_df_datasets == ()
