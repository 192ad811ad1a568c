"""``run_suite``: plan → load → split → run items → store → report, resumable."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import groupby
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from bench.config import Suite
from bench.data import Dataset, load_dataset
from bench.device import DeviceInfo
from bench.environment import environment
from bench.errors import BenchError
from bench.models import booster_params
from bench.plan import Plan, WorkItem, make_plan
from bench.report import render_markdown
from bench.runner import RunContext, run_item
from bench.splits import make_splits
from bench.stats import compare_to_baseline
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
) -> RunOutcome:
    """Run every unit of ``suite`` not already in ``out_dir`` and write results and report."""
    started = time.perf_counter()
    progress = progress or _Silent()
    plan = make_plan(suite)
    ctx = RunContext(suite, out_dir.name, suite.config_hash(), device, nthread)
    store = RunStore(out_dir)
    resumed = store.open(_manifest(plan, ctx))
    done = store.finished_keys()
    progress.start(plan.n_units, resumed=len(done))
    for label, items in groupby(plan.items, key=lambda item: item.dataset):
        _run_dataset(label, list(items), ctx, store, done, progress)
    frame = store.consolidate()
    report_path = write_report(out_dir, frame, suite, device)
    store.update_manifest(status="finished", finished_at=_now(),
                          n_rows=len(frame), n_failed=int((frame["status"] != "ok").sum()))
    return RunOutcome(out_dir, frame, resumed, time.perf_counter() - started, report_path)


def _run_dataset(label: str, items: list[WorkItem], ctx: RunContext, store: RunStore,
                 done: set, progress: Progress) -> None:
    todo = [item for item in items if not set(item.row_keys()) <= done]
    for item in items:
        if item not in todo:
            for _ in range(item.n_units):
                progress.advance(f"{label} (done before)")
    if not todo:
        return
    suite = ctx.suite
    try:
        dataset = load_dataset(suite.datasets[todo[0].spec_index], base_dir=suite.base_dir)
        splits = {(s.repeat, s.fold): s for s in make_splits(
            dataset, folds=suite.run.folds, repeats=suite.run.repeats, suite_seed=suite.seed)}
    except BenchError as exc:
        for item in todo:
            store.append(ctx.error_row(item, key[4], "", key[5], exc)
                         for key in item.row_keys() if key not in done)
            for _ in range(item.n_units):
                progress.advance(f"{label} (failed to load)")
        return
    _record_dataset(store, dataset)
    for item in todo:
        desc = f"{label} r{item.repeat} f{item.fold} s{item.seed}"
        rows = run_item(item, dataset, splits[(item.repeat, item.fold)], ctx,
                        skip=done, on_unit=lambda d=desc: progress.advance(d))
        store.append(rows)


def _record_dataset(store: RunStore, dataset: Dataset) -> None:
    manifest = store.read_manifest()
    manifest.setdefault("datasets", {})[dataset.name] = {
        **dataset.summary(), "content_hash": dataset.content_hash,
        "provenance": list(dataset.provenance),
    }
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


def write_report(out_dir: Path, frame: pd.DataFrame, suite: Suite, device: DeviceInfo) -> Path:
    comparison = compare_to_baseline(frame, metrics=suite.run.metrics.model_dump())
    n_datasets = frame["dataset"].nunique()
    header = {
        "suite": suite.name,
        "datasets": n_datasets,
        "design": f"{suite.run.repeats} repeat(s) × {suite.run.folds} folds × "
                  f"{len(suite.run.seeds)} seed(s)",
        "encoders": ", ".join(suite.run.encoders),
        "device": f"{device.kind} ({device.name})",
        "rows": f"{len(frame)} ({int((frame['status'] == 'ok').sum())} ok)",
    }
    path = out_dir / "report.md"
    path.write_text(render_markdown(comparison, header=header), encoding="utf-8")
    return path


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")

