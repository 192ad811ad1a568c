"""Helpers shared by the tests: small real suites written to a temporary folder."""

from __future__ import annotations

import functools
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd

from bench.stats import ReportOptions, analyze

TINY_ENCODERS = """
[encoders.ae]
latent = 3
hidden = [8]
epochs = 3

[encoders.mlp]
latent = 3
hidden = [8]
epochs = 3
crossfit_folds = 2

[encoders.pca]
latent = 3
"""


#: Two embedded datasets (one classification, one regression), 2 folds × 2 seeds, all encoders.
TINY_SUITE = f"""
name = "tiny"
[run]
folds = 2
seeds = [0, 1]
encoders = ["ae", "mlp", "pca"]
[xgboost]
n_estimators = 20
max_depth = 3
early_stopping_rounds = 5
{TINY_ENCODERS}
[[datasets]]
source = "embedded"
name = "iris"
[[datasets]]
source = "embedded"
name = "230_machine_cpu"
"""


def write_suite(tmp_path: Path, body: str, *, name: str = "tiny") -> Path:
    """Write a suite TOML (dedented) and return its path."""
    path = tmp_path / f"{name}.toml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


# -- synthetic result rows and their analysis (the statistics and report tests) ---------------

#: (encoder, feature set, true relative effect) of the synthetic methods of :func:`frame`.
METHODS = (("none", "raw", 0.0), ("ae", "emb", -0.04), ("pca", "raw+emb", 0.01))


def frame(n_datasets: int = 6, *, seed: int = 0, methods=METHODS, folds: int = 3, seeds: int = 2,
          repeats: int = 1, noise: float = 0.01) -> pd.DataFrame:
    """Result rows shaped like bench's: classification (accuracy) and regression (rmse)."""
    rng = np.random.default_rng(seed)
    rows = []
    for d in range(n_datasets):
        regression = d % 3 == 2
        metric, task = ("rmse", "regression") if regression else ("accuracy", "binary")
        base = rng.uniform(0.6, 0.9) * (10 if regression else 1)
        for enc, fs, effect in methods:
            for r in range(repeats):
                for f in range(folds):
                    for s in range(seeds):
                        gain = effect + rng.normal(0, noise)
                        value = base * (1 - gain if regression else 1 + gain)
                        rows.append({"dataset": f"d{d}", "task": task, "repeat": r, "fold": f,
                                     "seed": s, "encoder": enc, "feature_set": fs,
                                     "status": "ok", "error": "", "n_train": 200, "n_test": 100,
                                     metric: value})
    return pd.DataFrame(rows)


@functools.lru_cache(maxsize=8)
def analysis_of(n_datasets: int, seed: int = 0):  # noqa: ANN201 - an Analysis
    """``analyze(frame(n_datasets, seed=seed))`` with few resamples, computed once per session
    (the analysis is frozen; tests only read it)."""
    return analyze(frame(n_datasets, seed=seed), ReportOptions(n_bootstrap=200, bayes_samples=2000))
