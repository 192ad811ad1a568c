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
    pairwise_wilcoxon,
    relative_to_baseline,
    versus_baseline,
)
from bench.stats.per_dataset import DatasetComparison, compare_on_datasets
from bench.stats.ranks import (
    FriedmanResult,
    cliques,
    friedman,
    nemenyi,
    nemenyi_critical_difference,
    rank_matrix,
)
from bench.stats.scores import Scores, collect_scores
from bench.stats.shift import ShiftSummary, shift_summary


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
    relative: pd.DataFrame  # dataset × method relative improvement over the baseline (means)
    versus_baseline: tuple[WilcoxonResult, ...]  # Holm over methods
    bayes: tuple[BayesSignedRank, ...]
    aggregate: tuple[AggregateImprovement, ...]
    ranks: RankAnalysis
    shortfall: pd.DataFrame  # performance profile input
    result_hash: str
    leakage: LeakageAudit
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


def analyze(frame: pd.DataFrame, options: ReportOptions | None = None) -> Analysis:
    """Compute every statistic of the report from result rows (see ``bench.stats``)."""
    opts = (options or ReportOptions()).validate()
    scores = collect_scores(frame, metrics=opts.metrics, baseline=opts.baseline)
    means = scores.means()
    signs = pd.Series({d: scores.sign(d) for d in scores.datasets}, dtype=float)
    relative = relative_to_baseline(means, signs, opts.baseline)
    improvements = relative.drop(columns=opts.baseline)
    return Analysis(
        options=opts, scores=scores, means=means, stds=scores.stds(), counts=scores.counts(),
        per_dataset=compare_on_datasets(scores, alpha=opts.alpha, rope=opts.rope),
        relative=relative,
        versus_baseline=versus_baseline(relative, opts.baseline),
        bayes=tuple(bayes_signed_rank(improvements[m].dropna().to_numpy(), m, rope=opts.rope,
                                      nsamples=opts.bayes_samples)
                    for m in improvements.columns),
        aggregate=aggregate_improvements(scores, alpha=opts.alpha, n_bootstrap=opts.n_bootstrap),
        ranks=rank_analysis(means, signs, relative, alpha=opts.alpha),
        shortfall=performance_profile(means, signs),
        result_hash=result_hash(frame),
        leakage=leakage_audit(frame, metrics=opts.metrics),
        shift=shift_summary(frame),
        notes=_notes(scores),
    )


def rank_analysis(means: pd.DataFrame, signs: pd.Series, relative: pd.DataFrame, *,
                  alpha: float) -> RankAnalysis:
    """Ranks, Friedman, Wilcoxon–Holm, Nemenyi and cliques on the complete datasets."""
    complete = means.notna().all(axis=1)
    excluded = {str(d): "missing: " + ", ".join(means.columns[means.loc[d].isna()])
                for d in means.index[~complete]}
    used = means[complete]
    methods = list(means.columns)
    ranks = pd.DataFrame(rank_matrix(used.to_numpy(), signs.reindex(used.index).to_numpy() > 0),
                         index=used.index, columns=methods) if len(used) else \
        pd.DataFrame(columns=methods, dtype=float)
    average = ranks.mean(axis=0) if len(used) else pd.Series(np.nan, index=methods)
    pairs = pairwise_wilcoxon(relative.loc[used.index]) if len(used) else ()
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


def _notes(scores: Scores) -> tuple[str, ...]:
    notes = []
    if len(scores.failures):
        notes.append(f"{len(scores.failures)} result row(s) failed (status not ok); they are "
                     "listed under Failures and left out of every statistic")
    if len(scores.no_value):
        notes.append(f"{len(scores.no_value)} successful row(s) have no value for their primary "
                     "metric (NaN) and are left out")
    return tuple(notes)
