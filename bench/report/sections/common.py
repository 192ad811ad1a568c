"""Small pieces several sections share: metric arrows, design and dataset descriptions, marks."""

from __future__ import annotations

from collections import Counter

from bench.schema import HIGHER_IS_BETTER, Verdict
from bench.stats.analysis import Analysis


def dataset_counts(a: Analysis) -> str:
    by_metric = Counter(a.scores.metrics.values())
    parts = [f"{n} on {m} {arrow(m)}" for m, n in sorted(by_metric.items())]
    return f"{len(a.scores.datasets)} ({'; '.join(parts)})"


def design(a: Analysis) -> str:
    s = a.scores
    return (f"{len(s.repeats)} repeat(s) × {len(s.folds)} folds × {len(s.seeds)} seed(s) "
            f"(seeds {', '.join(map(str, s.seeds))}) per dataset and method")


def arrow(metric: str) -> str:
    return "↑" if HIGHER_IS_BETTER[metric] else "↓"


def verdict_mark(verdict: str) -> str:
    """The table mark (▲/▼) of a significance verdict."""
    return {Verdict.WIN: "win", Verdict.LOSS: "loss"}.get(Verdict(verdict), "")
