"""Peak memory for encoding a 100,000 × 100 table on the CPU (``nox -s perf``): target ≤ 2 GB.

Each case runs in a fresh Python process (so earlier allocations cannot hide or inflate the
peak) that builds the table, fits the encoder on it, embeds it, and reports ``ru_maxrss`` — the
peak resident set of the whole process, interpreter, torch and the data included.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

LIMIT_BYTES = 2 * 1024**3

SCRIPT = r"""
import json, resource, sys
import numpy as np, pandas as pd
from bench.encoders import make_encoder
name, params = sys.argv[1], json.loads(sys.argv[2])
rng = np.random.default_rng(0)
X = pd.DataFrame(rng.normal(size=(100_000, 100)), columns=[f"x{i}" for i in range(100)])
y = (X["x0"] + X["x1"] > 0).to_numpy().astype(np.int64)
encoder = make_encoder(name, params, random_state=0)
train = encoder.fit_transform(X, y, task="binary")
test = encoder.transform(X)
assert train.shape[0] == test.shape[0] == 100_000
print(json.dumps({"peak_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
"""

CASES = {
    "ae": {"epochs": 2},
    "mlp-crossfit": {"epochs": 2, "mode": "crossfit", "crossfit_folds": 5},
    "dae-all": {"epochs": 2, "hidden": [256, 256], "embedding": "all"},
}


@pytest.mark.perf
@pytest.mark.parametrize("case", sorted(CASES))
def test_peak_memory_encoding_100k_by_100(benchmark, case: str) -> None:
    name = case.split("-")[0]

    def run() -> int:
        proc = subprocess.run([sys.executable, "-c", SCRIPT, name, json.dumps(CASES[case])],
                              capture_output=True, text=True, check=True)
        return json.loads(proc.stdout.strip().splitlines()[-1])["peak_bytes"]

    peak = benchmark.pedantic(run, rounds=1, iterations=1)
    benchmark.extra_info["peak_rss_mb"] = round(peak / 1024**2)
    print(f"\n{case}: peak RSS {peak / 1024**2:.0f} MiB (limit {LIMIT_BYTES / 1024**2:.0f} MiB)")
    assert peak <= LIMIT_BYTES
