"""``run_suite``: plan → load → split → run items → store → report, resumable."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, Protocol

import pandas as pd

from bench import __version__
from bench.config import Suite
from bench.device import DeviceInfo
from bench.environment import environment
from bench.errors import ConfigError, DataError
from bench.executors import Executor, LocalExecutor
from bench.models import booster_params
from bench.plan import Plan, make_plan
from bench.report import FORMATS, RunInfo, write_report_files
from bench.runner import ItemResult, RunContext
from bench.schema import SCHEMA_VERSION, UNIT_COLUMNS, Status
from bench.stats import ReportOptions, analyze
from bench.store import RunStore


class Progress(Protocol):
    def start(self, total: int, resumed: int) -> None: ...
    def advance(self, description: str) -> None: ...


class _Silent:
    def start(self, total: int, resumed: int) -> None:
        pass

    def advance(self, description: str) -> None:
        pass


RunStatus = Literal["finished", "stopped", "interrupted"]


@dataclass(frozen=True)
class RunOutcome:
    """What a ``bench run`` produced: finished, stopped by ``--max-failures``, or interrupted."""

    run_dir: Path
    results: pd.DataFrame
    resumed: bool
    wall_s: float
    report_path: Path | None
    status: RunStatus = "finished"
    message: str = ""
    set_aside: Path | None = None

    @property
    def n_ok(self) -> int:
        return int((self.results["status"] == "ok").sum())

    @property
    def failures(self) -> pd.DataFrame:
        return self.results[self.results["status"] != "ok"]


def run_suite(
    suite: Suite,
    *,
    out_dir: Path,
    device: DeviceInfo,
    progress: Progress | None = None,
    nthread: int = 0,
    executor: Executor | None = None,
    max_failures: int | None = None,
    force_new: bool = False,
    offline: bool = False,
    cache_dir: Path | None = None,
) -> RunOutcome:
    """Run every unit of ``suite`` not already done in ``out_dir``; write results and report.

    Rows are stored as each work item finishes, so a crash, ``--max-failures`` or Ctrl-C
    (``KeyboardInterrupt``) loses at most the items in flight; a rerun resumes. Failed rows of an
    earlier attempt are retried on resume. ``offline`` / ``cache_dir``: OpenML data comes from
    the cache only / from this cache.
    """
    started = time.perf_counter()
    progress = progress or _Silent()
    executor = executor or LocalExecutor()
    if max_failures is not None and max_failures < 1:
        raise ConfigError(f"--max-failures must be >= 1, got {max_failures}")
    ctx = RunContext(suite, out_dir.name, suite.config_hash(), device, nthread,
                     offline=offline, cache_dir=cache_dir)
    plan = make_plan(suite, options=ctx.openml_options())
    store = RunStore(out_dir)
    moved = store.set_aside() if force_new else None
    resumed = store.open(_manifest(plan, ctx, executor))
    done = store.done_keys()
    jobs = plan.jobs(done)
    progress.start(plan.n_units, resumed=plan.n_units - sum(job.n_units for job in jobs))
    hashes = {name: info.get("content_hash")
              for name, info in store.read_manifest().get("datasets", {}).items()}
    results = executor.run(jobs, ctx, skip=done, on_unit=progress.advance)
    status, message = _drain(results, store, hashes, max_failures)
    frame = store.consolidate()
    report_path = None if status == "interrupted" else write_report(out_dir, frame, suite, device)
    store.update_manifest(status=status, stop_reason=message, finished_at=_now(),
                          n_rows=len(frame), n_failed=int((frame["status"] != "ok").sum()))
    return RunOutcome(out_dir, frame, resumed, time.perf_counter() - started, report_path,
                      status, message, moved)


def _drain(results: Iterator[ItemResult], store: RunStore, hashes: dict[str, str | None],
           max_failures: int | None) -> tuple[RunStatus, str]:
    """Store every result as it arrives; stop at ``max_failures`` failed units or Ctrl-C."""
    failed: set[tuple[Any, ...]] = set()
    with contextlib.closing(results):  # closing stops the executor's workers
        try:
            for result in results:
                _check_dataset(store, result, hashes)
                store.append(result.rows)
                failed |= {tuple(r[k] for k in UNIT_COLUMNS)
                           for r in result.rows if r["status"] != Status.OK}
                if max_failures is not None and len(failed) >= max_failures:
                    return "stopped", (f"stopped early after {len(failed)} failed units "
                                       f"(--max-failures {max_failures})")
        except KeyboardInterrupt:
            return "interrupted", "interrupted (Ctrl-C or SIGTERM)"
    return "finished", ""


def _check_dataset(store: RunStore, result: ItemResult, hashes: dict[str, str | None]) -> None:
    """Record a dataset's summary once; refuse rows computed on data that changed since."""
    info = result.dataset_info
    if not info:
        return
    name, new = result.item.dataset, info.get("content_hash")
    if name not in hashes:
        manifest = store.read_manifest()
        manifest.setdefault("datasets", {})[name] = info
        store.write_manifest(manifest)
        hashes[name] = new
    elif hashes[name] != new:
        raise DataError(
            f"its content changed since this run started (content hash {str(hashes[name])[:12]} "
            f"→ {str(new)[:12]}); resuming would mix two versions of the data: use a new --out "
            f"directory, or --force-new", where=name)


def _manifest(plan: Plan, ctx: RunContext, executor: Executor) -> dict[str, Any]:
    suite = ctx.suite
    return {
        "schema_version": SCHEMA_VERSION,
        "bench_version": __version__,
        "run_id": ctx.run_id,
        "suite": suite.name,
        "suite_file": str(suite.base_dir),
        "config": suite.model_dump(mode="json"),
        "config_hash": ctx.config_hash,
        "expected_rows": plan.n_rows,
        "device": {"kind": ctx.device.kind, "name": ctx.device.name,
                   "reason": ctx.device.reason},
        "executor": executor.describe(),
        "xgboost_params": booster_params(suite.xgboost, task="<task>", n_classes=0, seed=0,
                                         device=ctx.device.kind, nthread=ctx.nthread),
        "environment": environment(),
        "started_at": _now(),
        "status": "running",
    }


def write_report(
    out_dir: Path,
    frame: pd.DataFrame,
    suite: Suite,
    device: DeviceInfo,
    *,
    options: ReportOptions | None = None,
    formats: Iterable[str] = FORMATS,
    manifest: dict[str, Any] | None = None,
) -> Path:
    """Write the report (Markdown, LaTeX, CSV tables, HTML, figures) into ``out_dir`` from the
    result rows alone; return the path of ``report.md`` (or of the first file written).

    ``manifest`` (default: ``out_dir/manifest.json`` when present) only supplies the run's
    identity and software versions for the citation block.
    """
    opts = options or ReportOptions(metrics=suite.run.metrics.model_dump())
    if manifest is None:
        store = RunStore(out_dir)
        manifest = store.read_manifest() if (out_dir / "manifest.json").exists() else {}
    info = RunInfo.from_manifest(manifest, suite=suite.name,
                                 device=f"{device.kind} ({device.name})")
    return write_report_files(out_dir, analyze(frame, opts), info, formats)[0]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")

