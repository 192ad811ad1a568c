"""Helpers shared by the tests: small real suites written to a temporary folder."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pandas as pd

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


def mixed_frame() -> pd.DataFrame:
    """40 rows: a float, a text, an integer-coded and a boolean column, and a yes/no target."""
    rng = np.random.default_rng(0)
    return pd.DataFrame({
        "x": rng.normal(size=40),
        "city": rng.choice(["paris", "rome", "oslo"], size=40),
        "code": rng.integers(0, 4, size=40),
        "flag": rng.random(40) > 0.5,
        "target": rng.choice(["yes", "no"], size=40),
    })
