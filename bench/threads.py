"""How many threads one fit uses, and how a worker process keeps to its share of the machine.

The thread count of every XGBoost and torch fit is decided here, from the data's shape (and
``--threads`` when a user sets it), never from the number of cores or workers: XGBoost's ``hist``
method sums gradient histograms per thread, so its trees (and so the rows) can depend on
``nthread``. A run therefore gives the same rows on a laptop, a 64-core server, one worker or
many.

* Below :data:`FIT_THREAD_CELLS` cells (rows × features) a fit runs on one thread: kernels this
  small finish before OpenMP threads synchronise (measured on 2 cores: vowel 0.41 s with one
  XGBoost thread vs 0.43 s with two), and several single-threaded fits side by side do more work
  per second than one fit on several threads.
* At or above it, :data:`LARGE_FIT_THREADS` threads.

The executors run several fits side by side and keep the total of their threads within the
machine's cores (see :mod:`bench.pool`).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import torch
from threadpoolctl import threadpool_limits

#: Fits on fewer cells (rows × features) than this run on one thread.
FIT_THREAD_CELLS = 1_000_000
#: Threads of a fit on a larger table.
LARGE_FIT_THREADS = 4


def fit_threads(*, n_rows: int, n_features: int, override: int = 0) -> int:
    """Threads for every XGBoost and torch fit on a ``n_rows`` × ``n_features`` table.

    ``override`` (``bench run --threads N``, > 0) replaces the rule; it is then part of the
    config hash, because it may change XGBoost's trees.
    """
    if override < 0:
        raise ValueError(f"override must be >= 0, however: got {override}")
    if override:
        return override
    return 1 if n_rows * n_features < FIT_THREAD_CELLS else LARGE_FIT_THREADS


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity, not the machine's core count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


@contextlib.contextmanager
def limited_threads(n: int) -> Iterator[None]:
    """torch's intra-op threads and the BLAS/OpenMP pools set to ``n`` for the duration."""
    previous = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        with threadpool_limits(limits=n):
            yield
    finally:
        torch.set_num_threads(previous)
