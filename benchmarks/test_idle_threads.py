"""Idle threads that sleep (``bench.forkserver.IDLE_ENV``) on a machine with fewer cores than
the fit's threads: a large dataset's fit runs :data:`bench.threads.LARGE_FIT_THREADS` threads
whatever the machine, so on 2 cores OpenBLAS's threads outnumber the cores.

scikit-learn's PCA (``svd_solver="full"``, as the ``pca`` encoder) of 45,038 x 126 values, with
twice as many OpenBLAS threads as usable cores, in two fresh interpreters (OpenBLAS reads the
variable when it loads): OpenBLAS's default (idle threads spin for 2^28 cycles) against
``IDLE_ENV`` (2^4). Target: ≥ 3× faster, with bit-identical components (the setting changes
what waiting threads do, never a result). Measured on 2 cores: 4.6-5.1 s against 0.37-0.47 s.

    nox -s perf -- benchmarks/test_idle_threads.py -s
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from bench.forkserver import IDLE_ENV
from bench.threads import usable_cores

SCRIPT = """
import hashlib, json, sys, time
import numpy as np
from sklearn.decomposition import PCA
from threadpoolctl import threadpool_limits
X = np.random.default_rng(0).integers(0, 2, size=(45038, 126)).astype(np.float64)
with threadpool_limits(limits=int(sys.argv[1]), user_api="blas"):
    PCA(8, svd_solver="full").fit(X[:2000])  # the threads exist before the timed fit
    start = time.perf_counter()
    pca = PCA(8, svd_solver="full").fit(X)
    seconds = time.perf_counter() - start
print(json.dumps({"s": seconds, "sha": hashlib.sha256(pca.components_.tobytes()).hexdigest()}))
"""


def _pca(threads: int, env: dict[str, str]) -> dict:
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(threads)], env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.splitlines()[-1])


def test_sleeping_openblas_threads_beat_spinning_ones(benchmark) -> None:
    threads = 2 * usable_cores()
    base = {k: v for k, v in os.environ.items() if k not in IDLE_ENV}
    spinning = _pca(threads, base)
    sleeping = benchmark.pedantic(_pca, args=(threads, {**base, **IDLE_ENV}), rounds=1,
                                  iterations=1)
    ratio = spinning["s"] / sleeping["s"]
    benchmark.extra_info.update(threads=threads, spinning_s=spinning["s"],
                                sleeping_s=sleeping["s"], ratio=ratio)
    print(f"threads={threads} spinning_s={spinning['s']:.3f} sleeping_s={sleeping['s']:.3f} "
          f"ratio={ratio:.1f}")
    assert sleeping["sha"] == spinning["sha"]
    assert ratio >= 3
