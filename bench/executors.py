"""Executors run dataset jobs and stream back each work item's rows as it finishes.

* :class:`LocalExecutor` — the default: chunks of jobs side by side in worker processes (one
  per usable core, :mod:`bench.pool`), or in this process one after another (``workers = 1``).
  With ``unit_timeout`` every unit is a task of its own, so that a unit that exceeds its time
  can actually be stopped (torch and XGBoost cannot be interrupted from Python): its worker is
  killed, the unit is recorded as ``timeout``, and a fresh worker goes on.
* :class:`DaskExecutor` — on a Dask cluster: a ``distributed.LocalCluster`` of ``workers``
  processes, a ``dask_cuda.LocalCUDACluster`` (one worker per GPU), or the scheduler at an
  address. Jobs are cut into chunks of :data:`bench.plan.CHUNK_SIZE` items, one task each.

Rows do not depend on the executor: every random draw derives from the item's key, never from
the order or the place in which items run, and every fit's thread count from the data's shape
(:func:`bench.threads.fit_threads`), never from the cores or the workers.
"""

from __future__ import annotations

import contextlib
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from typing import Any, Protocol

from bench.context import RunContext
from bench.errors import ConfigError
from bench.plan import CHUNK_SIZE, DatasetJob, WorkItem
from bench.pool import Failed, Finished, Task, WorkerPool
from bench.runner import ItemResult, run_job
from bench.schema import RowKey, Status
from bench.threads import usable_cores
from bench.version import DISTRIBUTION

Skip = frozenset[RowKey] | set[RowKey]
OnUnit = Callable[[str], None]
EXECUTORS = ("local", "dask", "dask-cuda")


class Executor(Protocol):
    """Runs jobs; yields one :class:`ItemResult` per finished item (in any order)."""

    name: str

    def describe(self) -> dict[str, Any]: ...

    def run(self, jobs: Sequence[DatasetJob], ctx: RunContext, *, skip: Skip,
            on_unit: OnUnit) -> Iterator[ItemResult]: ...


def make_executor(name: str = "local", *, workers: int | None = None,
                  scheduler: str | None = None, unit_timeout: float | None = None) -> Executor:
    """The executor ``bench run --executor NAME`` asks for, with its options checked."""
    if name not in EXECUTORS:
        raise ConfigError(f"--executor must be one of {', '.join(EXECUTORS)}, got {name!r}")
    if workers is not None and workers < 1:
        raise ConfigError(f"--workers must be >= 1, got {workers}")
    if unit_timeout is not None and unit_timeout <= 0:
        raise ConfigError(f"--unit-timeout must be > 0 seconds, got {unit_timeout}")
    if name == "local":
        if scheduler is not None:
            raise ConfigError("--scheduler needs --executor dask or dask-cuda")
        return LocalExecutor(workers=workers, unit_timeout=unit_timeout)
    if unit_timeout is not None:
        raise ConfigError("--unit-timeout works with --executor local only (Dask cannot stop a "
                          "running task); use the cluster's own limits")
    if workers is not None and scheduler is not None:
        raise ConfigError("--workers starts a local cluster; with --scheduler the cluster "
                          "decides how many workers there are")
    return DaskExecutor(workers=workers, scheduler=scheduler, cuda=name == "dask-cuda")


# -- local -----------------------------------------------------------------------------------


class LocalExecutor:
    """Runs jobs on this machine: ``workers`` processes side by side (default: one per usable
    core), or, with one worker and no ``unit_timeout``, in this process one after another.

    The workers share a budget of threads equal to the usable cores (see :mod:`bench.pool`), so
    fits that need several threads never oversubscribe the machine. With ``unit_timeout`` every
    unit runs as its own task in a worker that is killed when the unit runs out of time.
    """

    name = "local"

    def __init__(self, *, workers: int | None = None, unit_timeout: float | None = None) -> None:
        self.workers = workers or usable_cores()
        self.unit_timeout = unit_timeout

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "workers": self.workers, "unit_timeout": self.unit_timeout}

    def run(self, jobs: Sequence[DatasetJob], ctx: RunContext, *, skip: Skip,
            on_unit: OnUnit) -> Iterator[ItemResult]:
        if self.workers == 1 and self.unit_timeout is None:
            for job in jobs:
                yield from run_job(job, ctx, skip=skip, on_unit=on_unit)
            return
        size = _chunk_size(sum(len(job.items) for job in jobs), self.workers)
        pieces = ([u for job in jobs for u in job.units(skip)] if self.unit_timeout is not None
                  else [c for job in jobs for c in job.chunks(size)])
        tasks = [Task(piece, _skip_for(piece, skip)) for piece in pieces]
        pool = WorkerPool(ctx, workers=self.workers, budget=usable_cores(),
                          timeout=self.unit_timeout)
        fields: dict[str, dict[str, Any]] = {}  # dataset -> task fields, for timeout rows
        for event in pool.run(tasks):
            results = ([event.result] if isinstance(event, Finished)
                       else _failed(event, ctx, fields))
            for result in results:
                _learn(fields, result)
                for _ in range(result.item.n_units):
                    on_unit(_describe(result.item))
                yield result


def _chunk_size(n_items: int, workers: int) -> int:
    """Items per task: up to :data:`CHUNK_SIZE` (one batched encoder program), but small enough
    that every worker gets about two tasks to balance the load (a model's rows do not depend on
    the batch it trains in)."""
    return max(1, min(CHUNK_SIZE, -(-n_items // (2 * workers))))


def _failed(event: Failed, ctx: RunContext, fields: dict[str, dict[str, Any]]) -> list[ItemResult]:
    job = replace(event.task.job, items=event.pending)
    status = Status.TIMEOUT if event.kind == "timeout" else Status.ERROR
    known = None if event.kind == "crash" else fields.get(job.dataset)
    return failed_rows(job, ctx, event.task.skip, status=status, message=event.message,
                       detail=event.detail, fields=known)


def _learn(fields: dict[str, dict[str, Any]], result: ItemResult) -> None:
    for row in result.rows:
        if row.get("task"):
            fields[row["dataset"]] = {"task": row["task"], "openml_task_id": row["openml_task_id"]}


def _skip_for(job: DatasetJob, skip: Skip) -> frozenset[RowKey]:
    return frozenset(k for item in job.items for k in item.row_keys() if k in skip)


def _describe(item: WorkItem) -> str:
    return f"{item.dataset} r{item.repeat} f{item.fold} s{item.seed}"


def failed_rows(job: DatasetJob, ctx: RunContext, skip: Skip, *, status: Status, message: str,
                detail: str, fields: dict[str, Any] | None = None) -> list[ItemResult]:
    """Rows for every unfinished key of ``job`` when its whole run failed (not a unit in it).

    ``fields`` (the dataset's task, when known from its other units) fill in the rows.
    """
    out = []
    for item in job.items:
        rows = [ctx.error_row(key, message, status=status, detail=detail, **(fields or {}))
                for key in item.row_keys() if key not in skip]
        out.append(ItemResult(item, rows))
    return out


# -- dask ------------------------------------------------------------------------------------


class DaskExecutor:
    """Runs chunks of jobs as tasks on a Dask cluster, yielding items as their task finishes.

    A task that raises, or whose worker dies repeatedly (``KilledWorker``), becomes error rows
    for its items; the rest of the suite goes on.
    """

    def __init__(self, *, workers: int | None = None, scheduler: str | None = None,
                 cuda: bool = False) -> None:
        self.workers = workers
        self.scheduler = scheduler
        self.cuda = cuda

    @property
    def name(self) -> str:
        return "dask-cuda" if self.cuda else "dask"

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "workers": self.workers, "scheduler": self.scheduler}

    def run(self, jobs: Sequence[DatasetJob], ctx: RunContext, *, skip: Skip,
            on_unit: OnUnit) -> Iterator[ItemResult]:
        chunks = [Task(chunk, _skip_for(chunk, skip)) for job in jobs for chunk in job.chunks()]
        if not chunks:
            return
        distributed = _import_distributed()
        with self._client(distributed) as client:
            futures = {client.submit(_run_chunk, chunk, ctx, pure=False,
                                     priority=-i): chunk
                       for i, chunk in enumerate(chunks)}
            try:
                for future in distributed.as_completed(futures):
                    chunk = futures[future]
                    for result in self._results(future, chunk, ctx):
                        for _ in range(result.item.n_units):
                            on_unit(_describe(result.item))
                        yield result
            finally:
                client.cancel(list(futures), force=True)

    @staticmethod
    def _results(future: Any, chunk: Task, ctx: RunContext) -> list[ItemResult]:
        try:
            return future.result()
        except Exception as exc:  # noqa: BLE001 - KilledWorker, a bug: rows, not a crash
            text = str(exc).strip().splitlines()
            message = f"{type(exc).__name__}: {text[0] if text else ''}"
            detail = "".join(traceback.format_exception(exc))
            return failed_rows(chunk.job, ctx, chunk.skip, status=Status.ERROR, message=message,
                               detail=detail)

    @contextlib.contextmanager
    def _client(self, distributed: Any) -> Iterator[Any]:
        if self.scheduler is not None:
            try:
                client = distributed.Client(self.scheduler, timeout="20s")
            except (OSError, TimeoutError) as exc:
                raise ConfigError(f"cannot connect to the Dask scheduler at {self.scheduler!r}: "
                                  f"{exc}") from None
            with client:
                yield client
            return
        with self._local_cluster(distributed) as cluster, distributed.Client(cluster) as client:
            yield client

    def _local_cluster(self, distributed: Any) -> Any:
        # One thread per worker: the encoders seed torch's process-wide RNG, so two tasks must
        # never share a process at the same time.
        if self.cuda:
            try:
                from dask_cuda import LocalCUDACluster
            except ImportError:
                raise ConfigError("--executor dask-cuda needs the dask-cuda package "
                                  "(pip install dask-cuda); or use --executor dask") from None
            return LocalCUDACluster(n_workers=self.workers, threads_per_worker=1,
                                    dashboard_address=None)
        return distributed.LocalCluster(n_workers=self.workers or 1, threads_per_worker=1,
                                        processes=True, dashboard_address=None)


def _import_distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise ConfigError("--executor dask needs dask.distributed: "
                          f"pip install '{DISTRIBUTION}[dask]'") from None
    return distributed


def _run_chunk(chunk: Task, ctx: RunContext) -> list[ItemResult]:
    """Task body: run one chunk on a worker. Its fits' thread counts come from the data
    (:func:`bench.threads.fit_threads`), as in every executor, so the rows are the same."""
    return list(run_job(chunk.job, ctx, skip=chunk.skip))
