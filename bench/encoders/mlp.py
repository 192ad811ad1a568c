"""``mlp``: a supervised MLP whose last hidden layer is the embedding.

An MLP trained on the very rows XGBoost then trains on has memorised their labels, and its
embedding of those rows leaks them: XGBoost's training score goes up, its test score does not.
``mode`` chooses how training-row embeddings are produced:

* ``crossfit`` (default): k models, each trained without one k-th of the training rows, embed
  that k-th; each is aligned to the reference model (trained on all training rows) by orthogonal
  Procrustes on the rows both trained on. Test rows use the reference model.
* ``naive``: the reference model embeds its own training rows. Leaky; kept to measure the leak.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
import torch
from sklearn.model_selection import KFold, StratifiedKFold
from torch import nn

from bench.encoders.align import fit_alignment
from bench.encoders.base import TorchEncoder
from bench.encoders.nets import SupervisedMLP
from bench.encoders.trainer import TrainResult, encode, seeded, train_module
from bench.seeding import derive_seed

MODES = ("crossfit", "naive")


def _supervised_loss(task: str):
    def loss(module: nn.Module, xb: torch.Tensor, yb: torch.Tensor | None) -> torch.Tensor:
        out = module(xb)
        if task == "regression":
            return nn.functional.mse_loss(out.squeeze(1), yb)
        return nn.functional.cross_entropy(out, yb)

    return loss


class MLPEncoder(TorchEncoder):
    """Supervised: cross-entropy (classification) or MSE on the standardized target."""

    name = "mlp"
    supervised = True

    def __init__(
        self,
        *,
        latent: int = 8,
        hidden: list[int] | tuple[int, ...] = (64,),
        mode: Literal["crossfit", "naive"] = "crossfit",
        crossfit_folds: int = 5,
        activation: str = "relu",
        dropout: float = 0.0,
        epochs: int = 50,
        batch_size: int = 256,
        lr: float = 1e-3,
        weight_decay: float = 1e-4,
        patience: int = 8,
        grad_clip: float = 1.0,
        random_state: int = 0,
        device: str = "cpu",
    ) -> None:
        self.latent = latent
        self.hidden = hidden
        self.mode = mode
        self.crossfit_folds = crossfit_folds
        self.activation = activation
        self.dropout = dropout
        self.epochs = epochs
        self.batch_size = batch_size
        self.lr = lr
        self.weight_decay = weight_decay
        self.patience = patience
        self.grad_clip = grad_clip
        self.random_state = random_state
        self.device = device

    def validate_params(self) -> None:
        self._validate_common()
        self._check_choice("mode", MODES)
        self._check_int("crossfit_folds", 2, 20)

    def fit(self, X: pd.DataFrame, y: np.ndarray | None = None, *, task: str | None = None):
        """Fit the reference model on all rows of ``X``."""
        self.validate_params()
        self._check_rows(X, y)
        if y is None or task is None:
            raise self._fail("is supervised: fit needs y and task")
        self.task_ = task
        self.fit_rows_ = X.index.to_numpy()
        Xt = self._fit_inputs(X)
        if task == "regression":
            self.y_mean_, self.y_scale_ = float(np.mean(y)), float(np.std(y)) or 1.0
        else:
            self.n_classes_ = int(np.max(y)) + 1
        self.n_embedding_ = self.latent
        self.module_, self.train_result_ = self._train(Xt, self._targets(y), self.random_state)
        return self

    def transform(self, X: pd.DataFrame) -> np.ndarray:
        """Embed new rows with the reference model."""
        self._check_fitted()
        return encode(self.module_, self._to_tensor(self.inputs_.transform(X)))

    def fit_transform(
        self, X: pd.DataFrame, y: np.ndarray | None = None, *, task: str | None = None
    ) -> np.ndarray:
        """Fit, then embed the training rows leak-free (``crossfit``) or leakily (``naive``)."""
        self.fit(X, y, task=task)
        if self.mode == "naive":
            self.crossfit_rows_ = []
            return self.transform(X)
        return self._crossfit_embed(X, y)

    def _crossfit_embed(self, X: pd.DataFrame, y: np.ndarray) -> np.ndarray:
        Xt = self._to_tensor(self.inputs_.transform(X))
        Yt = self._targets(y)
        reference = encode(self.module_, Xt)
        out = np.empty_like(reference)
        self.crossfit_rows_: list[tuple[np.ndarray, np.ndarray]] = []
        for j, (keep, held) in enumerate(self._folds(y)):
            seed = derive_seed(self.random_state, "crossfit", j)
            model, _ = self._train(Xt[keep], Yt[keep], seed)
            own = encode(model, Xt)
            alignment = fit_alignment(own[keep], reference[keep])
            out[held] = alignment.apply(own[held])
            self.crossfit_rows_.append((X.index[keep].to_numpy(), X.index[held].to_numpy()))
        return out

    def _folds(self, y: np.ndarray):
        k = min(self.crossfit_folds, len(y))
        seed = derive_seed(self.random_state, "crossfit-split")
        if self.task_ != "regression" and np.bincount(y).min() >= k:
            splitter = StratifiedKFold(k, shuffle=True, random_state=seed)
        else:
            splitter = KFold(k, shuffle=True, random_state=seed)
        return list(splitter.split(np.zeros(len(y)), y))

    def _targets(self, y: np.ndarray) -> torch.Tensor:
        if self.task_ == "regression":
            return self._to_tensor((y - self.y_mean_) / self.y_scale_)
        return torch.as_tensor(y, dtype=torch.long, device=self.device)

    def _train(
        self, Xt: torch.Tensor, Yt: torch.Tensor, seed: int
    ) -> tuple[SupervisedMLP, TrainResult]:
        d_out = 1 if self.task_ == "regression" else self.n_classes_
        with seeded(seed, self.device):
            module = SupervisedMLP(
                d_in=Xt.shape[1],
                hidden=list(self.hidden),
                latent=self.latent,
                d_out=d_out,
                activation=self.activation,
                dropout=self.dropout,
            ).to(self.device)
            result = train_module(
                module, _supervised_loss(self.task_), Xt, Yt, self._train_config(), seed=seed
            )
        return module, result
