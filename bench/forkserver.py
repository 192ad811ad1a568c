"""The fork server the local executor's worker processes are forked from.

Spawning a worker costs a fresh interpreter that imports torch, XGBoost and the encoders (about
3 s on 2 cores), once per worker and again for every worker that replaces one killed by
``--unit-timeout``. Instead, one server process imports them once (:data:`WORKER_MODULES`) and
forks each worker from itself. Forking is safe here because the server has started no threads
(it only imports; ``tests/test_forkserver.py`` checks its thread count), unlike a process that
has already run torch or XGBoost.

The server starts with :data:`WORKER_ENV` (thread pools of one thread, OpenMP threads that sleep
when idle), read by torch's and XGBoost's OpenMP runtime when the server imports them, and every
worker inherits that. :func:`start_forkserver` may be called as early as possible (``bench run``
does, before it imports anything heavy itself), so that the server's imports overlap the
command's own start-up, suite loading and planning.

This module imports nothing heavy: the command line calls it first.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from multiprocessing import forkserver
from multiprocessing.context import BaseContext

#: Idle threads sleep instead of spinning: OpenMP's (torch, XGBoost) with ``OMP_WAIT_POLICY``,
#: OpenBLAS's (NumPy, SciPy: PCA, the linear algebra of the encoders' inputs) with
#: ``OPENBLAS_THREAD_TIMEOUT`` at its minimum (2^4 cycles of spinning before a thread sleeps,
#: against 2^28 by default). Each library reads its variable when it loads, so these are set
#: before torch, XGBoost or NumPy is imported. Neither changes a result, only what waiting
#: threads do: a fit's thread count comes from its data (:mod:`bench.threads`), so a large
#: dataset's fit can run more threads than a small machine has cores, and spinning threads then
#: take the cores from the ones with work (measured on 2 cores: the ``pca`` encoder's fit on
#: connect_4, 45,038 x 126 one-hot columns on 4 threads, 7.6 s spinning, 3.8 s sleeping, with
#: bit-identical components). On cores shared with other jobs, spinning slows everyone down.
IDLE_ENV = {
    "OMP_WAIT_POLICY": "PASSIVE",
    "OPENBLAS_THREAD_TIMEOUT": "4",
}

#: Environment of the fork server and so of every worker: thread pools start at one thread (each
#: fit raises its own count explicitly), idle threads sleep (:data:`IDLE_ENV`), and no library
#: starts a thread at import (a fork must not copy a process with threads).
WORKER_ENV = {
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    **IDLE_ENV,
    "KMP_BLOCKTIME": "0",
    # pyarrow's jemalloc starts a purging thread when it loads; the server must start none.
    "JE_ARROW_MALLOC_CONF": "background_thread:false",
}


def sleep_when_idle() -> None:
    """Set :data:`IDLE_ENV` in this process where the user has not set the variables, for the
    work it runs itself (``--workers 1``) and the processes it starts (Dask's workers); it works
    only before torch, XGBoost and NumPy load, as in ``bench run``."""
    for name, value in IDLE_ENV.items():
        os.environ.setdefault(name, value)


#: Imported once by the fork server, so that no worker imports them again: everything a worker
#: runs (torch, XGBoost, the encoders' implementations, scikit-learn's splits, scipy, and
#: openml-python, which the command itself imports only for OpenML datasets).
WORKER_MODULES = [
    "bench.pool",
    "bench.data.openml",
    "bench.encoders.autoencoder",
    "bench.encoders.vae",
    "bench.encoders.mlp",
    "bench.encoders.pca",
    "bench.encoders.rp",
]

_LOCK = threading.Lock()


def worker_context() -> BaseContext:
    """The multiprocessing context workers are started with (the fork server's)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(WORKER_MODULES)
    return context


def start_forkserver() -> None:
    """Start the fork server now (a no-op while it runs), with :data:`WORKER_ENV`; it returns
    at once, while the server imports :data:`WORKER_MODULES` in the background."""
    worker_context()
    with _LOCK:  # the server inherits the environment at its start
        saved = {name: os.environ.get(name) for name in WORKER_ENV}
        os.environ.update(WORKER_ENV)
        try:
            forkserver.ensure_running()
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def forkserver_pid() -> int | None:
    """The fork server's process id (``None`` before it starts)."""
    return forkserver._forkserver._forkserver_pid  # noqa: SLF001 - no public accessor
