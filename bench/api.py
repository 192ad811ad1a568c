"""The Python API for notebooks and scripts: the same four steps as the command line.

>>> import bench
>>> run = bench.run("quick", out="results/quick-nb", encoders="pca", seeds=1)   # doctest: +SKIP
>>> rows = bench.load(run.run_dir)                                              # doctest: +SKIP
>>> analysis = bench.analyze(rows, metric="accuracy,rmse")                       # doctest: +SKIP
>>> bench.report(analysis, out="results/quick-nb/report", formats="md,csv")      # doctest: +SKIP

``run`` resumes like ``bench run`` (same ``out``, same config), ``load`` returns one row per key,
``analyze`` returns the frozen :class:`~bench.stats.Analysis` every table and figure is drawn
from, and ``report`` writes the chosen formats.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.config import Suite
from bench.errors import ConfigError
from bench.forkserver import sleep_when_idle, start_forkserver
from bench.schema import parse_metrics

if TYPE_CHECKING:
    import pandas as pd

    from bench.pipeline import Progress, RunOutcome
    from bench.stats import Analysis


def run(
    suite: str | Path | Suite = "quick",
    *,
    out: str | Path | None = None,
    datasets: Iterable[str] | None = None,
    device: str = "auto",
    folds: int | None = None,
    repeats: int | None = None,
    seeds: int | Iterable[int] | None = None,
    encoders: str | Iterable[str] | None = None,
    executor: str = "local",
    workers: int | None = None,
    max_failures: int | None = None,
    force_new: bool = False,
    offline: bool = False,
    cache_dir: str | Path | None = None,
    threads: int = 0,
    progress: Progress | None = None,
) -> RunOutcome:
    """Run a suite (a shipped name, a TOML path or a loaded :class:`~bench.config.Suite`) as
    ``bench run`` does; return its outcome (``run_dir``, ``results``, ``status``, ``failures``).

    ``datasets``: run only these datasets of the suite (by name); ``seeds``: a count (``3``
    means seeds 0, 1, 2) or the seeds themselves; ``encoders``: a comma-separated string or a
    list. Failed units are rows with ``status = "error"``, as on the
    command line; nothing raises for them.
    """
    sleep_when_idle()  # idle threads sleep (read when the libraries load, just below)
    if executor == "local" and workers != 1:
        start_forkserver()  # workers fork from it: its imports overlap the suite's loading
    from bench.device import resolve_device
    from bench.executors import make_executor
    from bench.pipeline import RunOptions, run_suite
    from bench.suite_loader import load_suite, with_overrides

    loaded = suite if isinstance(suite, Suite) else load_suite(suite)
    if datasets is not None:
        loaded = _only(loaded, list(datasets))
    loaded = with_overrides(loaded, folds=folds, repeats=repeats, seeds=_seeds(seeds),
                            encoders=_names(encoders))
    options = RunOptions(
        out_dir=Path(out) if out is not None
        else Path("results") / f"{loaded.name}-{datetime.now():%Y%m%d-%H%M%S}",
        device=resolve_device(device), executor=make_executor(executor, workers=workers),
        max_failures=max_failures, force_new=force_new, offline=offline,
        cache_dir=Path(cache_dir) if cache_dir is not None else None, threads=threads)
    return run_suite(loaded, options, progress=progress)


def load(run_dir: str | Path) -> pd.DataFrame:
    """The result rows of a run directory, one per key (see :func:`bench.store.load`)."""
    from bench.store import load as load_rows

    return load_rows(run_dir)


def analyze(
    rows: pd.DataFrame,
    *,
    metric: str | dict[str, str] | None = None,
    baseline: str = "raw",
    alpha: float = 0.05,
    rope: float = 0.01,
) -> Analysis:
    """Every statistic of the report, computed from result rows (``bench report``'s flags).

    ``metric``: ``"log_loss,mae"`` or ``{"classification": ..., "regression": ...}``; default
    accuracy and RMSE.
    """
    from bench.stats import DEFAULT_METRICS, ReportOptions
    from bench.stats import analyze as analyze_rows

    chosen = parse_metrics(metric) if isinstance(metric, str) else dict(metric or {})
    options = ReportOptions(metrics={**DEFAULT_METRICS, **chosen}, baseline=baseline,
                            alpha=alpha, rope=rope)
    return analyze_rows(rows, options)


def report(
    analysis: Analysis,
    *,
    out: str | Path,
    formats: str | Iterable[str] = ("md", "latex", "csv", "html"),
    manifest: dict[str, Any] | None = None,
) -> list[Path]:
    """Write the report of ``analysis`` into ``out``; return the files written (``report.md``
    first). ``manifest`` (a run's ``manifest.json`` as a dict) fills the citation block."""
    from bench.report.content import RunInfo
    from bench.report.formats import parse_formats
    from bench.report.writer import write_report_files

    info = RunInfo.from_manifest(manifest or {})
    return write_report_files(Path(out), analysis, info, parse_formats(formats))


def _only(suite: Suite, names: list[str]) -> Suite:
    """``suite`` with only the named datasets (a different config, so its own config hash)."""
    from bench.data import spec_label

    labels = [spec_label(spec) for spec in suite.datasets]
    unknown = sorted(set(names) - set(labels))
    if unknown:
        raise ConfigError(f"datasets: {unknown} not in suite {suite.name!r}; it has: "
                          f"{', '.join(labels)}")
    kept = [spec for spec, label in zip(suite.datasets, labels, strict=True) if label in names]
    return suite.model_copy(update={"datasets": kept})


def _seeds(seeds: int | Iterable[int] | None) -> list[int] | None:
    if seeds is None:
        return None
    if isinstance(seeds, int):
        return list(range(seeds))
    return [int(s) for s in seeds]


def _names(names: str | Iterable[str] | None) -> list[str] | None:
    if names is None:
        return None
    if isinstance(names, str):
        return [n.strip() for n in names.split(",") if n.strip()]
    return list(names)
