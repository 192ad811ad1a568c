"""Executors run dataset jobs and stream back each work item's rows as it finishes.

* :class:`LocalExecutor` — in this process, one job after another (the default, the fastest).
  With ``unit_timeout`` it runs every unit in a worker process instead, so that a unit that
  exceeds its time can actually be stopped (torch and XGBoost cannot be interrupted from Python):
  the worker is killed, the unit is recorded as ``timeout``, and a fresh worker goes on.
* :class:`DaskExecutor` — on a Dask cluster: a ``distributed.LocalCluster`` of ``workers``
  processes, a ``dask_cuda.LocalCUDACluster`` (one worker per GPU), or the scheduler at an
  address. Jobs are cut into chunks of :data:`bench.plan.CHUNK_SIZE` items, one task each.

Rows do not depend on the executor: every random draw derives from the item's key, never from
the order or the place in which items run.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from bench.errors import ConfigError
from bench.plan import DatasetJob, WorkItem
from bench.runner import ItemResult, RunContext, run_job
from bench.schema import RowKey, Status

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
        if workers is not None or scheduler is not None:
            raise ConfigError("--workers and --scheduler need --executor dask or dask-cuda")
        return LocalExecutor(unit_timeout=unit_timeout)
    if unit_timeout is not None:
        raise ConfigError("--unit-timeout works with --executor local only (Dask cannot stop a "
                          "running task); use the cluster's own limits")
    if workers is not None and scheduler is not None:
        raise ConfigError("--workers starts a local cluster; with --scheduler the cluster "
                          "decides how many workers there are")
    return DaskExecutor(workers=workers, scheduler=scheduler, cuda=name == "dask-cuda")


# -- local -----------------------------------------------------------------------------------


class LocalExecutor:
    """Runs jobs one after another in this process (torch and XGBoost use all cores)."""

    name = "local"

    def __init__(self, *, unit_timeout: float | None = None) -> None:
        self.unit_timeout = unit_timeout

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "unit_timeout": self.unit_timeout}

    def run(self, jobs: Sequence[DatasetJob], ctx: RunContext, *, skip: Skip,
            on_unit: OnUnit) -> Iterator[ItemResult]:
        if self.unit_timeout is None:
            for job in jobs:
                yield from run_job(job, ctx, skip=skip, on_unit=on_unit)
            return
        with _Isolated(ctx, self.unit_timeout) as isolated:
            for unit in (u for job in jobs for u in job.units(skip)):
                result = isolated.run(unit, _skip_for(unit, skip))
                isolated.learn(result)
                on_unit(_describe(unit.items[0]))
                yield result


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


class _Isolated:
    """One worker process at a time; killed and replaced when a unit runs out of time."""

    def __init__(self, ctx: RunContext, timeout: float) -> None:
        self.ctx = ctx
        self.timeout = timeout
        self._proc: Any = None
        self._conn: Any = None
        self._fields: dict[str, dict[str, Any]] = {}  # dataset -> task fields, for timeout rows

    def learn(self, result: ItemResult) -> None:
        for row in result.rows:
            if row.get("task"):
                self._fields[row["dataset"]] = {"task": row["task"],
                                                "openml_task_id": row["openml_task_id"]}

    def __enter__(self) -> _Isolated:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop()

    def run(self, job: DatasetJob, skip: frozenset[RowKey]) -> ItemResult:
        if self._proc is None:
            self._start()
        self._conn.send((job, skip))
        if not self._conn.poll(self.timeout):
            self._stop()
            message = (f"TimeoutError: unit exceeded --unit-timeout {self.timeout:g} s; its worker "
                       f"process was killed")
            return failed_rows(job, self.ctx, skip, status=Status.TIMEOUT, message=message,
                               detail=message + "\n", fields=self._fields.get(job.dataset))[0]
        try:
            kind, payload = self._conn.recv()
        except (EOFError, OSError):
            code = self._exit_code()
            message = f"WorkerDied: the worker process died (exit code {code}) running this unit"
            return failed_rows(job, self.ctx, skip, status=Status.ERROR, message=message,
                               detail=message + "\n", fields=self._fields.get(job.dataset))[0]
        if kind == "crash":
            first = payload.strip().splitlines()[-1]
            return failed_rows(job, self.ctx, skip, status=Status.ERROR, message=first,
                               detail=payload)[0]
        (result,) = payload
        return result

    def _start(self) -> None:
        mp = multiprocessing.get_context("spawn")  # fork after torch/XGBoost threads can hang
        parent, child = mp.Pipe()
        self._proc = mp.Process(target=_worker_main, args=(child, self.ctx), daemon=True,
                                name="bench-unit-worker")
        self._proc.start()
        child.close()
        self._conn = parent
        ready = parent.recv()  # imports done: a unit's clock starts only after this
        assert ready == ("ready", None), ready

    def _exit_code(self) -> int | None:
        self._proc.join(timeout=5)
        code = self._proc.exitcode
        self._proc, self._conn = None, None
        return code

    def _stop(self) -> None:
        if self._proc is None:
            return
        with contextlib.suppress(OSError):
            self._conn.close()
        if self._proc.is_alive():
            self._proc.kill()
        self._proc.join(timeout=10)
        self._proc, self._conn = None, None


def _worker_main(conn: Any, ctx: RunContext) -> None:
    """Worker loop: run each unit job sent, send its results back; exit with the parent."""
    _die_with_parent()
    # The parent decides what Ctrl-C or SIGTERM stops (it kills this worker when it stops).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    import bench.models  # noqa: F401 - XGBoost imported before any unit's clock starts

    conn.send(("ready", None))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        job, skip = message
        try:
            reply = ("done", list(run_job(job, ctx, skip=skip)))
        except Exception:  # noqa: BLE001 - a bug in our code: recorded, the suite goes on
            reply = ("crash", traceback.format_exc())
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            return


def _die_with_parent() -> None:
    """Ask Linux to kill this worker when its parent dies (even by SIGKILL)."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # elsewhere the worker exits when its pipe closes


# -- dask ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Chunk:
    job: DatasetJob
    skip: frozenset[RowKey]


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
        chunks = [_Chunk(chunk, _skip_for(chunk, skip)) for job in jobs for chunk in job.chunks()]
        if not chunks:
            return
        distributed = _import_distributed()
        with self._client(distributed) as client:
            sharing = _threads_per_task(client)
            futures = {client.submit(_run_chunk, chunk, ctx, sharing, pure=False,
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
    def _results(future: Any, chunk: _Chunk, ctx: RunContext) -> list[ItemResult]:
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
                          "pip install 'embedbench[dask]'") from None
    return distributed


def _threads_per_task(client: Any) -> dict[str, int]:
    """How many workers share each worker's machine, by worker address."""
    info = client.scheduler_info().get("workers", {})
    per_host: dict[str, int] = {}
    for worker in info.values():
        host = str(worker.get("host", ""))
        per_host[host] = per_host.get(host, 0) + 1
    return {address: per_host[str(worker.get("host", ""))] for address, worker in info.items()}


def _run_chunk(chunk: _Chunk, ctx: RunContext, sharing: dict[str, int]) -> list[ItemResult]:
    """Task body: run one chunk on a worker with its share of that machine's CPU threads.

    A worker alone on its machine keeps torch's and XGBoost's defaults, exactly as the local
    executor does, so its rows are bitwise the same. Workers sharing a machine split its threads
    (else they oversubscribe the cores, which slows OpenMP code many times over); XGBoost's
    histogram sums then run in another order, which can change results in the last digits.
    """
    import torch
    from distributed import get_worker

    share = sharing.get(get_worker().address, 1)
    if share > 1:
        torch.set_num_threads(max(1, torch.get_num_threads() // share))
        ctx = replace(ctx, nthread=ctx.nthread or max(1, (os.cpu_count() or 1) // share))
    return list(run_job(chunk.job, ctx, skip=chunk.skip))
