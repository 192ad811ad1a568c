"""The worker pool's thread budget: fits never hold more threads than the budget at once.

The grant policy is exercised on real pipes (the workers' end is read as a worker would read
it); the pool's processes, streaming and time-outs run in tests/test_executors.py. A forked
worker's watch on its parent runs here on a real process.
"""

from __future__ import annotations

import multiprocessing
import time

import pytest

from bench.forkserver import start_forkserver, worker_context
from bench.pool import WorkerPool, _die_when_closed, _Worker


@pytest.fixture
def pool_and_ends() -> tuple[WorkerPool, list[_Worker], list]:
    pool = WorkerPool(None, workers=3, budget=2)  # type: ignore[arg-type] - no worker is started
    workers, ends = [], []
    for _ in range(3):
        parent, child = multiprocessing.Pipe()
        workers.append(_Worker(proc=None, conn=parent, ready=True))
        ends.append(child)
    pool._workers = list(workers)
    return pool, workers, ends


def _ask(pool: WorkerPool, worker: _Worker, n: int) -> None:
    worker.need = n
    pool._waiting.append(worker)
    pool._grant()


def test_a_request_within_the_budget_is_granted(pool_and_ends) -> None:
    pool, workers, ends = pool_and_ends
    _ask(pool, workers[0], 1)
    assert ends[0].poll(1)
    assert ends[0].recv() == ("go", None)


def test_a_request_beyond_what_is_left_waits(pool_and_ends) -> None:
    pool, workers, ends = pool_and_ends
    _ask(pool, workers[0], 2)
    _ask(pool, workers[1], 1)
    assert not ends[1].poll(0.1)


def test_a_release_grants_the_next_request(pool_and_ends) -> None:
    pool, workers, ends = pool_and_ends
    _ask(pool, workers[0], 2)
    _ask(pool, workers[1], 1)
    pool._release(workers[0])
    assert ends[1].poll(1)


def test_single_thread_jobs_run_side_by_side_up_to_the_budget(pool_and_ends) -> None:
    pool, workers, ends = pool_and_ends
    for worker in workers:
        _ask(pool, worker, 1)
    assert [end.poll(0.1) for end in ends] == [True, True, False]


def test_a_request_larger_than_the_budget_runs_alone(pool_and_ends) -> None:
    pool, workers, ends = pool_and_ends
    _ask(pool, workers[0], 8)  # nothing else holds threads: it may run, alone
    assert ends[0].poll(1)


def _watched(alive) -> None:
    """A worker's start: it watches ``alive``, then works (sleeps) until it is killed."""
    _die_when_closed(alive)
    time.sleep(60)


def test_a_worker_kills_itself_once_its_parent_closes_the_alive_pipe() -> None:
    """Workers fork from the fork server, which can outlive a SIGKILLed parent: each worker
    watches its real parent's end of a pipe instead."""
    start_forkserver()
    context = worker_context()
    alive_r, alive_w = context.Pipe(duplex=False)
    proc = context.Process(target=_watched, args=(alive_r,))
    proc.start()
    alive_r.close()
    alive_w.close()
    proc.join(timeout=30)
    assert proc.exitcode == -9
