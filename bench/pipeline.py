"""``run_suite``: plan → load → split → run items → store → report, resumable."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, Protocol

import pandas as pd

from bench.config import Suite
from bench.context import RunContext
from bench.device import DeviceInfo, projection_backend
from bench.environment import environment
from bench.errors import ConfigError, DataError
from bench.executors import Executor, LocalExecutor
from bench.plan import Plan, make_plan
from bench.report.writer import write_run_report
from bench.runner import ItemResult
from bench.schema import SCHEMA_VERSION, UNIT_COLUMNS, Status
from bench.store import RunStore
from bench.threads import FIT_THREAD_CELLS, LARGE_FIT_THREADS
from bench.version import __version__


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


@dataclass(frozen=True, kw_only=True)
class RunOptions:
    """How to run a suite (not what): none of these changes the results, so none is part of the
    config hash, except ``threads`` when set. ``bench run``'s flags become one of these; so do
    the Python API's keywords."""

    out_dir: Path
    device: DeviceInfo
    executor: Executor = field(default_factory=LocalExecutor)
    max_failures: int | None = None  # stop once this many units failed (rows so far are kept)
    force_new: bool = False  # move an existing run in out_dir aside instead of resuming it
    offline: bool = False  # OpenML data from the cache only
    cache_dir: Path | None = None  # OpenML cache (None: $BENCH_CACHE_DIR or the user cache dir)
    # XGBoost and torch threads per fit (0: from the data's shape, bench.threads.fit_threads).
    # Set, it enters the config hash: XGBoost's trees can depend on the thread count.
    threads: int = 0

    def __post_init__(self) -> None:
        if self.max_failures is not None and self.max_failures < 1:
            raise ConfigError(f"--max-failures must be >= 1, got {self.max_failures}")
        if self.threads < 0:
            raise ConfigError(f"--threads must be >= 0, got {self.threads}")


def run_suite(suite: Suite, options: RunOptions, *, progress: Progress | None = None) -> RunOutcome:
    """Run every unit of ``suite`` not already done in ``options.out_dir``; write results and
    the report.

    Rows are stored as each work item finishes, so a crash, ``--max-failures`` or Ctrl-C
    (``KeyboardInterrupt``) loses at most the items in flight; a rerun resumes. Failed rows of an
    earlier attempt are retried on resume.
    """
    started = time.perf_counter()
    # The plan first: a suite that cannot run (e.g. no result rows) leaves no directory behind.
    ctx = RunContext(suite, options.out_dir.name, suite.config_hash(threads=options.threads),
                     options.device, options.threads,
                     offline=options.offline, cache_dir=options.cache_dir)
    plan = make_plan(suite, options=ctx.openml_options())
    store = RunStore(options.out_dir)
    with contextlib.ExitStack() as held:  # one writer per run directory, for the whole run
        held.enter_context(store.writer_lock())
        moved = store.set_aside() if options.force_new else None
        if moved is not None:
            held.enter_context(store.writer_lock())  # the lock of the new, empty directory
        return _run_locked(plan, ctx, options, store, progress or _Silent(), moved, started)


def _run_locked(plan: Plan, ctx: RunContext, options: RunOptions, store: RunStore,
                progress: Progress, moved: Path | None, started: float) -> RunOutcome:
    resumed = store.open(_manifest(plan, ctx, options.executor))
    try:
        return _run_opened(plan, ctx, options, store, progress, resumed, moved, started)
    except Exception as exc:
        # A fatal error (unwritable directory, changed data, a bug): the manifest says so instead
        # of staying "running"; the finished parts are kept for the resume.
        text = str(exc).strip()
        with contextlib.suppress(Exception):
            store.update_manifest(status="failed", finished_at=_now(),
                                  stop_reason=f"{type(exc).__name__}: "
                                              f"{text.splitlines()[0] if text else ''}")
        raise


def _run_opened(plan: Plan, ctx: RunContext, options: RunOptions, store: RunStore,
                progress: Progress, resumed: bool, moved: Path | None,
                started: float) -> RunOutcome:
    out_dir, executor, max_failures = options.out_dir, options.executor, options.max_failures
    done = store.done_keys()
    jobs = plan.jobs(done)
    progress.start(plan.n_units, resumed=plan.n_units - sum(job.n_units for job in jobs))
    hashes = {name: info.get("content_hash")
              for name, info in store.read_manifest().get("datasets", {}).items()}
    results = executor.run(jobs, ctx, skip=done, on_unit=progress.advance)
    status, message = _drain(results, store, hashes, max_failures)
    frame = store.consolidate()
    report_path = (None if status == "interrupted"
                   else write_run_report(out_dir, frame, store.read_manifest()))
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
                   "reason": ctx.device.reason,
                   "projection_backend": projection_backend(ctx.device.kind)},
        "executor": executor.describe(),
        # Each dataset's count is datasets.<name>.fit_threads; this is the rule that chose it.
        "fit_threads": {"override": ctx.nthread or None, "one_thread_below_cells": FIT_THREAD_CELLS,
                        "threads_above": LARGE_FIT_THREADS},
        # The parameters actually used are per dataset (objective, classes): see
        # datasets.<name>.xgboost_params, recorded with each dataset's first rows.
        "environment": environment(),
        "started_at": _now(),
        "status": "running",
    }


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")

