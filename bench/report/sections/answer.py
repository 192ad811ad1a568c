"""The answer first: 3–5 sentences generated from the analysis — which methods beat the
baseline, by how much, with what evidence, and what the design can and cannot detect.

The same text opens ``report.md``/``.tex``/``.html`` and ends ``bench run``'s output.
"""

from __future__ import annotations

import math

from bench.report import formatting as fmt
from bench.report.document import Block, Heading, Paragraph
from bench.schema import Practical, Verdict
from bench.stats.analysis import Analysis
from bench.stats.summary import DesignLimits, MethodSummary

HEADING = "Answer"
MAX_NAMED = 3  # methods named with their numbers in one sentence; more are counted
MAX_SENTENCES = 5


def answer_blocks(a: Analysis) -> list[Block]:
    return [Heading(HEADING), Paragraph(answer_text(a))]


def answer_text(a: Analysis) -> str:
    """The answer as one paragraph of 3–5 sentences (inline `code` spans for method names)."""
    if not a.summaries:
        return (f"Only `{a.baseline}` has results, so there is nothing to compare it with. "
                f"{_design_sentence(a)} Add encoders to the suite to ask whether they help.")
    # In order of importance; the per-dataset count goes first when five would be too many.
    sentences = [_winners_sentence(a), _losers_sentence(a), _bayes_sentence(a),
                 _per_dataset_sentence(a), _design_sentence(a),
                 _across_sentence(a.design, a.baseline)]
    sentences = [s for s in sentences if s]
    if len(sentences) > MAX_SENTENCES:
        sentences.remove(_per_dataset_sentence(a))
    return " ".join(sentences)


def _evidence(s: MethodSummary, a: Analysis) -> str:
    m = s.median
    ci = (f" [{fmt.level(1 - a.alpha)} CI {fmt.percent(m.low)}, {fmt.percent(m.high)}]"
          if math.isfinite(m.low) and math.isfinite(m.high) else "")
    return (f"`{s.method}`, median relative improvement {fmt.percent(m.value)}{ci}, "
            f"{fmt.p_equals(s.p_holm)}, Bayesian P(worse / equivalent / better) = "
            f"{_probabilities(s)}")


def _probabilities(s: MethodSummary) -> str:
    b = s.bayes
    return " / ".join(fmt.probability(p) for p in (b.p_worse, b.p_equivalent, b.p_better))


def _named(group: list[MethodSummary], a: Analysis) -> str:
    shown = "; ".join(_evidence(s, a) for s in group[:MAX_NAMED])
    more = len(group) - MAX_NAMED
    return shown + (f"; and {more} more (see the summary table)" if more > 0 else "")


def _test(a: Analysis) -> str:
    return (f"Wilcoxon signed-rank, Holm over {a.summaries[0].family.description}, "
            f"α = {a.alpha}")


def _by_median(summaries: list[MethodSummary]) -> list[MethodSummary]:
    def key(s: MethodSummary) -> float:
        v = s.median.value
        return -v if math.isfinite(v) else math.inf
    return sorted(summaries, key=key)


def _winners_sentence(a: Analysis) -> str:
    n = fmt.count(len(a.scores.datasets), "dataset")
    ranked = _by_median(list(a.summaries))
    if a.design.n_datasets < 2:
        best = ranked[0]
        return (f"On the single dataset, `{best.method}` gains most over `{a.baseline}`: "
                f"{fmt.percent_ci(best.median.value, best.median.low, best.median.high)} "
                f"({fmt.level(1 - a.alpha)} bootstrap CI over splits).")
    winners = [s for s in ranked if s.verdict == Verdict.WIN]
    if winners:
        verb = "beats" if len(winners) == 1 else "beat"
        return (f"{len(winners)} of {len(a.summaries)} methods {verb} `{a.baseline}` across the "
                f"{n} ({_test(a)}): {_named(winners, a)}.")
    best = next((s for s in ranked if math.isfinite(s.median.value)), None)
    text = f"No method beats `{a.baseline}` significantly across the {n} ({_test(a)})"
    if best is not None:
        text += f"; the largest median gain: {_evidence(best, a)}"
    return text + "."


def _losers_sentence(a: Analysis) -> str:
    """Methods significantly worse than the baseline, briefly: name, median, p (same test)."""
    losers = _by_median([s for s in a.summaries if s.verdict == Verdict.LOSS])[::-1]
    if not losers:
        return ""
    named = ", ".join(f"`{s.method}` ({fmt.percent(s.median.value)}, {fmt.p_equals(s.p_holm)})"
                      for s in losers)
    return f"Significantly worse than `{a.baseline}` (same test): {named}."


def _bayes_sentence(a: Analysis) -> str:
    """Methods the Bayesian signed-rank test decides on although Wilcoxon–Holm does not."""
    decided = [s for s in a.summaries if s.practical_verdict in (Practical.WIN, Practical.LOSS,
                                                                 Practical.EQUIVALENT)
               and s.verdict not in (Verdict.WIN, Verdict.LOSS)]
    if not decided:
        return ""
    words = {Practical.WIN: "better than", Practical.LOSS: "worse than",
             Practical.EQUIVALENT: "practically equivalent to"}
    parts = [f"`{s.method}` is {words[s.practical_verdict]} `{a.baseline}` with probability "
             f"{_decided_probability(s):.2f}" for s in decided[:MAX_NAMED]]
    more = len(decided) - MAX_NAMED
    return (f"The Bayesian signed-rank test (ROPE ±{fmt.level(a.rope)}) decides where the "
            f"Wilcoxon test cannot: " + "; ".join(parts)
            + (f"; and {more} more" if more > 0 else "") + ".")


def _decided_probability(s: MethodSummary) -> float:
    b = s.bayes
    return {Practical.WIN: b.p_better, Practical.LOSS: b.p_worse,
            Practical.EQUIVALENT: b.p_equivalent}[s.practical_verdict]


def _per_dataset_sentence(a: Analysis) -> str:
    wins = sum(s.significant[Verdict.WIN] for s in a.summaries)
    losses = sum(s.significant[Verdict.LOSS] for s in a.summaries)
    total = sum(sum(s.significant.values()) for s in a.summaries)
    return (f"Per dataset, the corrected resampled t-test (Holm across datasets) finds "
            f"{fmt.count(wins, 'significant win')} and {fmt.count(losses, 'loss', 'losses')} in "
            f"{total} method–dataset comparisons.")


def _design_sentence(a: Analysis) -> str:
    d = a.design
    text = (f"The design has {fmt.count(d.repeats, 'repeat')} × {fmt.count(d.folds, 'fold')}, "
            f"so each dataset gives J = {d.splits} paired splits and the corrected t-test "
            f"{fmt.count(d.df, 'degree')} of freedom")
    if not math.isfinite(d.t_critical):
        return text + ": too few for a test on one dataset."
    text += f" (critical t = {d.t_critical:.2f} at α = {d.alpha})"
    if math.isfinite(d.detectable):
        text += (f": on one dataset, differences smaller than about "
                 f"{fmt.percent(d.detectable, signed=False)} of `{a.baseline}`'s mean (the median "
                 f"half-width of the {fmt.level(1 - d.alpha)} t-intervals) cannot be told from "
                 f"noise")
    return text + "."


def _across_sentence(d: DesignLimits, baseline: str) -> str:
    if d.n_datasets < 2:
        return "With a single dataset there is no test across datasets."
    text = (f"With {d.n_datasets} datasets the smallest Holm-adjusted Wilcoxon p attainable "
            f"against `{baseline}` is {d.wilcoxon_floor:.3g}")
    if not d.can_detect_across:
        return text + (f" ≥ α, so no method can be declared better or worse than `{baseline}` "
                       f"across datasets, whatever the data: more datasets are needed.")
    return text + (", so only effects in the same direction on most datasets can reach "
                   "significance across datasets.")
