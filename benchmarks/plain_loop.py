"""The plain loop: the script a researcher would write for the same grid as ``bench run``.

scikit-learn splits and scaling, one torch training loop per model (an autoencoder and a naive
supervised ``mlp`` whose hidden layer embeds the training rows it trained on), scikit-learn's PCA,
and ``XGBClassifier`` with the same rounds, learning rate, depth and early stopping as the suite,
using every core (``n_jobs``). For every (dataset, fold, seed): XGBoost on the raw features, and
on ``emb`` and ``raw+emb`` of each encoder, 7 XGBoost fits and 3 encoder fits, as ``bench`` does.

It is honest, not tuned: no batching of models, no process pool, the libraries' default threads.
:func:`suite_toml` writes the same grid as a ``bench`` suite, so both time the same work. Run it
alone with ``python benchmarks/plain_loop.py``.

The datasets are copies of PMLB datasets shipped in ``bench/data/embedded`` (MIT license; see
``bench/data/embedded/PROVENANCE.md``), or PMLB ``<name>.tsv.gz`` files in a folder the user
names (``Grid.data_dir``; the suite then reads them through the ``local`` source).
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from sklearn.decomposition import PCA
from sklearn.metrics import accuracy_score
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.preprocessing import LabelEncoder, StandardScaler
from torch import nn
from xgboost import XGBClassifier

EMBEDDED = Path(__file__).resolve().parent.parent / "bench" / "data" / "embedded"


@dataclass(frozen=True, kw_only=True)
class Grid:
    """One benchmark grid: datasets (PMLB classification sets: embedded ones, or the
    ``<name>.tsv.gz`` files of ``data_dir``), splits, models."""

    datasets: tuple[str, ...] = ("breast_cancer_wisconsin", "vehicle", "cmc")
    data_dir: Path | None = None
    folds: int = 2
    seeds: tuple[int, ...] = (0,)
    n_estimators: int = 200
    learning_rate: float = 0.1
    max_depth: int = 6
    early_stopping_rounds: int = 20
    validation_fraction: float = 0.2
    hidden: int = 64
    latent: int = 8
    epochs: int = 30
    batch_size: int = 128


def suite_toml(grid: Grid, *, name: str = "plain-loop-grid") -> str:
    """The same grid as a ``bench`` suite: ``ae``, naive ``mlp`` and ``pca``, no early stopping
    of the networks (patience = epochs), as in the plain loop."""
    datasets = "".join(dataset_toml(grid, d) for d in grid.datasets)
    network = (f"latent = {grid.latent}\nhidden = [{grid.hidden}]\nepochs = {grid.epochs}\n"
               f"batch_size = {grid.batch_size}\npatience = {grid.epochs}\n")
    return (f'name = "{name}"\n[run]\nfolds = {grid.folds}\nseeds = {list(grid.seeds)}\n'
            f'encoders = ["ae", "mlp", "pca"]\nvalidation_fraction = {grid.validation_fraction}\n'
            f"[xgboost]\nn_estimators = {grid.n_estimators}\nlearning_rate = {grid.learning_rate}\n"
            f"max_depth = {grid.max_depth}\nearly_stopping_rounds = {grid.early_stopping_rounds}\n"
            f"[encoders.ae]\n{network}[encoders.mlp]\n{network}mode = \"naive\"\n"
            f"[encoders.pca]\nlatent = {grid.latent}\n{datasets}")


def dataset_path(grid: Grid, name: str) -> Path:
    """Where the PMLB table ``name`` of ``grid`` lives."""
    return (grid.data_dir or EMBEDDED) / f"{name}.tsv.gz"


def dataset_toml(grid: Grid, name: str, *, task: str = "classification") -> str:
    """One ``[[datasets]]`` entry: embedded, or the ``local`` file in ``grid.data_dir``."""
    if grid.data_dir is None:
        return f'\n[[datasets]]\nsource = "embedded"\nname = "{name}"\n'
    path = dataset_path(grid, name).resolve()
    return (f'\n[[datasets]]\nsource = "local"\nname = "{name}"\npath = {json.dumps(str(path))}\n'
            f'target = "target"\ntask = "{task}"\n')


def load(name: str, data_dir: Path | None = None) -> tuple[np.ndarray, np.ndarray]:
    """A PMLB table as float32 features and integer labels."""
    frame = pd.read_csv((data_dir or EMBEDDED) / f"{name}.tsv.gz", sep="\t")
    y = LabelEncoder().fit_transform(frame.pop("target"))
    return frame.to_numpy(np.float32), y


def xgboost_accuracy(grid: Grid, train: tuple[np.ndarray, np.ndarray],
                     test: tuple[np.ndarray, np.ndarray], seed: int) -> float:
    X, y = train
    X_fit, X_val, y_fit, y_val = train_test_split(X, y, test_size=grid.validation_fraction,
                                                  stratify=y, random_state=seed)
    model = XGBClassifier(n_estimators=grid.n_estimators, learning_rate=grid.learning_rate,
                          max_depth=grid.max_depth, tree_method="hist",
                          early_stopping_rounds=grid.early_stopping_rounds,
                          n_jobs=os.cpu_count(), random_state=seed)
    model.fit(X_fit, y_fit, eval_set=[(X_val, y_val)], verbose=False)
    return float(accuracy_score(test[1], model.predict(test[0])))


def train_network(grid: Grid, X: np.ndarray, target: np.ndarray, *, supervised: bool,
                  n_classes: int, seed: int) -> nn.Module:
    """One torch loop: an autoencoder (reconstruct X) or an MLP classifier; returns its encoder."""
    torch.manual_seed(seed)
    d = X.shape[1]
    encoder = nn.Sequential(nn.Linear(d, grid.hidden), nn.ReLU(), nn.Linear(grid.hidden, grid.latent))
    head = (nn.Sequential(nn.ReLU(), nn.Linear(grid.latent, n_classes)) if supervised
            else nn.Sequential(nn.Linear(grid.latent, grid.hidden), nn.ReLU(), nn.Linear(grid.hidden, d)))
    model = nn.Sequential(encoder, head)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-4)
    inputs = torch.from_numpy(X)
    targets = torch.from_numpy(target.astype(np.int64)) if supervised else inputs
    loss_fn = nn.CrossEntropyLoss() if supervised else nn.MSELoss()
    for _ in range(grid.epochs):
        for batch in torch.randperm(len(inputs)).split(grid.batch_size):
            optimizer.zero_grad()
            loss = loss_fn(model(inputs[batch]), targets[batch])
            loss.backward()
            optimizer.step()
    return encoder


def embed(encoder: nn.Module, X: np.ndarray) -> np.ndarray:
    with torch.no_grad():
        return encoder(torch.from_numpy(X)).numpy()


def embeddings(grid: Grid, X_train: np.ndarray, y_train: np.ndarray, X_test: np.ndarray,
               seed: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Each encoder fit on the training rows; its embeddings of the training and test rows."""
    n_classes = int(y_train.max()) + 1
    out = {}
    for name, supervised in (("ae", False), ("mlp", True)):
        encoder = train_network(grid, X_train, y_train, supervised=supervised,
                                n_classes=n_classes, seed=seed)
        out[name] = embed(encoder, X_train), embed(encoder, X_test)
    pca = PCA(n_components=min(grid.latent, X_train.shape[1]), random_state=seed).fit(X_train)
    out["pca"] = pca.transform(X_train), pca.transform(X_test)
    return out


def run_split(grid: Grid, X: np.ndarray, y: np.ndarray, train: np.ndarray, test: np.ndarray,
              seed: int) -> dict[str, float]:
    scaler = StandardScaler().fit(X[train])
    X_train = scaler.transform(X[train]).astype(np.float32)
    X_test = scaler.transform(X[test]).astype(np.float32)
    y_train, y_test = y[train], y[test]
    scores = {"raw": xgboost_accuracy(grid, (X_train, y_train), (X_test, y_test), seed)}
    for name, (e_train, e_test) in embeddings(grid, X_train, y_train, X_test, seed).items():
        scores[f"{name}/emb"] = xgboost_accuracy(grid, (e_train, y_train), (e_test, y_test), seed)
        scores[f"{name}/raw+emb"] = xgboost_accuracy(
            grid, (np.hstack([X_train, e_train]), y_train), (np.hstack([X_test, e_test]), y_test),
            seed)
    return scores


def plain_loop(grid: Grid) -> pd.DataFrame:
    """Every (dataset, fold, seed) of ``grid``: one accuracy per feature set, as rows."""
    rows = []
    for name in grid.datasets:
        X, y = load(name, grid.data_dir)
        for seed in grid.seeds:
            folds = StratifiedKFold(grid.folds, shuffle=True, random_state=0).split(X, y)
            for fold, (train, test) in enumerate(folds):
                for method, accuracy in run_split(grid, X, y, train, test, seed).items():
                    rows.append({"dataset": name, "fold": fold, "seed": seed, "method": method,
                                 "accuracy": accuracy})
    return pd.DataFrame(rows)


if __name__ == "__main__":
    start = time.perf_counter()
    result = plain_loop(Grid())
    print(result.groupby("method")["accuracy"].mean().round(4).to_string())
    print(f"{len(result)} scores in {time.perf_counter() - start:.1f} s")
