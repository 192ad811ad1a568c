"""``bench.stats.per_dataset``: each method against the baseline on each dataset — seed-averaged
paired splits, the corrected resampled t-test with the pair's own sizes, Holm across datasets,
and baycomp's correlated t-test."""

from __future__ import annotations

import math

import baycomp
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from bench.stats import ReportOptions, analyze, collect_scores, corrected_resampled_ttest, holm
from bench.stats.per_dataset import (
    PairedSplits,
    compare_on_datasets,
    correlated_bayes,
    paired_splits,
)
from tests.helpers import frame

FAST = ReportOptions(n_bootstrap=200, bayes_samples=2000)


def _row(a, dataset: str, method: str):
    return next(c for c in a.per_dataset if c.dataset == dataset and c.method == method)


def _hand_scores():
    """One dataset, 2 folds × 2 seeds: raw and pca/emb accuracies written out by hand."""
    rows = [{"dataset": "d", "task": "binary", "repeat": 0, "fold": f, "seed": s,
             "encoder": enc, "feature_set": fs, "status": "ok", "error": "", "n_train": 80,
             "n_test": 20, "accuracy": v}
            for enc, fs, values in (("none", "raw", (0.80, 0.82, 0.70, 0.74)),
                                    ("pca", "emb", (0.84, 0.86, 0.71, 0.73)))
            for (f, s), v in zip(((0, 0), (0, 1), (1, 0), (1, 1)), values, strict=True)]
    return collect_scores(pd.DataFrame(rows))


def test_paired_splits_average_the_seeds_of_each_split() -> None:
    pairs = paired_splits(_hand_scores(), "d", "pca/emb")
    np.testing.assert_allclose(pairs.method, [0.85, 0.72])


def test_paired_splits_baseline_is_seed_averaged_too() -> None:
    pairs = paired_splits(_hand_scores(), "d", "pca/emb")
    np.testing.assert_allclose(pairs.baseline, [0.81, 0.72])


def test_paired_splits_differences_are_oriented() -> None:
    pairs = paired_splits(_hand_scores(), "d", "pca/emb")
    np.testing.assert_allclose(pairs.differences, [0.04, 0.0], atol=1e-12)


def test_paired_splits_ratio_is_n_test_over_n_train() -> None:
    assert paired_splits(_hand_scores(), "d", "pca/emb").ratio == pytest.approx(0.25)


def test_paired_splits_count_the_paired_runs() -> None:
    assert paired_splits(_hand_scores(), "d", "pca/emb").n_paired_runs == 4


def test_paired_splits_of_an_unknown_method_is_none() -> None:
    assert paired_splits(_hand_scores(), "d", "ae/emb") is None


def test_compare_on_datasets_holm_adjusts_across_datasets() -> None:
    scores = collect_scores(frame(4, seed=2))
    rows = [c for c in compare_on_datasets(scores, alpha=0.05, rope=0.01) if c.method == "ae/emb"]
    np.testing.assert_allclose([c.p_holm for c in rows], holm(np.array([c.p_value for c in rows])))


def test_compare_on_datasets_one_row_per_dataset_and_method() -> None:
    scores = collect_scores(frame(4, seed=2))
    rows = compare_on_datasets(scores, alpha=0.05, rope=0.01)
    assert [(c.dataset, c.method) for c in rows] == [
        (d, m) for m in ("ae/emb", "pca/raw+emb") for d in ("d0", "d1", "d2", "d3")]


def test_compare_on_datasets_interval_is_the_corrected_t_interval() -> None:
    scores = collect_scores(frame(4, seed=2))
    c = next(c for c in compare_on_datasets(scores, alpha=0.05, rope=0.01)
             if (c.dataset, c.method) == ("d0", "pca/raw+emb"))
    pairs = paired_splits(scores, "d0", "pca/raw+emb")
    t = corrected_resampled_ttest(pairs.differences, n_train=200, n_test=100)
    half = stats.t.ppf(0.975, t.df) * t.se / pairs.scale
    assert c.ci_high - c.relative_difference == pytest.approx(half)


@settings(max_examples=25, deadline=None)
@given(repeats=st.integers(1, 3), folds=st.integers(2, 6), seed=st.integers(0, 10_000),
       rope=st.sampled_from([0.0, 0.005, 0.02]), higher=st.booleans())
def test_correlated_bayes_equals_baycomp_two_on_single(repeats: int, folds: int, seed: int,
                                                       rope: float, higher: bool) -> None:
    rng = np.random.default_rng(seed)
    base = rng.uniform(0.5, 2.0, repeats * folds)
    method = base * (1 + rng.normal(0.01, 0.02, base.size))
    sign = 1.0 if higher else -1.0
    pairs = PairedSplits(baseline=base, method=method, repeat=np.repeat(np.arange(repeats), folds),
                         sign=sign, n_train=100.0, n_test=50.0, n_paired_runs=base.size,
                         n_unpaired_runs=0, n_folds=folds, scale=abs(float(base.mean())))
    (worse, equiv, better), note = correlated_bayes(pairs, rope=rope)
    scale = abs(base.mean())
    ref = baycomp.two_on_single(sign * base / scale, sign * method / scale, rope=rope,
                                runs=repeats)
    expected = ref if rope > 0 else (ref[0], 0.0, ref[1])
    np.testing.assert_allclose((worse, equiv, better), expected, atol=1e-9)
    assert note == ""


def test_correlated_bayes_says_why_it_cannot_run() -> None:
    def pairs(base, method, repeat, folds=3):
        scale = abs(float(np.mean(base)))
        return PairedSplits(np.array(base), np.array(method), np.array(repeat), 1.0, 10.0, 5.0,
                            len(base), 0, folds, scale if scale > 0 else math.nan)
    probs, note = correlated_bayes(pairs([1.0, 1.0, 1.0], [1.1, 1.1, 1.1], [0, 0, 0]), rope=0.01)
    assert all(math.isnan(p) for p in probs)
    assert "zero variance" in note
    probs, note = correlated_bayes(pairs([1.0, 1.0, 1.0], [1.1, 1.2, 1.0], [0, 0, 1]), rope=0.01)
    assert "incomplete folds" in note
    probs, note = correlated_bayes(pairs([1.0, 1.0], [1.1, 1.2], [0, 0]), rope=0.01)
    assert "incomplete folds" in note  # 2 of 3 folds
    probs, note = correlated_bayes(pairs([0.0, 0.0], [0.1, 0.2], [0, 0], 2), rope=0.01)
    assert "baseline mean is 0" in note


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


def test_constant_differences() -> None:
    f = frame(3, noise=0.0)
    a = analyze(f, FAST)
    c = _row(a, "d0", "pca/raw+emb")
    assert c.relative_difference == pytest.approx(0.01)
    assert math.isnan(c.p_value)
    assert "zero variance" in c.note
    assert c.significant == "n/a"
    assert c.practical == "n/a"


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
