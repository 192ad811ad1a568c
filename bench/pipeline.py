"""``run_suite``: plan → load → split → run items → store → report, resumable."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from bench.config import Suite
from bench.device import DeviceInfo
from bench.environment import environment
from bench.executors import LocalExecutor
from bench.models import booster_params
from bench.plan import Plan, make_plan
from bench.report import FORMATS, RunInfo, write_report_files
from bench.runner import RunContext
from bench.stats import ReportOptions, analyze
from bench.store import SCHEMA_VERSION, RunStore


class Progress(Protocol):
    def start(self, total: int, resumed: int) -> None: ...
    def advance(self, description: str) -> None: ...


class _Silent:
    def start(self, total: int, resumed: int) -> None:
        pass

    def advance(self, description: str) -> None:
        pass


@dataclass(frozen=True)
class RunOutcome:
    """What a finished ``bench run`` produced."""

    run_dir: Path
    results: pd.DataFrame
    resumed: bool
    wall_s: float
    report_path: Path

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
    executor: LocalExecutor | None = None,
    offline: bool = False,
    cache_dir: Path | None = None,
) -> RunOutcome:
    """Run every unit of ``suite`` not already in ``out_dir`` and write results and report.

    ``offline`` / ``cache_dir``: OpenML data comes from the cache only / from this cache.
    """
    started = time.perf_counter()
    progress = progress or _Silent()
    executor = executor or LocalExecutor()
    ctx = RunContext(suite, out_dir.name, suite.config_hash(), device, nthread,
                     offline=offline, cache_dir=cache_dir)
    plan = make_plan(suite, options=ctx.openml_options())
    store = RunStore(out_dir)
    resumed = store.open(_manifest(plan, ctx))
    done = store.finished_keys()
    jobs = plan.jobs(done)
    progress.start(plan.n_units, resumed=plan.n_units - sum(job.n_units for job in jobs))
    recorded: set[str] = set()
    for result in executor.run(jobs, ctx, skip=done, on_unit=progress.advance):
        store.append(result.rows)
        if result.item.dataset not in recorded and result.dataset_info:
            _record_dataset(store, result.dataset_info)
            recorded.add(result.item.dataset)
    frame = store.consolidate()
    report_path = write_report(out_dir, frame, suite, device)
    store.update_manifest(status="finished", finished_at=_now(),
                          n_rows=len(frame), n_failed=int((frame["status"] != "ok").sum()))
    return RunOutcome(out_dir, frame, resumed, time.perf_counter() - started, report_path)


def _record_dataset(store: RunStore, info: dict[str, Any]) -> None:
    manifest = store.read_manifest()
    manifest.setdefault("datasets", {})[info["name"]] = info
    store.write_manifest(manifest)


def _manifest(plan: Plan, ctx: RunContext) -> dict[str, Any]:
    suite = ctx.suite
    return {
        "schema_version": SCHEMA_VERSION,
        "run_id": ctx.run_id,
        "suite": suite.name,
        "suite_file": str(suite.base_dir),
        "config": suite.model_dump(mode="json"),
        "config_hash": ctx.config_hash,
        "expected_rows": plan.n_rows,
        "device": {"kind": ctx.device.kind, "name": ctx.device.name,
                   "reason": ctx.device.reason},
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

