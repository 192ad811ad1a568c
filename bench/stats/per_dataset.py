"""Each method against the baseline on each dataset, over its paired runs.

Pairing: a run of the method and a run of the baseline pair when they share (repeat, fold,
seed); unpaired runs (the other side failed) are counted and left out. Seeds reuse the same
split, so they are not independent resamples: the paired differences are first averaged over
seeds within each (repeat, fold) split, and the tests see one difference per split
(J = repeats × folds). Differences are oriented so that positive means "better than the
baseline", and made relative by dividing by the baseline's mean on the dataset (relative error
reduction for error metrics; absolute units where a fixed-scale metric's baseline is near 0, see
``bench.stats.scores.relative_scale``) — which leaves the t statistic unchanged and lets one ROPE
("±1 % of the baseline") serve every metric.

The corrected t-test's ``n_test/n_train`` comes from the two methods of the pair, never from
other methods of the run: a ``holdout`` encoder's rows train XGBoost on about half the rows. Where
the two sides differ, the larger ratio (the more conservative correction) is used.

- Frequentist: Nadeau–Bengio corrected resampled t-test (two-sided), Holm across datasets,
  separately for each method.
- Bayesian: baycomp's correlated t-test (``two_on_single`` with ``runs`` = repeats) with the
  declared ROPE, giving P(worse), P(equivalent), P(better). It needs complete repeats of the
  dataset's own fold count (a suite can mix OpenML's 10-fold splits with 3-fold datasets).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import scipy

from bench.stats.resampled import corrected_resampled_ttest, holm
from bench.stats.scores import NEAR_ZERO, Scores


@dataclass(frozen=True)
class PairedSplits:
    """Seed-averaged paired scores of one method and the baseline on one dataset."""

    baseline: np.ndarray  # one value per split (repeat, fold), raw metric units
    method: np.ndarray
    repeat: np.ndarray  # the repeat of each split
    sign: float  # +1 higher is better, -1 lower is better
    n_train: float  # of the side with the larger n_test/n_train, mean over the paired runs
    n_test: float
    n_paired_runs: int
    n_unpaired_runs: int
    n_folds: int  # folds of this dataset's design (baycomp derives k from splits per repeat)
    scale: float  # unit of relative differences: |baseline mean| on the dataset, or 1
    absolute: bool = False  # True: scale is 1 (baseline near 0 on a fixed-scale metric)

    @property
    def differences(self) -> np.ndarray:
        """Oriented differences in metric units: positive = method better."""
        return self.sign * (self.method - self.baseline)

    @property
    def ratio(self) -> float:
        """n_test / n_train of the Nadeau–Bengio correction (NaN when unknown)."""
        if not (math.isfinite(self.n_train) and self.n_train > 0 and self.n_test > 0):
            return math.nan
        return self.n_test / self.n_train


@dataclass(frozen=True)
class DatasetComparison:
    """One method vs the baseline on one dataset."""

    dataset: str
    method: str
    metric: str
    n_splits: int  # J: paired splits the tests use
    n_paired_runs: int
    n_unpaired_runs: int
    mean_difference: float  # oriented, metric units
    relative_difference: float  # oriented, fraction of the baseline's mean
    ci_low: float  # relative, (1 − α) t-interval with the corrected standard error
    ci_high: float
    statistic: float
    df: int
    p_value: float
    p_holm: float
    p_worse: float
    p_equivalent: float
    p_better: float
    significant: str  # win | tie | loss | n/a   (Holm-adjusted p < α)
    practical: str  # win | equivalent | undecided | loss | n/a   (posterior ≥ 1 − α)
    note: str = ""


def paired_splits(scores: Scores, dataset: str, method: str) -> PairedSplits | None:
    """Pair ``method`` with the baseline on ``dataset``; None when no run pairs."""
    runs = scores.by_dataset.get(dataset)
    if runs is None or method not in runs.columns or scores.baseline not in runs.columns:
        return None
    base = runs.values[:, runs.columns[scores.baseline]]
    other = runs.values[:, runs.columns[method]]
    both = ~np.isnan(base) & ~np.isnan(other)
    n_both = int(both.sum())
    if n_both == 0:
        return None
    n_unpaired = int((~np.isnan(base)).sum() + (~np.isnan(other)).sum()) - 2 * n_both
    split = runs.split[both]
    present, inverse = np.unique(split, return_inverse=True)
    counts = np.bincount(inverse)
    n_train, n_test = _pair_sizes(runs, both, (scores.baseline, method))
    scale = scores.scale(dataset)
    return PairedSplits(
        baseline=np.bincount(inverse, weights=base[both]) / counts,
        method=np.bincount(inverse, weights=other[both]) / counts,
        repeat=runs.split_repeat[present], sign=scores.sign(dataset),
        n_train=n_train, n_test=n_test, n_paired_runs=n_both, n_unpaired_runs=n_unpaired,
        n_folds=scores.dataset_folds.get(dataset, len(scores.folds)),
        scale=scale.value, absolute=scale.absolute,
    )


def _pair_sizes(runs, rows: np.ndarray, methods: tuple[str, str]) -> tuple[float, float]:
    """(n_train, n_test) of the pair: per side the mean over ``rows``; the side with the larger
    n_test/n_train (the more conservative correction) wins."""
    sides = []
    for m in methods:
        col = runs.columns[m]
        n_train, n_test = np.mean(runs.n_train[rows, col]), np.mean(runs.n_test[rows, col])
        ratio = n_test / n_train if n_train > 0 else math.inf
        sides.append((ratio if math.isfinite(ratio) else math.inf, float(n_train), float(n_test)))
    _, n_train, n_test = max(sides, key=lambda s: s[0])
    return n_train, n_test


def compare_on_datasets(scores: Scores, *, alpha: float, rope: float) -> tuple[DatasetComparison, ...]:
    """Every (dataset, method ≠ baseline) comparison, Holm-adjusted across datasets per method."""
    out: list[DatasetComparison] = []
    for method in scores.methods[1:]:
        rows = [_compare_one(scores, d, method, alpha=alpha, rope=rope) for d in scores.datasets]
        adjusted = holm(np.array([r.p_value for r in rows]))
        out += [_with_holm(r, p, alpha) for r, p in zip(rows, adjusted, strict=True)]
    return tuple(out)


def _compare_one(scores: Scores, dataset: str, method: str, *, alpha: float,
                 rope: float) -> DatasetComparison:
    metric = scores.metrics[dataset]
    pairs = paired_splits(scores, dataset, method)
    if pairs is None:
        return _empty(dataset, method, metric, "no paired runs (a method has no successful run)")
    d = pairs.differences
    scale = pairs.scale
    notes = []
    if pairs.n_unpaired_runs:
        notes.append(f"{pairs.n_unpaired_runs} unpaired run(s) left out")
    if pairs.absolute:
        notes.append(f"baseline mean within {NEAR_ZERO} of 0: differences in {metric} units, "
                     "not relative")
    if not math.isfinite(pairs.ratio):
        test = None
        notes.append("n_train/n_test unknown: t-test not run")
    else:
        test = corrected_resampled_ttest(d, n_train=pairs.n_train, n_test=pairs.n_test)
        if test.df < 1:
            notes.append("one split only: no test")
        elif not math.isfinite(test.p_value):
            notes.append("identical difference on every split (zero variance): test undefined")
    rel = float(np.mean(d)) / scale if math.isfinite(scale) else math.nan
    ci = _interval(test, scale, alpha)
    bayes, bayes_note = correlated_bayes(pairs, rope=rope)
    notes.append(bayes_note)
    return DatasetComparison(
        dataset=dataset, method=method, metric=metric, n_splits=len(d),
        n_paired_runs=pairs.n_paired_runs, n_unpaired_runs=pairs.n_unpaired_runs,
        mean_difference=float(np.mean(d)), relative_difference=rel, ci_low=ci[0], ci_high=ci[1],
        statistic=test.statistic if test else math.nan, df=test.df if test else 0,
        p_value=test.p_value if test else math.nan, p_holm=math.nan,
        p_worse=bayes[0], p_equivalent=bayes[1], p_better=bayes[2],
        significant="n/a", practical=_practical(bayes, alpha), note=_join(*notes),
    )


def correlated_bayes(pairs: PairedSplits, *, rope: float) -> tuple[tuple[float, float, float], str]:
    """(P(worse), P(equivalent), P(better)) from baycomp's correlated t-test, or NaNs and why."""
    nan3 = (math.nan, math.nan, math.nan)
    scale = pairs.scale
    if not math.isfinite(scale):
        return nan3, "baseline mean is 0: relative ROPE undefined"
    repeats, per_repeat = np.unique(pairs.repeat, return_counts=True)
    if pairs.n_folds < 2 or np.any(per_repeat != pairs.n_folds):
        # baycomp infers k = splits / runs for its n_test/n_train = 1/(k − 1) correction: a
        # missing fold would make that wrong, so the test is not run on incomplete repeats.
        return nan3, "incomplete folds: Bayesian correlated t-test not run"
    x = pairs.sign * pairs.baseline / scale
    y = pairs.sign * pairs.method / scale
    if np.var(y - x) == 0:
        return nan3, "zero variance: Bayesian correlated t-test undefined"
    # baycomp loads scipy.stats (0.8 s) on import; rendering a stored analysis needs neither,
    # so both load on first use (scipy's own submodules are lazy: ``scipy.stats`` above).
    import baycomp

    probs = baycomp.two_on_single(x, y, rope=rope, runs=len(repeats))
    if rope > 0:
        worse, equivalent, better = probs
    else:
        (worse, better), equivalent = probs, 0.0
    return (float(worse), float(equivalent), float(better)), ""


def _interval(test, scale: float, alpha: float) -> tuple[float, float]:
    if test is None or test.df < 1 or not math.isfinite(scale) or not math.isfinite(test.se):
        return math.nan, math.nan
    half = float(scipy.stats.t.ppf(1 - alpha / 2, test.df)) * test.se
    return (test.mean - half) / scale, (test.mean + half) / scale


def _practical(probs: tuple[float, float, float], alpha: float) -> str:
    worse, equivalent, better = probs
    if not math.isfinite(better):
        return "n/a"
    level = 1 - alpha
    if better >= level:
        return "win"
    if worse >= level:
        return "loss"
    if equivalent >= level:
        return "equivalent"
    return "undecided"


def _with_holm(row: DatasetComparison, p_holm: float, alpha: float) -> DatasetComparison:
    if not math.isfinite(p_holm):
        return replace(row, p_holm=math.nan, significant="n/a")
    if p_holm >= alpha:
        return replace(row, p_holm=float(p_holm), significant="tie")
    verdict = "win" if row.mean_difference > 0 else "loss"
    return replace(row, p_holm=float(p_holm), significant=verdict)


def _empty(dataset: str, method: str, metric: str, note: str) -> DatasetComparison:
    nan = math.nan
    return DatasetComparison(dataset, method, metric, 0, 0, 0, nan, nan, nan, nan, nan, 0, nan,
                             nan, nan, nan, nan, "n/a", "n/a", note)


def _join(*parts: str) -> str:
    return "; ".join(p for p in parts if p)
