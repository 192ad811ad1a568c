"""Helpers shared by the tests: small real suites written to a temporary folder."""

from __future__ import annotations

import contextlib
import functools
import shutil
import textwrap
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from bench.config import Suite
from bench.context import RunContext
from bench.device import resolve_device
from bench.encoders import REGISTRY, register
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


#: The datasets table of an iris-only suite (TOML).
IRIS = """
[[datasets]]
source = "embedded"
name = "iris"
"""


def pca_suite(name: str, datasets: str = IRIS) -> str:
    """A small, fast suite body: 2 folds, seed 0, a 2-dimensional ``pca``, 5 rounds of XGBoost."""
    head = f"""
name = "{name}"
[run]
folds = 2
seeds = [0]
encoders = ["pca"]
[xgboost]
n_estimators = 5
[encoders.pca]
latent = 2
"""
    return head + textwrap.dedent(datasets)


#: An iris suite with ``pca`` and a ``holdout`` ``mlp`` variant, small enough to run in seconds
#: (the runner's and the run context's tests).
PCA_AND_HOLDOUT_MLP = """
name = "runner"
[run]
folds = 2
seeds = [0]
encoders = ["pca", "mlp_holdout"]
[xgboost]
n_estimators = 10
max_depth = 2
early_stopping_rounds = 3
[encoders.pca]
latent = 2
[encoders.mlp_holdout]
type = "mlp"
mode = "holdout"
latent = 2
hidden = [4]
epochs = 2
[[datasets]]
source = "embedded"
name = "iris"
"""


def cpu_context(suite: Suite) -> RunContext:
    """A :class:`bench.context.RunContext` for ``suite`` on the CPU, one thread per fit."""
    return RunContext(suite, run_id="r", config_hash="h", device=resolve_device("cpu"), nthread=1)


@contextlib.contextmanager
def registered_encoder(params: type, target: str) -> Iterator[None]:
    """A test encoder in the registry for the block (``params`` declares its name; ``target`` is
    ``"module:Class"``), gone again afterwards."""
    register(params, target)
    try:
        yield
    finally:
        REGISTRY.pop(params.name)


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


#: The real header and target column of 45 PMLB datasets (see its README).
PMLB_TARGETS = Path(__file__).parent / "data" / "pmlb_targets" / "pmlb_targets.parquet"


def write_pmlb_suite(folder: Path) -> Path:
    """Each PMLB_TARGETS dataset as a local file (features left empty) and a suite of all 45,
    with no `task` keys."""
    frame = pd.read_parquet(PMLB_TARGETS)
    entries = []
    for row in frame.itertuples():
        values = row.target_int if row.target_int is not None else row.target_float
        text = ([str(int(v)) for v in values] if row.target_int is not None
                else [repr(float(v)) for v in values])
        table = pd.DataFrame({c: "" for c in row.columns}, index=range(len(text)))
        table["target"] = text
        table.to_csv(folder / f"{row.dataset}.tsv", sep="\t", index=False)
        entries.append(f'[[datasets]]\nsource = "local"\npath = "{row.dataset}.tsv"\n')
    return write_suite(folder, "name = 'pmlb45'\n[run]\nencoders = ['pca']\n" + "".join(entries),
                       name="pmlb45")


def invoke_cli(*args: str) -> tuple[int, str]:
    """Run ``bench ARGS`` in this process; the exit code and stdout and stderr together."""
    from typer.testing import CliRunner

    from bench.cli import app

    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


#: A real run of the quick suite (result schema version 1), frozen; see its README.
FROZEN_RUN = Path(__file__).parent / "data" / "runs" / "quick-cpu-v1"


def copy_small_run(target: Path, datasets: tuple[str, ...] = ("iris", "230_machine_cpu")) -> Path:
    """FROZEN_RUN copied to ``target`` with the rows of ``datasets`` only (a fast run to read)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    shutil.copytree(FROZEN_RUN, target)
    table = pq.read_table(target / "results.parquet")
    table = table.filter(pc.is_in(table["dataset"], value_set=pa.array(list(datasets))))
    pq.write_table(table, target / "results.parquet")
    return target
