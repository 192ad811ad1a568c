"""Per-method summaries and the limits of the design: the numbers the report's answer and summary
table show, computed once here so that no renderer re-derives them from verdict strings.

- :class:`MethodSummary`: one method against the baseline across datasets (W/T/L, per-dataset
  verdict counts, Wilcoxon–Holm, Bayesian signed-rank, bootstrap median with its CI, and the
  method's :class:`~bench.schema.Verdict`).
- :class:`HolmFamily`: which comparisons a Holm-adjusted p-value was adjusted over, so that every
  adjusted p in the report names its family.
- :class:`DesignLimits`: what the design (datasets × repeats × folds) can and cannot detect.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy

from bench.schema import Practical, Verdict
from bench.stats.aggregate import AggregateImprovement, Estimate
from bench.stats.pairwise import BayesSignedRank, WilcoxonResult
from bench.stats.per_dataset import DatasetComparison


@dataclass(frozen=True)
class HolmFamily:
    """The comparisons one Holm correction runs over, and the question they answer."""

    key: str  # "datasets" | "versus_baseline" | "all_pairs"
    size: int  # number of comparisons adjusted together
    description: str  # e.g. "the 6 comparisons with `raw`"


def versus_baseline_family(n_methods: int, baseline: str) -> HolmFamily:
    n = max(n_methods - 1, 0)
    what = "comparison" if n == 1 else "comparisons"
    return HolmFamily("versus_baseline", n, f"the {n} {what} with `{baseline}`")


def all_pairs_family(n_methods: int) -> HolmFamily:
    n = n_methods * (n_methods - 1) // 2
    return HolmFamily("all_pairs", n, f"all {n} pairs of methods")


def datasets_family(n_datasets: int) -> HolmFamily:
    what = "dataset" if n_datasets == 1 else "datasets"
    return HolmFamily("datasets", n_datasets, f"the {n_datasets} {what}, separately for each method")


@dataclass(frozen=True)
class MethodSummary:
    """One method against the baseline across datasets: every number of its summary row."""

    method: str
    baseline: str
    n_datasets: int  # datasets with a relative improvement (both means exist)
    wins: int  # datasets where the method's mean is better than the baseline's
    ties: int
    losses: int
    significant: Mapping[Verdict, int]  # per-dataset corrected t-test verdicts (Holm)
    practical: Mapping[Practical, int]  # per-dataset Bayesian correlated t-test decisions
    median_relative_improvement: float  # median over datasets of the relative improvement
    wilcoxon: WilcoxonResult  # vs the baseline, Holm over ``family``
    family: HolmFamily
    bayes: BayesSignedRank
    aggregate: AggregateImprovement  # bootstrap median / IQM / P(improvement) with CIs
    verdict: Verdict  # across datasets: Wilcoxon–Holm p < α, in the median's direction
    practical_verdict: Practical  # across datasets: Bayesian signed-rank posterior ≥ 1 − α

    @property
    def p_holm(self) -> float:
        return self.wilcoxon.p_holm

    @property
    def median(self) -> Estimate:
        """Bootstrap median relative improvement with its percentile CI (the aggregate's)."""
        return self.aggregate.median


@dataclass(frozen=True)
class DesignLimits:
    """What the design can and cannot detect (for the answer block and the reader)."""

    alpha: float
    n_datasets: int
    n_rank_datasets: int  # datasets where every method has a result (ranks, Wilcoxon)
    n_methods: int
    repeats: int
    folds: int
    seeds: int
    splits: int  # J: paired splits per dataset the per-dataset tests see (most common)
    df: int  # J − 1: degrees of freedom of the corrected t-test per dataset
    t_critical: float  # two-sided t quantile at α with ``df`` (NaN when df < 1)
    detectable: float  # median half-width of the per-dataset (1 − α) t-intervals, relative
    wilcoxon_floor: float  # smallest attainable Holm-adjusted Wilcoxon p against the baseline
    pairs_floor: float  # the same over all pairs of methods

    @property
    def can_detect_across(self) -> bool:
        """Whether any method could be declared different from the baseline across datasets."""
        return math.isfinite(self.wilcoxon_floor) and self.wilcoxon_floor < self.alpha


def method_verdict(p_holm: float, direction: float, alpha: float) -> Verdict:
    """win / loss when the Holm-adjusted p is below α (by the direction), tie above, n/a if no test."""
    if not math.isfinite(p_holm):
        return Verdict.NA
    if p_holm >= alpha or direction == 0 or not math.isfinite(direction):
        return Verdict.TIE
    return Verdict.WIN if direction > 0 else Verdict.LOSS


def practical_verdict(bayes: BayesSignedRank, alpha: float) -> Practical:
    probs = {Practical.WIN: bayes.p_better, Practical.EQUIVALENT: bayes.p_equivalent,
             Practical.LOSS: bayes.p_worse}
    if not all(math.isfinite(p) for p in probs.values()):
        return Practical.NA
    for kind, p in probs.items():
        if p >= 1 - alpha:
            return kind
    return Practical.UNDECIDED


def method_summaries(*, methods: Sequence[str], baseline: str, relative: pd.DataFrame,
                     per_dataset: Sequence[DatasetComparison],
                     versus_baseline: Sequence[WilcoxonResult],
                     bayes: Sequence[BayesSignedRank],
                     aggregate: Sequence[AggregateImprovement],
                     alpha: float) -> tuple[MethodSummary, ...]:
    """One :class:`MethodSummary` per method other than the baseline, in ``methods`` order."""
    wil = {w.first: w for w in versus_baseline}
    bay = {b.method: b for b in bayes}
    agg = {g.method: g for g in aggregate}
    family = versus_baseline_family(len(methods), baseline)
    out = []
    for method in methods:
        if method == baseline:
            continue
        rel = relative[method].dropna()
        per = [c for c in per_dataset if c.method == method]
        w, b = wil[method], bay[method]
        out.append(MethodSummary(
            method=method, baseline=baseline, n_datasets=len(rel),
            wins=int((rel > 0).sum()), ties=int((rel == 0).sum()), losses=int((rel < 0).sum()),
            significant=_count(Verdict, (c.significant for c in per)),
            practical=_count(Practical, (c.practical for c in per)),
            median_relative_improvement=w.median_difference, wilcoxon=w, family=family,
            bayes=b, aggregate=agg[method],
            verdict=method_verdict(w.p_holm, w.median_difference, alpha),
            practical_verdict=practical_verdict(b, alpha)))
    return tuple(out)


def _count(vocabulary, values) -> dict:
    counter = Counter(vocabulary(v) for v in values)
    return {kind: counter[kind] for kind in vocabulary}


def design_limits(*, per_dataset: Sequence[DatasetComparison], n_datasets: int,
                  n_rank_datasets: int, n_methods: int, repeats: int, folds: int, seeds: int,
                  alpha: float) -> DesignLimits:
    splits_seen = Counter(c.n_splits for c in per_dataset if c.n_splits > 0)
    splits = splits_seen.most_common(1)[0][0] if splits_seen else repeats * folds
    df = splits - 1
    t_critical = float(scipy.stats.t.ppf(1 - alpha / 2, df)) if df >= 1 else math.nan
    halves = [c.ci_high - c.relative_difference for c in per_dataset
              if math.isfinite(c.ci_high) and math.isfinite(c.relative_difference)]
    return DesignLimits(
        alpha=alpha, n_datasets=n_datasets, n_rank_datasets=n_rank_datasets,
        n_methods=n_methods, repeats=repeats, folds=folds, seeds=seeds, splits=splits, df=df,
        t_critical=t_critical, detectable=float(np.median(halves)) if halves else math.nan,
        wilcoxon_floor=holm_wilcoxon_floor(n_datasets, max(n_methods - 1, 1)),
        pairs_floor=holm_wilcoxon_floor(n_rank_datasets, max(n_methods * (n_methods - 1) // 2, 1)))


def holm_wilcoxon_floor(n_datasets: int, n_comparisons: int) -> float:
    """The smallest Holm-adjusted p a two-sided exact Wilcoxon test on ``n_datasets`` can reach in
    a family of ``n_comparisons``: Holm multiplies the smallest p (2 / 2^N) by the family size.
    1.0 when fewer than 2 datasets leave no test at all."""
    if n_datasets < 2:
        return 1.0
    return min(1.0, n_comparisons * 2.0 / 2.0**n_datasets)
