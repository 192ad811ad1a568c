"""One call from result rows to every statistic the report shows: ``analyze(frame, ...)``."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from bench.errors import ConfigError
from bench.schema import KEY_COLUMNS
from bench.stats.aggregate import AggregateImprovement, aggregate_improvements, performance_profile
from bench.stats.leakage import LeakageAudit, leakage_audit
from bench.stats.pairwise import (
    BayesSignedRank,
    WilcoxonResult,
    bayes_signed_rank,
    paired_differences,
    relative_to_baseline,
    versus_baseline,
    wilcoxon_pairs,
)
from bench.stats.per_dataset import DatasetComparison, compare_on_datasets
from bench.stats.power import PowerAnalysis, power_analysis
from bench.stats.ranks import (
    FriedmanResult,
    cliques,
    friedman,
    nemenyi,
    nemenyi_critical_difference,
    rank_matrix,
)
from bench.stats.scores import NEAR_ZERO, Scores, collect_scores
from bench.stats.shift import ShiftSummary, shift_summary
from bench.stats.summary import DesignLimits, MethodSummary, design_limits, method_summaries


@dataclass(frozen=True)
class ReportOptions:
    """What the statistics are computed with (``bench report`` flags)."""

    metrics: dict[str, str] | None = None  # task family -> primary metric
    baseline: str = "raw"
    alpha: float = 0.05
    rope: float = 0.01  # relative: a fraction of the baseline's mean score
    n_bootstrap: int = 2000
    bayes_samples: int = 50_000

    def validate(self) -> ReportOptions:
        if not 0 < self.alpha < 1:
            raise ConfigError(f"--alpha: expected a number in (0, 1), got {self.alpha}")
        if not (self.rope >= 0 and math.isfinite(self.rope)):
            raise ConfigError(f"--rope: expected a number >= 0, got {self.rope}")
        if self.n_bootstrap < 100 or self.bayes_samples < 1000:
            raise ConfigError("n_bootstrap must be >= 100 and bayes_samples >= 1000")
        return self


@dataclass(frozen=True)
class RankAnalysis:
    """Across datasets, on the datasets where every method has a result."""

    datasets: tuple[str, ...]
    excluded: dict[str, str]  # dataset -> why it is not in the rank analysis
    ranks: pd.DataFrame  # dataset × method, 1 = best
    average_ranks: pd.Series  # method -> average rank
    friedman: FriedmanResult
    wilcoxon: tuple[WilcoxonResult, ...]  # all pairs, Holm over pairs
    nemenyi_p: pd.DataFrame  # method × method
    critical_difference: float  # Nemenyi CD at α
    cliques: tuple[tuple[str, ...], ...]  # from Wilcoxon–Holm
    note: str = ""


@dataclass(frozen=True)
class Analysis:
    """Everything the report shows; every number traces back to ``scores.runs``."""

    options: ReportOptions
    scores: Scores
    means: pd.DataFrame
    stds: pd.DataFrame
    counts: pd.DataFrame
    per_dataset: tuple[DatasetComparison, ...]
    relative: pd.DataFrame  # dataset × method relative improvement over the baseline (paired)
    versus_baseline: tuple[WilcoxonResult, ...]  # Holm over methods
    bayes: tuple[BayesSignedRank, ...]
    aggregate: tuple[AggregateImprovement, ...]
    ranks: RankAnalysis
    shortfall: pd.DataFrame  # performance profile input
    result_hash: str
    leakage: LeakageAudit
    power: PowerAnalysis
    summaries: tuple[MethodSummary, ...]  # one per method but the baseline, in method order
    design: DesignLimits
    shift: ShiftSummary  # embedding shift per encoder (``bench.stats.shift``)
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def alpha(self) -> float:
        return self.options.alpha

    @property
    def rope(self) -> float:
        return self.options.rope

    @property
    def baseline(self) -> str:
        return self.options.baseline

    def summary(self, method: str) -> MethodSummary:
        """The :class:`MethodSummary` of ``method`` (any method but the baseline)."""
        for s in self.summaries:
            if s.method == method:
                return s
        raise KeyError(f"method must be one of {[s.method for s in self.summaries]}, "
                       f"however: {method!r}")


def analyze(frame: pd.DataFrame, options: ReportOptions | None = None) -> Analysis:
    """Compute every statistic of the report from result rows (see ``bench.stats``)."""
    opts = (options or ReportOptions()).validate()
    scores = collect_scores(frame, metrics=opts.metrics, baseline=opts.baseline)
    means = scores.means()
    signs = pd.Series({d: scores.sign(d) for d in scores.datasets}, dtype=float)
    relative = relative_to_baseline(scores)
    improvements = relative.drop(columns=opts.baseline)
    per_dataset = compare_on_datasets(scores, alpha=opts.alpha, rope=opts.rope)
    vs_baseline = versus_baseline(relative, opts.baseline)
    bayes = tuple(bayes_signed_rank(improvements[m].dropna().to_numpy(), m, rope=opts.rope,
                                    nsamples=opts.bayes_samples) for m in improvements.columns)
    aggregate = aggregate_improvements(scores, alpha=opts.alpha, n_bootstrap=opts.n_bootstrap)
    ranks = rank_analysis(scores, alpha=opts.alpha)
    return Analysis(
        options=opts, scores=scores, means=means, stds=scores.stds(), counts=scores.counts(),
        per_dataset=per_dataset, relative=relative, versus_baseline=vs_baseline, bayes=bayes,
        aggregate=aggregate, ranks=ranks, shortfall=performance_profile(means, signs),
        result_hash=result_hash(frame), leakage=leakage_audit(frame, metrics=opts.metrics),
        power=power_analysis(scores, relative, alpha=opts.alpha),
        summaries=method_summaries(methods=scores.methods, baseline=opts.baseline,
                                   relative=relative, per_dataset=per_dataset,
                                   versus_baseline=vs_baseline, bayes=bayes, aggregate=aggregate,
                                   alpha=opts.alpha),
        design=design_limits(per_dataset=per_dataset, n_datasets=len(scores.datasets),
                             n_rank_datasets=len(ranks.datasets), n_methods=len(scores.methods),
                             repeats=len(scores.repeats), folds=len(scores.folds),
                             seeds=len(scores.seeds), alpha=opts.alpha),
        shift=shift_summary(frame),
        notes=_notes(scores) + pairing_notes(scores, per_dataset, ranks),
    )


def rank_analysis(scores: Scores, *, alpha: float) -> RankAnalysis:
    """Ranks, Friedman, Wilcoxon–Holm, Nemenyi and cliques on the complete datasets.

    Ranks and Friedman use per dataset the means over the runs where every method succeeded;
    each Wilcoxon pair uses the runs where both of its methods did."""
    methods = list(scores.methods)
    means = pd.DataFrame([scores.paired_means(d, scores.methods).values for d in scores.datasets],
                         index=list(scores.datasets), columns=methods, dtype=float)
    signs = pd.Series({d: scores.sign(d) for d in scores.datasets}, dtype=float)
    complete = means.notna().all(axis=1)
    excluded = {str(d): _why_excluded(scores, str(d)) for d in means.index[~complete]}
    used = means[complete]
    ranks = pd.DataFrame(rank_matrix(used.to_numpy(), signs.reindex(used.index).to_numpy() > 0),
                         index=used.index, columns=methods) if len(used) else \
        pd.DataFrame(columns=methods, dtype=float)
    average = ranks.mean(axis=0) if len(used) else pd.Series(np.nan, index=methods)
    pairs = wilcoxon_pairs(paired_differences(scores, tuple(used.index))) if len(used) else ()
    not_different = pd.DataFrame(True, index=methods, columns=methods)
    for r in pairs:
        significant = math.isfinite(r.p_holm) and r.p_holm < alpha
        not_different.loc[r.first, r.second] = not_different.loc[r.second, r.first] = not significant
    note = ""
    if len(used) < 2:
        note = f"{len(used)} dataset(s) with results for every method: no test across datasets"
    return RankAnalysis(
        datasets=tuple(str(d) for d in used.index), excluded=excluded, ranks=ranks,
        average_ranks=average,
        friedman=friedman(ranks.to_numpy(dtype=float).reshape(len(used), len(methods))),
        wilcoxon=pairs,
        nemenyi_p=nemenyi(ranks.to_numpy(), methods) if len(used) >= 2 and len(methods) >= 2
        else pd.DataFrame(np.nan, index=methods, columns=methods),
        critical_difference=nemenyi_critical_difference(len(methods), len(used), alpha),
        cliques=cliques(average, not_different) if len(used) else (),
        note=note,
    )


def result_hash(frame: pd.DataFrame) -> str:
    """SHA-256 of the result rows: sorted by their keys, columns by name, values as text.

    Independent of row order, column order and the file the rows came from, so two people
    holding the same rows get the same hash.
    """
    keys = [k for k in KEY_COLUMNS if k in frame.columns]
    ordered = frame.sort_values(keys, kind="stable").reindex(columns=sorted(frame.columns))
    text = ordered.to_csv(index=False, float_format="%.17g", lineterminator="\n")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _why_excluded(scores: Scores, dataset: str) -> str:
    counts = scores.counts().loc[dataset]
    missing = [m for m in scores.methods if counts[m] == 0]
    if missing:
        return "missing: " + ", ".join(missing)
    return "no run on which every method succeeded"


def pairing_notes(scores: Scores, per_dataset: tuple[DatasetComparison, ...],
                  ranks: RankAnalysis) -> tuple[str, ...]:
    """Say where runs were left out for want of a partner, and where differences are absolute."""
    notes = []
    unpaired = [c for c in per_dataset if c.n_unpaired_runs]
    if unpaired:
        notes.append(
            f"{sum(c.n_unpaired_runs for c in unpaired)} run(s) in {len(unpaired)} (dataset, "
            f"method) comparison(s) with `{scores.baseline}` had no successful partner on the "
            f"same repeat, fold and seed and were left out of those comparisons (per-dataset "
            f"tests, win/tie/loss, Wilcoxon, Bayesian signed-rank); each pair of methods is "
            f"compared only on the runs where both succeeded")
    dropped = sum(scores.paired_means(d, scores.methods).n_dropped for d in ranks.datasets)
    if dropped:
        notes.append(f"ranks and the Friedman test use per dataset only the runs where every "
                     f"method succeeded: {dropped} successful run(s) were left out of them")
    absolute = [d for d in scores.datasets if scores.scale(d).absolute]
    if absolute:
        notes.append(f"on {', '.join(absolute)} the baseline's mean is within {NEAR_ZERO} of 0 "
                     f"on a fixed-scale metric (e.g. R² ≈ 0), where a relative change is "
                     f"meaningless: their differences are absolute (metric units), not relative")
    return tuple(notes)


def _notes(scores: Scores) -> tuple[str, ...]:
    notes = []
    if len(scores.failures):
        notes.append(f"{len(scores.failures)} result row(s) failed (status not ok); they are "
                     "listed under Failures and left out of every statistic")
    if len(scores.no_value):
        notes.append(f"{len(scores.no_value)} successful row(s) have no value for their primary "
                     "metric (NaN) and are left out")
    return tuple(notes)
