"""``tables/*.csv``: every number of the report at full precision, one tidy table per topic."""

from __future__ import annotations

from dataclasses import asdict

import pandas as pd

from bench.stats.analysis import Analysis

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
    wil = {w.first: w for w in a.versus_baseline}
    bayes = {b.method: b for b in a.bayes}
    rows = []
    for method in a.scores.methods[1:]:
        per = [c for c in a.per_dataset if c.method == method]
        rel = a.relative[method].dropna()
        row = {"method": method, "baseline": a.baseline, "n_datasets": len(rel),
               "wins": int((rel > 0).sum()), "ties": int((rel == 0).sum()),
               "losses": int((rel < 0).sum())}
        for attr in ("significant", "practical"):
            for kind in ("win", "tie", "equivalent", "undecided", "loss", "n/a"):
                if attr == "significant" and kind in ("equivalent", "undecided"):
                    continue
                if attr == "practical" and kind == "tie":
                    continue
                row[f"{attr}_{kind.replace('/', '')}"] = sum(getattr(c, attr) == kind for c in per)
        w, b = wil[method], bayes[method]
        row.update(wilcoxon_statistic=w.statistic, wilcoxon_p=w.p_value, wilcoxon_p_holm=w.p_holm,
                   wilcoxon_exact=w.exact, median_relative_improvement=w.median_difference,
                   bayes_p_worse=b.p_worse, bayes_p_equivalent=b.p_equivalent,
                   bayes_p_better=b.p_better, alpha=a.alpha, rope=a.rope,
                   note="; ".join(n for n in (w.note, b.note) if n))
        rows.append(row)
    return pd.DataFrame(rows)


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
