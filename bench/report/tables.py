"""``tables/*.csv``: every number of the report at full precision, one tidy table per topic."""

from __future__ import annotations

from dataclasses import asdict

import pandas as pd

from bench.stats.analysis import Analysis
from bench.stats.summary import MethodSummary

FLOAT_FORMAT = "%.12g"


def csv_tables(a: Analysis) -> dict[str, pd.DataFrame]:
    """Table name -> frame; written as ``tables/<name>.csv`` with :data:`FLOAT_FORMAT`."""
    return {
        "means": _means(a),
        "per_dataset_tests": pd.DataFrame([asdict(c) for c in a.per_dataset]),
        "summary": _summary(a),
        "aggregate": _aggregate(a),
        "ranks": _ranks(a),
        "friedman": pd.DataFrame([asdict(a.ranks.friedman)]).assign(
            critical_difference=a.ranks.critical_difference, alpha=a.alpha),
        "wilcoxon_pairwise": pd.DataFrame([asdict(w) for w in a.ranks.wilcoxon],
                                          columns=_fields("first second n statistic p_value "
                                                          "p_holm exact median_difference note")),
        "nemenyi": a.ranks.nemenyi_p.rename_axis("method").reset_index(),
        "cliques": pd.DataFrame({"clique": [i for i, g in enumerate(a.ranks.cliques) for _ in g],
                                 "method": [m for g in a.ranks.cliques for m in g]}),
        "performance_profile": a.shortfall.rename_axis("dataset").reset_index(),
        "power_per_dataset": pd.DataFrame([asdict(p) for p in a.power.per_dataset],
                                          columns=_fields("dataset method n_splits df ratio sd "
                                                          "detectable absolute note")).assign(
            power=a.power.power, alpha=a.power.alpha),
        "power_across": pd.DataFrame([asdict(w) for w in a.power.across],
                                     columns=_fields("method n_datasets sd detectable note")).assign(
            power=a.power.power, alpha=a.power.alpha),
        "failures": a.scores.failures.reset_index(drop=True),
        "no_value": a.scores.no_value.reset_index(drop=True),
    }


def _fields(names: str) -> list[str]:
    return names.split()


def _means(a: Analysis) -> pd.DataFrame:
    rows = []
    for dataset in a.scores.datasets:
        for method in a.scores.methods:
            rows.append({"dataset": dataset, "task": a.scores.tasks[dataset],
                         "metric": a.scores.metrics[dataset],
                         "higher_is_better": a.scores.higher_is_better(dataset),
                         "method": method, "n_runs": int(a.counts.loc[dataset, method]),
                         "mean": a.means.loc[dataset, method], "sd": a.stds.loc[dataset, method],
                         "relative_to_baseline": a.relative.loc[dataset, method]})
    return pd.DataFrame(rows)


def _summary(a: Analysis) -> pd.DataFrame:
    """One row per :class:`~bench.stats.summary.MethodSummary` (nothing re-derived here)."""
    return pd.DataFrame([_summary_row(s, a) for s in a.summaries])


def _summary_row(s: MethodSummary, a: Analysis) -> dict:
    row = {"method": s.method, "baseline": s.baseline, "n_datasets": s.n_datasets,
           "wins": s.wins, "ties": s.ties, "losses": s.losses}
    row.update({f"significant_{_column(k)}": n for k, n in s.significant.items()})
    row.update({f"practical_{_column(k)}": n for k, n in s.practical.items()})
    w, b = s.wilcoxon, s.bayes
    row.update(wilcoxon_statistic=w.statistic, wilcoxon_p=w.p_value, wilcoxon_p_holm=w.p_holm,
               wilcoxon_exact=w.exact, median_relative_improvement=s.median_relative_improvement,
               bayes_p_worse=b.p_worse, bayes_p_equivalent=b.p_equivalent,
               bayes_p_better=b.p_better, alpha=a.alpha, rope=a.rope,
               note="; ".join(n for n in (w.note, b.note) if n),
               verdict=str(s.verdict), practical_verdict=str(s.practical_verdict),
               holm_family=s.family.key, holm_family_size=s.family.size)
    return row


def _column(kind: str) -> str:
    return str(kind).replace("/", "")


def _aggregate(a: Analysis) -> pd.DataFrame:
    rows = []
    for g in a.aggregate:
        row = {"method": g.method, "n_datasets": g.n_datasets}
        for name in ("median", "iqm", "probability_of_improvement"):
            e = getattr(g, name)
            row.update({name: e.value, f"{name}_low": e.low, f"{name}_high": e.high})
        row.update(confidence=1 - a.alpha, n_bootstrap=a.options.n_bootstrap, note=g.note)
        rows.append(row)
    return pd.DataFrame(rows)


def _ranks(a: Analysis) -> pd.DataFrame:
    ranks = a.ranks.ranks.rename_axis("dataset").reset_index()
    average = pd.DataFrame([{"dataset": "average", **a.ranks.average_ranks.to_dict()}])
    return pd.concat([ranks, average], ignore_index=True) if len(ranks) else average
