"""M = 50 small autoencoders trained in one batched program vs one by one (``nox -s perf``).

The models are the ``quick`` suite's autoencoder (32 → 32 → 8, mini-batches of 128, 30 epochs,
early stopping off so every model does the same work) on a 2,000 × 32 table, each with its own
seed and its own 80 % of the rows, as the folds × seeds of a suite have. Targets: batched ≥ 5×
the loop on the CPU, ≥ 20× on CUDA (the ``gpu`` variant skips without CUDA). The measured ratio
is printed and stored in the benchmark's ``extra_info``.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest
import torch

from bench.encoders import fit_transform_many, make_encoder

M = 50
PARAMS = {"latent": 8, "hidden": [32], "epochs": 30, "batch_size": 128, "patience": 30}
TARGET = {"cpu": 5.0, "cuda": 20.0}
DEVICES = [
    "cpu",
    pytest.param("cuda", marks=[pytest.mark.gpu, pytest.mark.skipif(
        not torch.cuda.is_available(), reason="needs CUDA")]),
]


def _problem() -> tuple[list[pd.DataFrame], list[int]]:
    rng = np.random.default_rng(0)
    signal = rng.normal(size=(2000, 6)) @ rng.normal(size=(6, 32))  # low rank + noise: learnable
    X = pd.DataFrame(signal + 0.3 * rng.normal(size=(2000, 32)),
                     columns=[f"x{i}" for i in range(32)])
    rows = [np.sort(rng.choice(2000, 1600, replace=False)) for _ in range(M)]
    return [X.iloc[r] for r in rows], list(range(M))


@pytest.mark.perf
@pytest.mark.parametrize("device", DEVICES)
def test_fifty_autoencoders_batched_vs_loop(benchmark, device: str) -> None:
    tables, seeds = _problem()

    def batched() -> list[np.ndarray]:
        encoders = [make_encoder("ae", PARAMS, random_state=s, device=device) for s in seeds]
        return [o.unwrap() for o in fit_transform_many(encoders, tables, [None] * M, task=None)]

    start = time.perf_counter()
    looped = [make_encoder("ae", PARAMS, random_state=s, device=device).fit_transform(t)
              for s, t in zip(seeds, tables, strict=True)]
    loop_s = time.perf_counter() - start
    together = benchmark.pedantic(batched, rounds=2, iterations=1)
    batched_s = benchmark.stats.stats.min
    ratio = loop_s / batched_s
    benchmark.extra_info.update(models=M, loop_s=round(loop_s, 3), batched_s=round(batched_s, 3),
                                speedup=round(ratio, 2))
    print(f"\n{M} AEs on {device}: loop {loop_s:.2f} s, batched {batched_s:.2f} s, "
          f"speed-up {ratio:.1f}x (target {TARGET[device]:.0f}x)")
    for a, b in zip(together, looped, strict=True):  # the same models, not just faster ones
        np.testing.assert_allclose(a, b, rtol=1e-3, atol=1e-4)
    assert ratio >= TARGET[device]
