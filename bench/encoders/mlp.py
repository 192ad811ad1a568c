"""``mlp``: a supervised MLP whose last hidden layer is the embedding.

An MLP trained on the very rows XGBoost then trains on has memorised their labels, and its
embedding of those rows leaks them: XGBoost's training score goes up, its test score does not.
``mode`` chooses how the training rows' embeddings (``fit_transform``) are produced:

* ``crossfit`` (default): k models, each trained without one k-th of the training rows, embed
  that k-th; each is aligned to the reference model (trained on all training rows) by orthogonal
  Procrustes on the rows both trained on, since hidden units of two networks are only defined up
  to a rotation.
* ``holdout``: the model trains on a part of the training rows and embeds the rest
  (``holdout_fraction`` of them), on which alone XGBoost then trains (``downstream_rows_``);
  the rows it trained on get NaN. The harness also trains ``raw`` on exactly those rows.
  New rows go through that model.
* ``oof-proba``: classic stacking: out-of-fold class probabilities (binary: of class 1) or
  predictions from the k cross-fitted models. Aligned by nature, but only as wide as the number
  of classes.
* ``naive``: the reference model embeds its own training rows and new rows. Leaky; kept to
  measure the leak.

New rows (``transform``) in ``crossfit`` and ``oof-proba`` mode go, by ``test_embedding``:

* ``fold-draw`` (default): each row through one of the k cross-fitted models (aligned), drawn
  with the encoder's seed. A test row is then embedded exactly as a training row is, by a model
  that did not train on it, so training and test embeddings come from one distribution.
* ``fold-mean``: through the mean of the k aligned models (for ``oof-proba`` the mean of their
  probabilities, the usual stacking convention). More accurate on average (an ensemble), but the
  mean is less spread out than any one model's output, so test rows come from a narrower
  distribution than the training rows; the shift diagnostic sees it.
* ``reference``: through the reference model (the behaviour before results schema version 2).
  It saw all training rows, and ReLU units of two networks differ by more than a rotation, so
  its test embeddings are told from the training rows' almost perfectly.

docs/architecture.md records the measurement behind the default.

All networks of a fit (the reference and the k cross-fitted ones) train in one batched program.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from sklearn.model_selection import KFold, StratifiedKFold, train_test_split

from bench.encoders.align import Alignment, fit_alignment
from bench.encoders.base import InputSpec, TorchEncoder
from bench.encoders.latent import LatentMap
from bench.encoders.many import FitPlan
from bench.encoders.nets import StackedSupervisedMLP
from bench.encoders.params import MLPParams
from bench.encoders.rng import StepNoise
from bench.encoders.trainer import Member, Source, Trained
from bench.schema import Mode
from bench.seeding import derive_seed


@dataclass(frozen=True)
class Supervised:
    """Supervised MLP architecture and loss (hashable: equal specs train in one batch)."""

    inputs: InputSpec
    hidden: tuple[int, ...]
    latent: int
    d_out: int
    activation: str
    dropout: float
    regression: bool

    def build(self, generators: Sequence[torch.Generator]) -> StackedSupervisedMLP:
        return StackedSupervisedMLP(
            inputs=self.inputs.layer(generators), hidden=self.hidden, latent=self.latent,
            d_out=self.d_out, generators=generators, activation=self.activation,
            dropout=self.dropout,
        )

    def row_losses(self, net: StackedSupervisedMLP, x: torch.Tensor, target: torch.Tensor,
                   noise: StepNoise | None) -> torch.Tensor:
        out = net(x, noise)
        if self.regression:
            return (out[..., 0] - target).pow(2)
        m, b, c = out.shape
        flat = torch.nn.functional.cross_entropy(out.reshape(m * b, c), target.reshape(-1),
                                                 reduction="none")
        return flat.view(m, b)


@dataclass(frozen=True)
class FoldModel:
    """A cross-fitted model and the map of its outputs onto the reference model's (``None``:
    outputs that need none, ``oof-proba``'s probabilities)."""

    net: StackedSupervisedMLP
    alignment: Alignment | None


class MLPEncoder(MLPParams, TorchEncoder):
    """Supervised: cross-entropy (classification) or MSE on the standardized target."""

    bottleneck = False

    # -- fit protocol -----------------------------------------------------------------------

    def plan_fit(self, X: pd.DataFrame, y: np.ndarray | None, task: str | None, *,
              transform: bool) -> FitPlan:
        self.validate_params()
        self._check_rows(X, y)
        if y is None or task is None:
            raise self._fail("is supervised: fit needs y and task")
        self.task_ = task
        self.fit_rows_ = X.index.to_numpy()
        self._fit_inputs(X)
        y = np.asarray(y)
        if task == "regression":
            self.y_mean_, self.y_scale_ = float(np.mean(y)), float(np.std(y)) or 1.0
            target = self._to_tensor((y - self.y_mean_) / self.y_scale_)
        else:
            self.n_classes_ = int(np.max(y)) + 1
            target = torch.as_tensor(y, dtype=torch.long, device=self.device)
        self.parts_ = self._parts(y, transform)
        members = [Member(0, trained_on, seed) for trained_on, _, seed in self.parts_]
        return FitPlan(self._objective(), self._train_config(), Source(self._net_input(X), target),
                       members)

    def _parts(self, y: np.ndarray, transform: bool) -> list[tuple[np.ndarray, np.ndarray, int]]:
        """(rows a model trains on, rows it embeds, its seed) for every model of this fit.

        The first is the model ``transform`` uses; cross-fitted ones follow when ``transform``.
        """
        everything = np.arange(len(y))
        if self.mode == "holdout":
            trained_on, held_out = self._holdout_split(y)
            return [(trained_on, held_out, self.random_state)]
        parts = [(everything, everything, self.random_state)]
        if self._uses_folds() and (transform or self.test_embedding != "reference"):
            parts += [(keep, held, derive_seed(self.random_state, "crossfit", j))
                      for j, (keep, held) in enumerate(self._folds(y))]
        return parts

    def finish_fit(self, plan: FitPlan, trained: list[Trained], *, transform: bool) -> np.ndarray | None:
        self._check_trained(trained)
        self.module_, self.train_result_ = trained[0].net, trained[0].result
        self.n_embedding_ = self._output_width()
        holdout = self.mode == "holdout"
        self.downstream_rows_ = self.parts_[0][1] if holdout else None
        # For every leak-free model: (row ids it trained on, training row ids it embeds).
        self.crossfit_rows_ = [(self.fit_rows_[a], self.fit_rows_[b])
                               for a, b, _ in (self.parts_ if holdout else self.parts_[1:])]
        Xt = plan.source.X
        reference = self._outputs(self.module_, Xt) if len(trained) > 1 else None
        self.fold_models_ = [self._fold_model(model.net, keep, Xt, reference)
                             for (keep, _, _), model in zip(self.parts_[1:], trained[1:], strict=True)]
        if not transform:
            return None
        if self.mode == "naive":
            return self._outputs(self.module_, Xt)
        if holdout:
            held_out = self.parts_[0][1]
            out = np.full((len(Xt), self.n_embedding_), np.nan, dtype=np.float32)
            out[held_out] = self._outputs(self.module_, Xt[held_out])
            return out
        out = np.empty((len(Xt), self.n_embedding_), dtype=np.float32)
        for (_, held, _), fold in zip(self.parts_[1:], self.fold_models_, strict=True):
            out[held] = self._fold_outputs(fold, Xt[held])
        return out

    def _fold_model(self, net: StackedSupervisedMLP, keep: np.ndarray, Xt: torch.Tensor,
                    reference: np.ndarray | None) -> FoldModel:
        """``net`` with its map onto the reference model, fit on rows both trained on."""
        if self.mode == "oof-proba" or reference is None:
            return FoldModel(net, None)
        return FoldModel(net, fit_alignment(self._outputs(net, Xt[keep]), reference[keep]))

    def _fold_outputs(self, fold: FoldModel, Xt: torch.Tensor) -> np.ndarray:
        own = self._outputs(fold.net, Xt)
        return own if fold.alignment is None else fold.alignment.apply(own)

    def transform(self, X: pd.DataFrame) -> np.ndarray:
        """Embed new rows (see ``test_embedding`` in the module docstring)."""
        self._check_fitted()
        Xt = self._net_input(X)
        if not self.fold_models_ or self.test_embedding == "reference":
            return self._outputs(self.module_, Xt)
        if self.test_embedding == "fold-mean":
            outs = [self._fold_outputs(fold, Xt) for fold in self.fold_models_]
            return np.mean(outs, axis=0, dtype=np.float64).astype(np.float32)
        draw = np.random.default_rng(derive_seed(self.random_state, "test-draw"))
        which = draw.integers(len(self.fold_models_), size=len(X))
        out = np.empty((len(X), self.n_embedding_), dtype=np.float32)
        for j, fold in enumerate(self.fold_models_):
            rows = np.flatnonzero(which == j)
            if len(rows):
                out[rows] = self._fold_outputs(fold, Xt[rows])
        return out

    def latent_map(self) -> LatentMap:
        if self.mode == "oof-proba":
            raise self._fail("oof-proba embeds predictions, not a hidden layer; explain another mode")
        return super().latent_map()

    # -- helpers ----------------------------------------------------------------------------

    def _objective(self) -> Supervised:
        regression = self.task_ == "regression"
        return Supervised(
            inputs=self._input_spec(), hidden=tuple(self.hidden), latent=self.latent,
            d_out=1 if regression else self.n_classes_, activation=self.activation,
            dropout=float(self.dropout), regression=regression,
        )

    def _uses_folds(self) -> bool:
        return self.mode in (Mode.CROSSFIT, Mode.OOF_PROBA)

    def _output_width(self) -> int:
        if self.mode != "oof-proba":
            return self.latent
        return 1 if self.task_ == "regression" or self.n_classes_ <= 2 else self.n_classes_

    def _outputs(self, net: StackedSupervisedMLP, Xt: torch.Tensor) -> np.ndarray:
        """The embedding (last hidden layer), or for ``oof-proba`` the prediction."""
        if self.mode != "oof-proba":
            return self._embed(net, Xt)
        out = self._embed(net, Xt, "forward")
        if self.task_ == "regression":
            return (out * self.y_scale_ + self.y_mean_).astype(np.float32)
        proba = torch.softmax(torch.as_tensor(out), dim=-1).numpy()
        return np.ascontiguousarray(proba[:, 1:] if self.n_classes_ <= 2 else proba)

    def _folds(self, y: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        k = min(self.crossfit_folds, len(y))
        seed = derive_seed(self.random_state, "crossfit-split")
        if self._can_stratify(y, k):
            splitter = StratifiedKFold(k, shuffle=True, random_state=seed)
        else:
            splitter = KFold(k, shuffle=True, random_state=seed)
        return list(splitter.split(np.zeros(len(y)), y))

    def _holdout_split(self, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(rows the MLP trains on, rows held out for XGBoost), stratified where possible."""
        positions = np.arange(len(y))
        n_held = min(max(1, int(round(len(y) * self.holdout_fraction))), len(y) - 1)
        stratify = None
        if self._can_stratify(y, 2) and min(n_held, len(y) - n_held) >= self.n_classes_:
            stratify = y
        trained_on, held_out = train_test_split(
            positions, test_size=n_held, stratify=stratify,
            random_state=derive_seed(self.random_state, "holdout"),
        )
        return np.sort(trained_on), np.sort(held_out)

    def _can_stratify(self, y: np.ndarray, k: int) -> bool:
        if self.task_ == "regression":
            return False
        counts = np.bincount(y.astype(np.int64))
        return bool(counts[counts > 0].min() >= k)
