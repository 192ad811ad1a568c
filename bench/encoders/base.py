"""The encoder protocol, in the scikit-learn style.

``__init__`` stores keyword-only parameters unchanged and does no work; ``fit`` validates them,
derives all randomness from ``random_state``, learns from the rows it is given (and records their
ids in ``fit_rows_``) and returns ``self``; ``transform`` maps any rows to ``(n, n_embedding_)``
float32. ``fit_transform`` is what the harness calls on training rows: for most encoders it is
``fit(X).transform(X)``; leak-free supervised encoders override it to return out-of-fold
embeddings (as scikit-learn's ``TargetEncoder.fit_transform`` does).
"""

from __future__ import annotations

import inspect
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import torch

from bench.encoders.trainer import TrainConfig
from bench.errors import EncoderError
from bench.preprocess import NetworkInputs

#: Parameters the harness sets for every fit; a suite file may not set them.
HARNESS_PARAMS = frozenset({"random_state", "device"})


class Encoder:
    """Base class: parameter handling, validation helpers and the fitted-state check."""

    name: ClassVar[str] = "encoder"
    supervised: ClassVar[bool] = False

    @classmethod
    def param_names(cls) -> list[str]:
        sig = inspect.signature(cls.__init__)
        return [p.name for p in sig.parameters.values() if p.kind is p.KEYWORD_ONLY]

    def get_params(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.param_names()}

    def set_params(self, **params: Any) -> Encoder:
        unknown = set(params) - set(self.param_names())
        if unknown:
            raise EncoderError(
                f"unknown parameter(s) {sorted(unknown)}; valid: {', '.join(self.param_names())}",
                where=f"encoder {self.name!r}",
            )
        for key, value in params.items():
            setattr(self, key, value)
        return self

    #: How a supervised encoder avoids leakage (a constructor parameter there); empty otherwise.
    mode: str = ""

    def validate_params(self) -> None:
        """Raise :class:`EncoderError` on an invalid parameter (called by ``fit``)."""

    def fit(self, X: pd.DataFrame, y: np.ndarray | None = None, *, task: str | None = None):
        raise NotImplementedError

    def transform(self, X: pd.DataFrame) -> np.ndarray:
        raise NotImplementedError

    def fit_transform(
        self, X: pd.DataFrame, y: np.ndarray | None = None, *, task: str | None = None
    ) -> np.ndarray:
        return self.fit(X, y, task=task).transform(X)

    # -- helpers for subclasses -------------------------------------------------------------

    def _check_fitted(self) -> None:
        if not hasattr(self, "n_embedding_"):
            raise RuntimeError(f"encoder {self.name!r} is not fitted; call fit() first")

    def _fail(self, message: str) -> EncoderError:
        return EncoderError(message, where=f"encoder {self.name!r}")

    def _check_int(self, key: str, low: int, high: int | None = None) -> None:
        value = getattr(self, key)
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            raise self._fail(f"{key} must be an integer, however: {value!r}")
        if value < low or (high is not None and value > high):
            bound = f"between {low} and {high}" if high is not None else f">= {low}"
            raise self._fail(f"{key} must be {bound}, however: {value!r}")

    def _check_float(self, key: str, low: float, high: float, *, closed: bool = True) -> None:
        value = getattr(self, key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._fail(f"{key} must be a number, however: {value!r}")
        ok = low <= value <= high if closed else low < value < high
        if not ok:
            raise self._fail(f"{key} must be in [{low}, {high}], however: {value!r}")

    def _check_choice(self, key: str, choices: tuple[str, ...]) -> None:
        value = getattr(self, key)
        if value not in choices:
            raise self._fail(f"{key} must be one of {', '.join(choices)}, however: {value!r}")

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


class TorchEncoder(Encoder):
    """Shared plumbing for torch encoders: input preprocessing, device, training config."""

    def _validate_common(self) -> None:
        self._check_int("latent", 1)
        hidden = self.hidden
        if not isinstance(hidden, list | tuple) or not all(
            isinstance(h, int) and not isinstance(h, bool) and h >= 1 for h in hidden
        ):
            raise self._fail(f"hidden must be a list of positive integers, however: {hidden!r}")
        self._check_int("epochs", 1)
        self._check_int("batch_size", 1)
        self._check_int("patience", 1)
        self._check_float("lr", 0.0, 10.0, closed=False)
        self._check_float("weight_decay", 0.0, 10.0)
        self._check_float("dropout", 0.0, 0.95)
        self._check_float("grad_clip", 0.0, 1e6, closed=False)
        self._check_choice("activation", ("relu", "gelu", "silu", "tanh"))
        self._check_int("random_state", 0)

    def _train_config(self) -> TrainConfig:
        return TrainConfig(
            epochs=self.epochs,
            batch_size=self.batch_size,
            lr=self.lr,
            weight_decay=self.weight_decay,
            patience=self.patience,
            grad_clip=self.grad_clip,
        )

    def _fit_inputs(self, X: pd.DataFrame) -> torch.Tensor:
        """Fit the network preprocessing on ``X`` (training rows) and return it as a tensor."""
        self.inputs_ = NetworkInputs().fit(X)
        return self._to_tensor(self.inputs_.transform(X))

    def _to_tensor(self, array: np.ndarray) -> torch.Tensor:
        return torch.as_tensor(array, dtype=torch.float32, device=self.device)

    def _latent_for(self, d_in: int) -> int:
        """The bottleneck width actually used: never wider than the input."""
        return min(self.latent, d_in)
