"""Worker processes that run dataset jobs side by side, within a budget of threads.

Each worker is forked from :mod:`bench.forkserver`'s server, which imported torch, XGBoost and
the encoders once and has started no threads (a fork after torch/XGBoost threads exist can
hang), with :data:`bench.forkserver.WORKER_ENV` (one-thread pools, OpenMP threads that sleep when
idle) and otherwise the parent's environment at the worker's start. A job
loads its dataset, then asks the pool for the threads its fits use
(:func:`bench.threads.fit_threads`); the pool grants them while the total in use stays within
``budget`` (the cores), so the machine is never oversubscribed, and a job that needs more than the
whole budget runs alone. With ``timeout``, a task that runs longer is stopped by killing its
worker (torch and XGBoost cannot be interrupted from Python); a fresh worker takes its place.

The pool reports what happened (:class:`Finished`, :class:`Failed`); the executor turns failures
into rows.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
import traceback
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from typing import Any, Literal

from bench.context import RunContext
from bench.encoders import REGISTRY, Entry
from bench.forkserver import WORKER_ENV, start_forkserver, worker_context
from bench.plan import DatasetJob, WorkItem
from bench.runner import ItemResult, run_job
from bench.schema import RowKey


@dataclass(frozen=True)
class Task:
    """A job for one worker, and the row keys already stored (not to compute again)."""

    job: DatasetJob
    skip: frozenset[RowKey]


@dataclass(frozen=True)
class Finished:
    """One item of ``task`` finished (its rows may include failed units, as rows)."""

    task: Task
    result: ItemResult


@dataclass(frozen=True)
class Failed:
    """``task`` stopped before its items in ``pending`` finished: timeout, crash or worker death."""

    task: Task
    pending: tuple[WorkItem, ...]
    kind: Literal["timeout", "died", "crash"]
    message: str
    detail: str


Event = Finished | Failed


@dataclass
class _Worker:
    proc: Any
    conn: Any
    alive: Any = None  # closing it kills the worker (see _die_when_closed)
    ready: bool = False
    task: Task | None = None
    done: list[WorkItem] = field(default_factory=list)
    deadline: float | None = None  # monotonic seconds; paused (None) while waiting for threads
    left: float | None = None  # seconds of its timeout left while it waits for threads
    need: int = 0  # threads asked for
    holding: int = 0  # threads granted

    def pending(self) -> tuple[WorkItem, ...]:
        assert self.task is not None
        return tuple(i for i in self.task.job.items if i not in self.done)


class WorkerPool:
    """Up to ``workers`` processes, at most ``budget`` threads of fits in use at any time."""

    def __init__(self, ctx: RunContext, *, workers: int, budget: int,
                 timeout: float | None = None) -> None:
        self.ctx, self.n, self.budget, self.timeout = ctx, workers, max(1, budget), timeout
        self._workers: list[_Worker] = []
        self._waiting: deque[_Worker] = deque()

    def run(self, tasks: Sequence[Task]) -> Iterator[Event]:
        """Run every task; yield events as they happen; stop every worker when done or closed."""
        pending = deque(tasks)
        try:
            while pending or any(w.task is not None for w in self._workers):
                self._fill(pending)
                yield from self._step()
        finally:
            for worker in list(self._workers):
                self._kill(worker)

    # -- scheduling --------------------------------------------------------------------------

    def _fill(self, pending: deque[Task]) -> None:
        busy = sum(w.task is not None for w in self._workers)
        while len(self._workers) < min(self.n, busy + len(pending)):  # idle and starting count
            self._workers.append(_start(self.ctx))
        for worker in self._workers:
            if pending and worker.ready and worker.task is None:
                worker.task, worker.done = pending.popleft(), []
                worker.deadline = None if self.timeout is None else time.monotonic() + self.timeout
                worker.conn.send(("job", worker.task))

    def _step(self) -> Iterator[Event]:
        deadlines = [w.deadline for w in self._workers if w.deadline is not None]
        wait_s = None if not deadlines else max(0.0, min(deadlines) - time.monotonic())
        for conn in wait([w.conn for w in self._workers], timeout=wait_s):
            worker = next((w for w in self._workers if w.conn is conn), None)
            if worker is not None:
                yield from self._receive(worker)
        now = time.monotonic()
        for worker in [w for w in self._workers if w.deadline is not None and w.deadline <= now]:
            message = (f"TimeoutError: unit exceeded --unit-timeout {self.timeout:g} s; its worker "
                       f"process was killed")
            yield self._lose(worker, "timeout", message, message + "\n")

    def _receive(self, worker: _Worker) -> Iterator[Event]:
        try:
            message = worker.conn.recv()
        except (EOFError, OSError):
            code = _exit_code(worker.proc)
            text = f"WorkerDied: the worker process died (exit code {code}) running this unit"
            if worker.task is None:
                self._kill(worker)
                raise RuntimeError(
                    f"a worker process failed to start (exit code {code}); workers import the main "
                    f"module, so a script that runs a suite must do so under `if __name__ == \"__main__\":`, "
                    f"or run it with one worker (--workers 1, workers=1)") from None
            yield self._lose(worker, "died", text, text + "\n")
            return
        kind, payload = message
        if kind == "ready":
            worker.ready = True
        elif kind == "need":
            worker.need, worker.left = min(int(payload), self.budget), _left(worker.deadline)
            worker.deadline = None
            self._waiting.append(worker)
            self._grant()
        elif kind == "item":
            assert worker.task is not None
            worker.done.append(payload.item)
            yield Finished(worker.task, payload)
        elif kind == "done":
            self._release(worker)
        elif kind == "crash":
            task, pending = worker.task, worker.pending()
            self._release(worker)
            assert task is not None
            yield Failed(task, pending, "crash", payload.strip().splitlines()[-1], payload)

    def _grant(self) -> None:
        in_use = sum(w.holding for w in self._workers)
        while self._waiting and (in_use == 0 or in_use + self._waiting[0].need <= self.budget):
            worker = self._waiting.popleft()
            worker.holding, in_use = worker.need, in_use + worker.need
            if worker.left is not None:
                worker.deadline = time.monotonic() + worker.left
            worker.conn.send(("go", None))

    def _release(self, worker: _Worker) -> None:
        worker.task, worker.deadline, worker.left, worker.holding, worker.need = None, None, None, 0, 0
        self._grant()

    def _lose(self, worker: _Worker, kind: Literal["timeout", "died", "crash"], message: str,
              detail: str) -> Failed:
        assert worker.task is not None
        event = Failed(worker.task, worker.pending(), kind, message, detail)
        self._kill(worker)
        return event

    def _kill(self, worker: _Worker) -> None:
        with contextlib.suppress(ValueError):
            self._waiting.remove(worker)
        with contextlib.suppress(ValueError):
            self._workers.remove(worker)
        with contextlib.suppress(OSError):
            worker.conn.close()
        if worker.proc.is_alive():
            worker.proc.kill()
        worker.proc.join(timeout=10)
        worker.holding = 0
        self._grant()


def _left(deadline: float | None) -> float | None:
    return None if deadline is None else max(0.0, deadline - time.monotonic())


def _exit_code(proc: Any) -> int | None:
    proc.join(timeout=5)
    return proc.exitcode


def _start(ctx: RunContext) -> _Worker:
    start_forkserver()  # a no-op while it runs (`bench run` starts it before its own imports)
    mp = worker_context()
    parent, child = mp.Pipe()
    # The worker kills itself when this end closes: when this process dies, even by SIGKILL (its
    # own parent is the fork server, which outlives this process while workers hold it open).
    alive_r, alive_w = mp.Pipe(duplex=False)
    # Encoders registered at run time (``bench.encoders.register``, e.g. in a notebook or a test)
    # travel with the worker, and so does this process's environment now (the fork server's is
    # the one it had when it started).
    proc = mp.Process(target=_worker_main,
                      args=(child, alive_r, ctx, dict(REGISTRY), {**os.environ, **WORKER_ENV}),
                      daemon=True, name="bench-worker")
    proc.start()
    child.close()
    alive_r.close()
    return _Worker(proc, parent, alive=alive_w)


def _worker_main(conn: Any, alive: Any, ctx: RunContext, registry: dict[str, Entry],
                 env: dict[str, str]) -> None:
    """Worker loop: run each job sent, streaming its items' results back; exit with the parent."""
    die_with_parent()
    _die_when_closed(alive)
    os.environ.clear()
    os.environ.update(env)
    REGISTRY.update(registry)
    # The parent decides what Ctrl-C or SIGTERM stops (it kills this worker when it stops).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    import bench.models  # noqa: F401 - XGBoost imported before any unit's clock starts

    @contextlib.contextmanager
    def reserve(n: int) -> Iterator[None]:
        conn.send(("need", n))
        conn.recv()  # ("go", None): the threads are ours until this job is done
        yield

    conn.send(("ready", None))
    while True:
        try:
            _, task = conn.recv()
        except (EOFError, OSError):
            return
        try:
            for result in run_job(task.job, ctx, skip=task.skip, reserve=reserve):
                conn.send(("item", result))
            reply: tuple[str, Any] = ("done", None)
        except (BrokenPipeError, EOFError):
            return
        except Exception:  # noqa: BLE001 - a bug in our code: recorded, the suite goes on
            reply = ("crash", traceback.format_exc())
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            return


def _die_when_closed(alive: Any) -> None:
    """Kill this worker once ``alive`` reaches its end (the parent closed it or died)."""

    def watch() -> None:
        with contextlib.suppress(EOFError, OSError):
            while True:
                alive.recv()
        os.kill(os.getpid(), signal.SIGKILL)

    threading.Thread(target=watch, daemon=True, name="bench-parent-watch").start()


def die_with_parent() -> None:
    """Ask Linux to kill this worker when its parent dies (even by SIGKILL)."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # elsewhere the worker exits when its pipe closes
