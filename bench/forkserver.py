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

#: Environment of the fork server and so of every worker: thread pools start at one thread (each
#: fit raises its own count explicitly) and idle OpenMP threads sleep instead of spinning, so
#: workers sharing cores (with each other or with other people's jobs) never burn them waiting;
#: and no library starts a thread at import (a fork must not copy a process with threads).
WORKER_ENV = {
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_WAIT_POLICY": "PASSIVE",
    "KMP_BLOCKTIME": "0",
    # pyarrow's jemalloc starts a purging thread when it loads; the server must start none.
    "JE_ARROW_MALLOC_CONF": "background_thread:false",
}

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
