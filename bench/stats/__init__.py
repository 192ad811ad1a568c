"""Statistics over result rows: data in, frozen result objects out.

``analyze(frame, ReportOptions(...))`` computes everything the report shows; the pieces
(`corrected_resampled_ttest`, ranks, pairwise tests, aggregates) are importable on their own.

scipy.stats and baycomp (0.8 s of imports on 2 cores) load on first use: the modules call
``scipy.stats.…`` through SciPy's lazy submodules, so importing the result types (as the report
does to render stored parts) loads neither.
"""

from bench.stats.analysis import Analysis, RankAnalysis, ReportOptions, analyze, result_hash
from bench.stats.resampled import ResampledTTest, corrected_resampled_ttest, holm
from bench.stats.scores import DEFAULT_METRICS, Scores, collect_scores, method_name
from bench.stats.summary import DesignLimits, HolmFamily, MethodSummary

__all__ = [
    "DEFAULT_METRICS",
    "Analysis",
    "DesignLimits",
    "HolmFamily",
    "MethodSummary",
    "RankAnalysis",
    "ReportOptions",
    "ResampledTTest",
    "Scores",
    "analyze",
    "collect_scores",
    "corrected_resampled_ttest",
    "holm",
    "method_name",
    "result_hash",
]
