"""``analyze``: every number from result rows, edge cases with messages, invariances."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from bench.errors import ConfigError, DataError
from bench.schema import Practical, Verdict
from bench.stats import ReportOptions, analyze, corrected_resampled_ttest, result_hash
from bench.stats.aggregate import iqm, performance_profile, probability_of_improvement

FAST = ReportOptions(n_bootstrap=200, bayes_samples=2000)
METHODS = (("none", "raw", 0.0), ("ae", "emb", -0.04), ("pca", "raw+emb", 0.01))


def frame(n_datasets: int = 6, *, seed: int = 0, methods=METHODS, folds: int = 3, seeds: int = 2,
          repeats: int = 1, noise: float = 0.01) -> pd.DataFrame:
    """Result rows shaped like bench's: classification (accuracy) and regression (rmse)."""
    rng = np.random.default_rng(seed)
    rows = []
    for d in range(n_datasets):
        regression = d % 3 == 2
        metric, task = ("rmse", "regression") if regression else ("accuracy", "binary")
        base = rng.uniform(0.6, 0.9) * (10 if regression else 1)
        for enc, fs, effect in methods:
            for r in range(repeats):
                for f in range(folds):
                    for s in range(seeds):
                        gain = effect + rng.normal(0, noise)
                        value = base * (1 - gain if regression else 1 + gain)
                        rows.append({"dataset": f"d{d}", "task": task, "repeat": r, "fold": f,
                                     "seed": s, "encoder": enc, "feature_set": fs,
                                     "status": "ok", "error": "", "n_train": 200, "n_test": 100,
                                     metric: value})
    return pd.DataFrame(rows)


def _row(a, dataset: str, method: str):
    return next(c for c in a.per_dataset if c.dataset == dataset and c.method == method)


def test_per_dataset_test_traces_to_rows() -> None:
    f = frame()
    a = analyze(f, FAST)
    rows = f[f["dataset"] == "d0"]
    acc = rows.pivot_table(index=["fold", "seed"], columns="encoder", values="accuracy")
    d = (acc["pca"] - acc["none"]).groupby(level="fold").mean().to_numpy()  # seeds averaged
    expected = corrected_resampled_ttest(d, n_train=200, n_test=100)
    c = _row(a, "d0", "pca/raw+emb")
    assert c.n_splits == 3
    assert c.n_paired_runs == 6
    assert c.metric == "accuracy"
    assert c.statistic == pytest.approx(expected.statistic, rel=1e-12)
    assert c.p_value == pytest.approx(expected.p_value, rel=1e-12)
    base_mean = acc["none"].mean()
    assert c.relative_difference == pytest.approx(d.mean() / base_mean, rel=1e-12)
    assert a.means.loc["d0", "raw"] == pytest.approx(base_mean)
    assert a.stds.loc["d0", "raw"] == pytest.approx(acc["none"].std(ddof=1))
    # Holm across datasets for each method, and verdicts follow the adjusted p.
    per = [c for c in a.per_dataset if c.method == "ae/emb"]
    from bench.stats import holm
    np.testing.assert_allclose([c.p_holm for c in per], holm(np.array([c.p_value for c in per])))
    for c in per:
        expected_verdict = ("loss" if c.mean_difference < 0 else "win") if c.p_holm < 0.05 \
            else "tie"
        assert c.significant == expected_verdict


def test_direction_of_error_metrics() -> None:
    a = analyze(frame(), FAST)
    assert a.scores.metrics["d2"] == "rmse"
    assert not a.scores.higher_is_better("d2")
    # pca/raw+emb lowers the RMSE on d2: that is an improvement, i.e. positive.
    assert a.relative.loc["d2", "pca/raw+emb"] > 0
    assert a.relative.loc["d2", "ae/emb"] < 0
    assert a.ranks.average_ranks.idxmax() == "ae/emb"  # worst everywhere
    assert a.ranks.average_ranks["ae/emb"] == pytest.approx(3.0)


def test_summary_aggregates_match_references() -> None:
    a = analyze(frame(8), FAST)
    rel = a.relative["pca/raw+emb"].to_numpy()
    g = next(g for g in a.aggregate if g.method == "pca/raw+emb")
    # Means over paired splits equal means over runs here (complete design).
    assert g.median.value == pytest.approx(np.median(rel))
    assert g.iqm.value == pytest.approx(stats.trim_mean(rel, 0.25))
    assert g.median.low <= g.median.value <= g.median.high
    assert 0 <= g.probability_of_improvement.low <= g.probability_of_improvement.high <= 1
    w = next(w for w in a.versus_baseline if w.first == "pca/raw+emb")
    assert w.p_value == pytest.approx(stats.wilcoxon(rel, zero_method="pratt").pvalue)


def test_iqm_probability_of_improvement_and_profile_by_hand() -> None:
    assert iqm(np.array([1.0, 2, 3, 4, 5, 6, 7, 100])) == pytest.approx(4.5)
    # method splits 3, 1; baseline splits 2, 1: pairs (3>2), (3>1), (1<2), (1=1) -> 2.5 / 4.
    assert probability_of_improvement(np.array([3.0, 1]), np.array([2.0, 1])) == 0.625
    means = pd.DataFrame({"a": [0.9, 10.0], "b": [0.8, 12.0]}, index=["acc", "err"])
    profile = performance_profile(means, pd.Series({"acc": 1.0, "err": -1.0}))
    assert profile.loc["acc", "a"] == 0
    assert profile.loc["acc", "b"] == pytest.approx(0.1 / 0.9)
    assert profile.loc["err", "a"] == 0
    assert profile.loc["err", "b"] == pytest.approx(0.2)


def test_invariant_to_row_order_and_method_order() -> None:
    f = frame(seed=3)
    shuffled = f.sample(frac=1.0, random_state=1).reset_index(drop=True)
    a, b = analyze(f, FAST), analyze(shuffled[list(reversed(f.columns))], FAST)
    assert a.per_dataset == b.per_dataset
    assert a.aggregate == b.aggregate
    assert a.bayes == b.bayes
    pd.testing.assert_series_equal(a.ranks.average_ranks, b.ranks.average_ranks)
    assert result_hash(f) == result_hash(shuffled)
    changed = f.copy()
    changed.loc[0, "accuracy"] += 1e-9
    assert result_hash(changed) != result_hash(f)


def test_change_of_units_leaves_relative_statistics_unchanged() -> None:
    f = frame(seed=4)
    scaled = f.copy()
    scaled["rmse"] = scaled["rmse"] * 100  # metres -> centimetres
    a, b = analyze(f, FAST), analyze(scaled, FAST)
    for x, y in zip(a.per_dataset, b.per_dataset, strict=True):
        assert x.p_value == pytest.approx(y.p_value, rel=1e-9, nan_ok=True)
        assert x.relative_difference == pytest.approx(y.relative_difference, rel=1e-9)
        assert x.p_better == pytest.approx(y.p_better, abs=1e-9, nan_ok=True)
    for x, y in zip(a.ranks.wilcoxon, b.ranks.wilcoxon, strict=True):
        assert x.p_value == pytest.approx(y.p_value, rel=1e-9)


def test_adding_a_constant_keeps_frequentist_and_rank_results() -> None:
    f = frame(seed=5)
    shifted = f.assign(accuracy=f["accuracy"] + 0.125, rmse=f["rmse"] + 4.0)
    a, b = analyze(f, FAST), analyze(shifted, FAST)
    for x, y in zip(a.per_dataset, b.per_dataset, strict=True):
        assert x.statistic == pytest.approx(y.statistic, rel=1e-6)
        assert x.p_holm == pytest.approx(y.p_holm, rel=1e-6)
        assert x.significant == y.significant
    pd.testing.assert_frame_equal(a.ranks.ranks, b.ranks.ranks)
    assert a.ranks.friedman.chi2 == pytest.approx(b.ranks.friedman.chi2)


# -- edge cases: clear messages, no crash ----------------------------------------------------


def test_one_dataset() -> None:
    a = analyze(frame(1), FAST)
    assert len(a.ranks.datasets) == 1
    assert "no test across datasets" in a.ranks.note
    assert math.isnan(a.ranks.friedman.chi2)
    assert all("fewer than 2 datasets" in w.note for w in a.versus_baseline)
    assert all("fewer than 2 datasets" in b.note for b in a.bayes)
    assert all(math.isfinite(c.p_value) for c in a.per_dataset)  # per-dataset tests still run


def test_two_datasets() -> None:
    a = analyze(frame(2), FAST)
    assert a.ranks.friedman.n_datasets == 2
    assert math.isfinite(a.ranks.friedman.chi2)
    assert all("smallest attainable p is 0.5" in w.note for w in a.versus_baseline)


def test_all_ties() -> None:
    f = frame(4, noise=0.0, methods=(("none", "raw", 0.0), ("ae", "emb", 0.0),
                                     ("pca", "emb", 0.0)))
    a = analyze(f, FAST)
    assert (a.relative.drop(columns="raw").to_numpy() == 0).all()
    assert all("all differences are zero" in w.note for w in a.versus_baseline)
    assert all(c.significant == "n/a" and "zero variance" in c.note for c in a.per_dataset)
    assert a.ranks.friedman.chi2 == 0
    assert a.ranks.friedman.f_p == pytest.approx(1.0)
    assert a.ranks.cliques == (("raw", "ae/emb", "pca/emb"),)


def test_constant_differences() -> None:
    f = frame(3, noise=0.0)
    a = analyze(f, FAST)
    c = _row(a, "d0", "pca/raw+emb")
    assert c.relative_difference == pytest.approx(0.01)
    assert math.isnan(c.p_value)
    assert "zero variance" in c.note
    assert c.significant == "n/a"
    assert c.practical == "n/a"


def test_method_missing_on_some_datasets() -> None:
    f = frame(5)
    f = f[~((f["dataset"] == "d1") & (f["encoder"] == "ae"))]
    a = analyze(f, FAST)
    assert a.ranks.excluded == {"d1": "missing: ae/emb"}
    assert "d1" not in a.ranks.datasets
    c = _row(a, "d1", "ae/emb")
    assert c.significant == "n/a"
    assert "no paired runs" in c.note
    assert next(g for g in a.aggregate if g.method == "ae/emb").n_datasets == 4
    assert math.isnan(a.means.loc["d1", "ae/emb"])


def test_failed_units_and_nan_metrics_are_counted_not_used() -> None:
    f = frame(3)
    failed = (f["dataset"] == "d0") & (f["encoder"] == "pca") & (f["fold"] == 0)
    f.loc[failed, ["status", "error"]] = ["error", "RuntimeError: boom"]
    f.loc[failed, "accuracy"] = np.nan
    nan_metric = (f["dataset"] == "d1") & (f["encoder"] == "ae") & (f["seed"] == 1)
    f.loc[nan_metric, "accuracy"] = np.nan
    a = analyze(f, FAST)
    assert len(a.scores.failures) == 2
    assert len(a.scores.no_value) == 3
    assert any("failed" in n for n in a.notes)
    assert any("NaN" in n for n in a.notes)
    c = _row(a, "d0", "pca/raw+emb")
    assert c.n_splits == 2
    assert c.n_unpaired_runs == 2
    assert "unpaired" in c.note
    assert "incomplete folds" in c.note  # the Bayesian test needs every fold
    assert a.counts.loc["d0", "pca/raw+emb"] == 4
    c = _row(a, "d1", "ae/emb")
    assert c.n_splits == 3
    assert c.n_paired_runs == 3


def test_bad_options_are_config_errors() -> None:
    f = frame(2)
    with pytest.raises(ConfigError, match="baseline 'nope' is not among"):
        analyze(f, ReportOptions(baseline="nope"))
    with pytest.raises(ConfigError, match="--alpha"):
        analyze(f, ReportOptions(alpha=1.5))
    with pytest.raises(ConfigError, match="--rope"):
        analyze(f, ReportOptions(rope=-0.1))
    with pytest.raises(ConfigError, match="not a classification metric"):
        analyze(f, ReportOptions(metrics={"classification": "rmse"}))
    with pytest.raises(DataError, match="no result rows"):
        analyze(f.iloc[:0], FAST)
    with pytest.raises(DataError, match="lack column"):
        analyze(f.drop(columns="status"), FAST)


def test_other_baseline_and_metric() -> None:
    f = frame(4)
    f["log_loss"] = 1.0 - f["accuracy"].fillna(0.5)
    a = analyze(f, ReportOptions(baseline="pca/raw+emb", metrics={"classification": "log_loss"},
                                 n_bootstrap=200, bayes_samples=2000))
    assert a.scores.methods[0] == "pca/raw+emb"
    assert a.scores.metrics["d0"] == "log_loss"
    assert not a.scores.higher_is_better("d0")
    assert a.relative.loc["d0", "raw"] < 0  # raw has the higher loss than pca/raw+emb


# -- pairing, fold counts, sizes and scales (issue 11) -----------------------------------------


def test_bayesian_test_uses_each_datasets_own_fold_count() -> None:
    # OpenML-style 10-fold datasets next to 3-fold ones in one suite.
    mixed = pd.concat([frame(2, folds=10, seeds=1),
                       frame(2, folds=3, seeds=1, seed=1).replace({"dataset": {"d0": "e0",
                                                                               "d1": "e1"}})])
    a = analyze(mixed, FAST)
    assert a.scores.dataset_folds == {"d0": 10, "d1": 10, "e0": 3, "e1": 3}
    for dataset in ("d0", "e0", "e1"):
        c = _row(a, dataset, "ae/emb")
        assert math.isfinite(c.p_better), (dataset, c.note)


def test_corrected_t_test_takes_sizes_from_the_pair() -> None:
    holdout = (("none", "raw", 0.0), ("ae", "emb", -0.04), ("mlp_h", "emb", 0.0),
               ("mlp_h", "raw", 0.0))
    f = frame(3, methods=holdout)
    f.loc[f["encoder"] == "mlp_h", "n_train"] = 100  # a holdout encoder's XGBoost rows
    a = analyze(f, FAST)
    assert "mlp_h/raw" in a.scores.methods  # its own raw rows are not the shared baseline
    rows = f[f["dataset"] == "d0"].pivot_table(index=["fold", "seed"], columns=["encoder",
                                                                                 "feature_set"],
                                               values="accuracy")
    for method, n_train in ((("ae", "emb"), 200), (("mlp_h", "emb"), 100)):
        d = (rows[method] - rows[("none", "raw")]).groupby(level="fold").mean().to_numpy()
        expected = corrected_resampled_ttest(d, n_train=n_train, n_test=100)
        c = _row(a, "d0", "/".join(method))
        assert c.statistic == pytest.approx(expected.statistic, rel=1e-12), method


def test_across_dataset_statistics_use_only_runs_where_both_methods_succeeded() -> None:
    f = frame(4, noise=0.0)
    # ae/emb fails on fold 0 of d0; make raw's fold-0 score on d0 extreme, so a mean over
    # unpaired runs would flip ae/emb's sign there.
    failed = (f["dataset"] == "d0") & (f["encoder"] == "ae") & (f["fold"] == 0)
    f.loc[failed, ["status", "accuracy"]] = ["error", np.nan]
    f.loc[(f["dataset"] == "d0") & (f["encoder"] == "none") & (f["fold"] == 0), "accuracy"] = 0.1
    a = analyze(f, FAST)
    assert a.relative.loc["d0", "ae/emb"] < 0  # ae/emb is 4 % worse on every shared run
    c = _row(a, "d0", "ae/emb")
    assert a.relative.loc["d0", "ae/emb"] == pytest.approx(c.relative_difference)
    assert c.n_unpaired_runs == 2
    assert "d0" in a.ranks.datasets
    assert a.ranks.ranks.loc["d0", "ae/emb"] == 3.0  # worst on the runs all methods share
    assert any("2 run(s) in 1 (dataset, method) comparison(s)" in n for n in a.notes)
    assert any("4 successful run(s) were left out" in n for n in a.notes)  # raw + pca, fold 0


def test_complete_designs_need_no_pairing_note() -> None:
    a = analyze(frame(3), FAST)
    assert not any("partner" in n or "left out of them" in n for n in a.notes)


def test_a_baseline_near_zero_falls_back_to_absolute_differences() -> None:
    f = frame(3)
    f["r2"] = np.where(f["encoder"] == "none", 0.01, 0.03) + 0.001 * f["fold"]
    a = analyze(f, ReportOptions(metrics={"regression": "r2"}, n_bootstrap=200,
                                 bayes_samples=2000))
    assert a.scores.metrics["d2"] == "r2"
    assert a.relative.loc["d2", "ae/emb"] == pytest.approx(0.02)  # not 0.02 / 0.011 = 182 %
    c = _row(a, "d2", "ae/emb")
    assert c.relative_difference == pytest.approx(0.02)
    assert "not relative" in c.note
    assert any("d2" in n and "absolute" in n for n in a.notes)
    assert a.relative.loc["d0", "ae/emb"] == pytest.approx(-0.04, abs=0.02)  # still relative

# -- method summaries, verdicts and the limits of the design ---------------------------------


def test_verdict_vocabularies_keep_their_strings() -> None:
    assert [v.value for v in Verdict] == ["win", "tie", "loss", "n/a"]
    assert [p.value for p in Practical] == ["win", "equivalent", "undecided", "loss", "n/a"]


def test_one_method_summary_per_method_but_the_baseline() -> None:
    a = analyze(frame(), FAST)
    assert [s.method for s in a.summaries] == list(a.scores.methods[1:])


def test_method_verdict_follows_wilcoxon_holm_and_direction() -> None:
    a = analyze(frame(12, seed=3), FAST)  # 12 datasets: ae/emb −4 %, pca/raw+emb +1 %
    assert a.summary("ae/emb").verdict == Verdict.LOSS
    assert a.summary("pca/raw+emb").verdict == Verdict.WIN


def test_method_verdict_is_a_tie_when_the_design_cannot_reach_alpha() -> None:
    a = analyze(frame(4), FAST)  # 4 datasets: the smallest Holm-adjusted p is 0.25
    assert {s.verdict for s in a.summaries} == {Verdict.TIE}


def test_method_verdict_is_na_without_a_test() -> None:
    a = analyze(frame(1), FAST)
    assert {s.verdict for s in a.summaries} == {Verdict.NA}


def test_summary_counts_the_per_dataset_verdicts() -> None:
    a = analyze(frame(), FAST)
    s = a.summary("ae/emb")
    per = [c.significant for c in a.per_dataset if c.method == "ae/emb"]
    assert {k: per.count(k.value) for k in Verdict} == dict(s.significant)


def test_summary_median_is_the_aggregate_bootstrap_median() -> None:
    a = analyze(frame(), FAST)
    g = next(g for g in a.aggregate if g.method == "pca/raw+emb")
    assert a.summary("pca/raw+emb").median == g.median


def test_summary_names_the_vs_baseline_holm_family() -> None:
    a = analyze(frame(), FAST)
    assert a.summary("ae/emb").family.description == "the 2 comparisons with `raw`"


def test_summary_of_an_unknown_method_is_a_clear_error() -> None:
    with pytest.raises(KeyError, match="method must be one of"):
        analyze(frame(), FAST).summary("xgb")


def test_practical_verdict_from_the_bayesian_signed_rank() -> None:
    a = analyze(frame(12, seed=3), FAST)
    assert a.summary("ae/emb").practical_verdict == Practical.LOSS


def test_design_limits_of_three_folds() -> None:
    d = analyze(frame(folds=3, repeats=1), FAST).design
    assert (d.folds, d.repeats, d.splits, d.df) == (3, 1, 3, 2)


def test_design_critical_t_matches_scipy() -> None:
    d = analyze(frame(folds=5, repeats=2), FAST).design
    assert d.t_critical == pytest.approx(stats.t.ppf(0.975, 9))


def test_design_detectable_is_the_median_interval_half_width() -> None:
    a = analyze(frame(), FAST)
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
