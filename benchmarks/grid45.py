"""Time ``bench run`` on every PMLB table of a folder: the issue's 45-dataset grid.

    python -m benchmarks.grid45 /path/to/pmlb [--out DIR] [--datasets a,b] [-- bench run options]

Every ``<name>.tsv.gz`` of the folder becomes a ``local`` dataset (target column ``target``; its
task from PMLB's ``<name>.metadata.yaml`` when present, else ``infer``), run with 3 folds x 2
seeds and the encoders ``ae``, ``mlp`` (crossfit), ``mlp_naive`` (naive) and ``pca`` (64 -> 8,
30 epochs; XGBoost as :class:`benchmarks.plain_loop.Grid`). The command is timed from the
outside (start-up, loading, the report included) and the script prints the wall time, the row
counts and the recorded compute (each encoder fit counted once per unit). Issue 13's target on
2 cores: <= 300 s for the 45 shared datasets (2,430 rows).

Options after ``--`` go to ``bench run`` (e.g. ``-- --workers 1``). Nothing here reads a path of
ours: the folder is the user's.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from benchmarks.plain_loop import Grid
from benchmarks.recorded import recorded_compute

SUFFIX = ".tsv.gz"


def dataset_names(folder: Path) -> list[str]:
    """The PMLB tables of ``folder``, sorted by name."""
    names = sorted(p.name[: -len(SUFFIX)] for p in folder.glob(f"*{SUFFIX}"))
    if not names:
        raise SystemExit(f"the folder must hold PMLB <name>{SUFFIX} files, however: {folder} "
                         f"has none")
    return names


def pmlb_task(folder: Path, name: str) -> str:
    """``classification``/``regression`` from PMLB's metadata file; ``infer`` without one."""
    meta = folder / f"{name}.metadata.yaml"
    if meta.is_file():
        found = re.search(r"^task:\s*(classification|regression)\s*$",
                          meta.read_text(encoding="utf-8"), re.MULTILINE)
        if found:
            return found.group(1)
    return "infer"


def suite_toml(folder: Path, names: list[str], grid: Grid = Grid(folds=3, seeds=(0, 1))) -> str:
    network = (f"latent = {grid.latent}\nhidden = [{grid.hidden}]\nepochs = {grid.epochs}\n"
               f"batch_size = {grid.batch_size}\n")
    datasets = "".join(
        f'\n[[datasets]]\nsource = "local"\nname = "{name}"\n'
        f'path = {json.dumps(str((folder / f"{name}{SUFFIX}").resolve()))}\n'
        f'target = "target"\ntask = "{pmlb_task(folder, name)}"\n' for name in names)
    return (f'name = "grid45"\n[run]\nfolds = {grid.folds}\nseeds = {list(grid.seeds)}\n'
            f'encoders = ["ae", "mlp", "mlp_naive", "pca"]\n'
            f"validation_fraction = {grid.validation_fraction}\n"
            f"[xgboost]\nn_estimators = {grid.n_estimators}\nlearning_rate = {grid.learning_rate}\n"
            f"max_depth = {grid.max_depth}\nearly_stopping_rounds = {grid.early_stopping_rounds}\n"
            f"[encoders.ae]\n{network}[encoders.mlp]\n{network}mode = \"crossfit\"\n"
            f'[encoders.mlp_naive]\ntype = "mlp"\n{network}mode = "naive"\n'
            f"[encoders.pca]\nlatent = {grid.latent}\n{datasets}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="a folder of PMLB <name>.tsv.gz files")
    parser.add_argument("--out", type=Path, default=None, help="run directory (default: temporary)")
    parser.add_argument("--datasets", default=None, help="only these (comma-separated)")
    args, extra = parser.parse_known_args(argv)
    extra = [a for a in extra if a != "--"]
    names = dataset_names(args.folder)
    if args.datasets:
        names = [n for n in names if n in set(args.datasets.split(","))]
    work = Path(tempfile.mkdtemp(prefix="grid45-"))
    suite = work / "grid45.toml"
    suite.write_text(suite_toml(args.folder, names), encoding="utf-8")
    out = args.out or work / "run"
    command = ["bench", "run", str(suite), "--out", str(out), "--device", "cpu", "--quiet",
               "--force-new", *extra]
    start = time.perf_counter()
    code = subprocess.run(command, check=False).returncode  # noqa: S603 - our own command
    wall = time.perf_counter() - start
    rows = pd.read_parquet(out / "results.parquet")
    compute = recorded_compute(rows)
    print(json.dumps({"datasets": len(names), "rows": len(rows),
                      "ok": int((rows["status"] == "ok").sum()), "exit_code": code,
                      "wall_s": round(wall, 1), "compute_s": round(compute, 1),
                      "xgb_fit_s": round(float(rows["xgb_fit_s"].sum()), 1),
                      "command": " ".join(command)}))
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
