"""``analyze``: every number from result rows, edge cases with messages, invariances."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from bench.errors import ConfigError, DataError
from bench.schema import Practical, Verdict
from bench.stats import ReportOptions, analyze, result_hash
from tests.helpers import analysis_of, frame

FAST = ReportOptions(n_bootstrap=200, bayes_samples=2000)
def _row(a, dataset: str, method: str):
    return next(c for c in a.per_dataset if c.dataset == dataset and c.method == method)


def test_direction_of_error_metrics() -> None:
    a = analysis_of(6)
    assert a.scores.metrics["d2"] == "rmse"
    assert not a.scores.higher_is_better("d2")
    # pca/raw+emb lowers the RMSE on d2: that is an improvement, i.e. positive.
    assert a.relative.loc["d2", "pca/raw+emb"] > 0
    assert a.relative.loc["d2", "ae/emb"] < 0
    assert a.ranks.average_ranks.idxmax() == "ae/emb"  # worst everywhere
    assert a.ranks.average_ranks["ae/emb"] == pytest.approx(3.0)


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


def test_summary_of_an_unknown_method_is_a_clear_error() -> None:
    with pytest.raises(KeyError, match="method must be one of"):
        analysis_of(6).summary("xgb")


