"""The encoder protocol, in the scikit-learn style.

``__init__`` stores keyword-only parameters unchanged and does no work; ``fit`` validates them,
derives all randomness from ``random_state``, learns from the rows it is given (and records their
ids in ``fit_rows_``) and returns ``self``; ``transform`` maps any rows to ``(n, n_embedding_)``
float32. ``fit_transform`` is what the harness calls on training rows: for most encoders it is
``fit(X).transform(X)``; leak-free supervised encoders override it to return out-of-fold
embeddings (as scikit-learn's ``TargetEncoder.fit_transform`` does).

Torch encoders (:class:`TorchEncoder`) split a fit into ``plan_fit`` (validate, preprocess, say
which networks to train on which rows) and ``finish_fit`` (keep the trained networks, embed), so that
:func:`bench.encoders.many.fit_transform_many` can train the networks of many encoders in one
batched program; ``fit`` and ``fit_transform`` of a single encoder go through the same path.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd
import torch

from bench.encoders.latent import LatentMap, input_names, network_fn, pca_reference
from bench.encoders.many import FitPlan, fit_transform_many
from bench.encoders.nets import InputLayer
from bench.encoders.params import Params
from bench.encoders.trainer import TrainConfig, Trained, apply
from bench.preprocess import NetworkInputs


class Encoder(Params):
    """Base class: the fit/transform protocol and the fitted-state check; parameters and their
    validation come from the encoder's dataclass in :mod:`bench.encoders.params`."""

    #: Positions of the ``fit_transform`` rows whose embeddings a downstream model may train on;
    #: ``None`` means all of them (only the ``holdout`` mode of ``mlp`` keeps some rows back).
    downstream_rows_: np.ndarray | None = None

    def fit(self, X: pd.DataFrame, y: np.ndarray | None = None, *, task: str | None = None):
        raise NotImplementedError

    def transform(self, X: pd.DataFrame) -> np.ndarray:
        raise NotImplementedError

    def fit_transform(
        self, X: pd.DataFrame, y: np.ndarray | None = None, *, task: str | None = None
    ) -> np.ndarray:
        return self.fit(X, y, task=task).transform(X)

    def latent_map(self) -> LatentMap:
        """How ``bench explain`` reads this fitted encoder (see :mod:`bench.encoders.latent`)."""
        raise self._fail("cannot be explained: it defines no latent_map()")

    # -- helpers for subclasses -------------------------------------------------------------

    def _check_fitted(self) -> None:
        if not hasattr(self, "n_embedding_"):
            raise RuntimeError(f"encoder {self.name!r} is not fitted; call fit() first")

    def _check_rows(self, X: pd.DataFrame, y: np.ndarray | None) -> None:
        if not isinstance(X, pd.DataFrame):
            raise TypeError(f"X must be a pandas DataFrame, however: {type(X).__name__}")
        if len(X) < 2:
            raise self._fail(f"needs at least 2 training rows, however: {len(X)}")
        if y is not None and len(y) != len(X):
            raise self._fail(f"X has {len(X)} rows but y has {len(y)}")
        num = X.select_dtypes("number").to_numpy(dtype="float64")
        if np.isinf(num).any():
            raise self._fail("X has infinite values; encoders need finite or missing values")
        if y is not None and not np.isfinite(np.asarray(y, dtype="float64")).all():
            raise self._fail("y has missing or infinite values")


@dataclass(frozen=True)
class InputSpec:
    """The layout of a network's input: numbers, then one-hot columns or level codes."""

    n_numeric: int
    cardinalities: tuple[int, ...]
    dim: int
    width: int

    def layer(self, generators: Sequence[torch.Generator]) -> InputLayer:
        n_numeric = self.n_numeric if self.cardinalities else self.width
        return InputLayer(n_numeric=n_numeric, cardinalities=self.cardinalities, dim=self.dim,
                          generators=generators)


class TorchEncoder(Encoder):
    """Shared plumbing for torch encoders: input preprocessing, validation, the fit protocol."""

    #: Whether ``latent`` is a bottleneck that cannot usefully exceed the input width.
    bottleneck: ClassVar[bool] = True

    def fit(self, X: pd.DataFrame, y: np.ndarray | None = None, *, task: str | None = None):
        fit_transform_many([self], [X], [y], task=task, transform=False)[0].unwrap()
        return self

    def fit_transform(
        self, X: pd.DataFrame, y: np.ndarray | None = None, *, task: str | None = None
    ) -> np.ndarray:
        return fit_transform_many([self], [X], [y], task=task)[0].unwrap()

    def plan_fit(self, X: pd.DataFrame, y: np.ndarray | None, task: str | None, *,
              transform: bool) -> FitPlan:
        """Validate, fit the preprocessing, and say which networks to train on which rows."""
        raise NotImplementedError

    def finish_fit(self, plan: FitPlan, trained: list[Trained], *, transform: bool) -> np.ndarray | None:
        """Keep the trained networks; return the training rows' embeddings when ``transform``."""
        raise NotImplementedError

    def latent_map(self) -> LatentMap:
        self._check_fitted()
        if self.categoricals != "onehot":
            raise self._fail("bench explain needs categoricals = 'onehot' (learned categorical "
                             "embeddings have no input gradient)")
        method = self._reconstruct_method()
        return LatentMap(
            prepare=self.inputs_.transform, inputs=input_names(self.inputs_),
            groups=self.inputs_.column_groups(), linear=False,
            encode=network_fn(self.module_, self._latent_method()),
            reconstruct=network_fn(self.module_, method) if method else None,
            reference=pca_reference(self.n_embedding_, self.scaling), device=str(self.device),
        )

    def _latent_method(self) -> str:
        """The network method whose output is the embedding."""
        return "encode"

    def _reconstruct_method(self) -> str:
        """The network method that reconstructs the prepared inputs ("" if none)."""
        return ""

    def _train_config(self) -> TrainConfig:
        return TrainConfig(
            epochs=self.epochs, batch_size=self.batch_size, lr=self.lr,
            weight_decay=self.weight_decay, patience=self.patience, grad_clip=self.grad_clip,
            val_fraction=self.val_fraction,
        )

    def _latent_for(self, width: int) -> int:
        """The bottleneck width actually used, given the preprocessed input ``width``.

        A bottleneck wider than its input can learn the identity, so it is clipped to the input
        width (``clip_latent = true``, the default: one suite can hold datasets of any width) or
        refused (``clip_latent = false``).
        """
        if not self.bottleneck or self.latent <= width:
            return self.latent
        if self.clip_latent:
            return width
        raise self._fail(
            f"latent = {self.latent} is wider than the {width} input columns (after one-hot "
            f"encoding); lower latent or set clip_latent = true"
        )

    # -- inputs -----------------------------------------------------------------------------

    def _fit_inputs(self, X: pd.DataFrame) -> None:
        """Fit the network preprocessing on ``X`` (training rows only)."""
        self.inputs_ = NetworkInputs(scaling=self.scaling).fit(X)
        self.n_inputs_ = self.inputs_.n_output_

    def _net_input(self, X: pd.DataFrame) -> torch.Tensor:
        """What the network reads: scaled numbers, then one-hot blocks or level codes."""
        if self.categoricals == "onehot":
            return self._to_tensor(self.inputs_.transform(X))
        codes = self.inputs_.codes(X).astype(np.float32)
        return self._to_tensor(np.concatenate([self.inputs_.numeric(X), codes], axis=1))

    def _input_spec(self) -> InputSpec:
        learned = self.categoricals == "embedding"
        return InputSpec(
            n_numeric=self.inputs_.n_numeric_,
            cardinalities=self.inputs_.cardinalities_ if learned else (),
            dim=self.categorical_dim if learned else 0,
            width=self.inputs_.n_numeric_ + (len(self.inputs_.cardinalities_) if learned
                                              else sum(self.inputs_.cardinalities_)),
        )

    def _to_tensor(self, array: np.ndarray) -> torch.Tensor:
        return torch.as_tensor(array, dtype=torch.float32, device=self.device)

    def _embed(self, net: torch.nn.Module, X: torch.Tensor, fn: str = "encode") -> np.ndarray:
        return apply(net, X, fn)

    def _check_trained(self, trained: list[Trained]) -> None:
        for model in trained:
            if not np.isfinite(model.result.best_val_loss):
                raise self._fail(
                    "training diverged (the loss was never finite); lower lr or check the inputs"
                )
