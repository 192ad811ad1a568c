"""How long ``bench report`` takes for a run the size of the quick suite.

13 datasets × 7 methods × (1 repeat × 3 folds × 2 seeds) = 546 result rows, every statistic
(2000 bootstrap resamples, 50 000 posterior samples per Bayesian signed-rank test) and every
format (Markdown, LaTeX, HTML, CSV, 3 figures as PNG + PDF). Run with ``nox -s perf``.
"""

from __future__ import annotations

from pathlib import Path

from bench.report import RunInfo, write_report_files
from bench.stats import analyze
from tests.test_stats_analysis import frame

METHODS = (("none", "raw", 0.0), ("ae", "emb", -0.05), ("ae", "raw+emb", -0.01),
           ("mlp", "emb", -0.04), ("mlp", "raw+emb", 0.0), ("pca", "emb", -0.02),
           ("pca", "raw+emb", 0.005))


def test_report_for_a_quick_sized_run(benchmark, tmp_path: Path) -> None:
    rows = frame(13, methods=METHODS, seed=0)
    assert len(rows) == 546

    def report() -> list[Path]:
        return write_report_files(tmp_path, analyze(rows), RunInfo(suite="quick-sized"))

    files = benchmark.pedantic(report, rounds=3, iterations=1)
    assert any(p.name == "report.html" for p in files)
