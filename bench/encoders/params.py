"""Every encoder's parameters, declared once, with their defaults and constraints (torch-free).

Each encoder class inherits one of these keyword-only dataclasses, so its ``__init__`` stores the
parameters unchanged and does no work (the scikit-learn convention); parameters shared by all
networks (:class:`NetworkParams`) are declared once. Validating a suite file builds only these
classes, so it never imports torch.

Upper bounds keep a typo from starting a multi-GB allocation or a week-long fit: ``epochs``,
``patience`` and the widths of ``hidden`` are capped unless ``allow_large = true``.
"""

from __future__ import annotations

import functools
import inspect
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from bench.errors import EncoderError
from bench.preprocess import SCALINGS
from bench.schema import Mode

ACTIVATIONS = ("relu", "gelu", "silu", "tanh")
CATEGORICALS = ("onehot", "embedding")
MLP_MODES: tuple[str, ...] = (Mode.CROSSFIT, Mode.HOLDOUT, Mode.OOF_PROBA, Mode.NAIVE)
#: How ``mlp`` in ``crossfit``/``oof-proba`` mode embeds new (test) rows: through one of its k
#: cross-fitted models drawn per row (the default: the same distribution as the training rows'
#: out-of-fold embeddings), the mean of the k (aligned), or the full-data reference model (the
#: behaviour before results schema version 2). See docs/architecture.md for the measurement.
MLP_TEST_EMBEDDINGS: tuple[str, ...] = ("fold-draw", "fold-mean", "reference")
#: Parameters the harness sets for every fit; a suite file may not set them.
HARNESS_PARAMS = frozenset({"random_state", "device"})
#: Caps lifted by ``allow_large = true``.
MAX_EPOCHS = 10_000
MAX_PATIENCE = 1_000
MAX_WIDTH = 16_384
MAX_LAYERS = 16


class Params:
    """Parameter handling (``get_params``/``set_params`` as scikit-learn's) and checks."""

    #: The registry name; variants in a suite file carry their own name in the rows.
    name: ClassVar[str] = "encoder"
    supervised: ClassVar[bool] = False
    #: How a supervised encoder embeds its own training rows (a parameter of ``mlp``).
    mode: str = Mode.NONE.value

    @classmethod
    def param_names(cls) -> list[str]:
        sig = inspect.signature(cls.__init__)
        return [p.name for p in sig.parameters.values() if p.kind is p.KEYWORD_ONLY]

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor parameters (``deep`` is accepted for scikit-learn; none nest)."""
        return {name: getattr(self, name) for name in self.param_names()}

    def set_params(self, **params: Any) -> Params:
        unknown = set(params) - set(self.param_names())
        if unknown:
            raise EncoderError(
                f"unknown parameter(s) {sorted(unknown)}; valid: {', '.join(self.param_names())}",
                where=f"encoder {self.name!r}",
            )
        for key, value in params.items():
            setattr(self, key, value)
        return self

    def validate_params(self) -> None:
        """Raise :class:`EncoderError` on an invalid parameter (``fit`` calls it)."""
        self._check_int("random_state", 0, 2**32 - 1)
        if not isinstance(self.device, str):
            raise self._fail(f"device must be a string such as 'cpu' or 'cuda', however: "
                             f"{self.device!r}")

    def restricts_rows(self) -> bool:
        """Whether XGBoost trains on only part of the training fold with this encoder (so a
        ``raw`` model on the same rows is needed for a fair comparison)."""
        return False

    # -- checks -----------------------------------------------------------------------------

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

    def _check_bool(self, key: str) -> None:
        if not isinstance(getattr(self, key), bool):
            raise self._fail(f"{key} must be true or false, however: {getattr(self, key)!r}")


#: The decorator of every parameter class: keyword-only fields, identity equality (fitted
#: encoders are distinct objects whatever their parameters).
params_dataclass = functools.partial(dataclass, kw_only=True, eq=False, repr=False)


@params_dataclass
class EncoderParams(Params):
    """What every encoder takes: the harness sets both for each fit."""

    random_state: int = 0
    device: str = "cpu"


@params_dataclass
class ProjectionParams(EncoderParams):
    """``pca`` and ``rp``: a linear map of the preprocessed inputs onto ``latent`` columns."""

    latent: int = 8
    scaling: str = "standard"
    clip_latent: bool = True

    def validate_params(self) -> None:
        super().validate_params()
        self._check_int("latent", 1)
        self._check_choice("scaling", SCALINGS)
        self._check_bool("clip_latent")


@params_dataclass
class PCAParams(ProjectionParams):
    name: ClassVar[str] = "pca"

    whiten: bool = False

    def validate_params(self) -> None:
        super().validate_params()
        self._check_bool("whiten")


@params_dataclass
class RPParams(ProjectionParams):
    name: ClassVar[str] = "rp"


@params_dataclass
class NetworkParams(EncoderParams):
    """What every torch network takes (``ae``, ``dae``, ``vae``, ``mlp``)."""

    latent: int = 8
    hidden: list[int] | tuple[int, ...] = (64,)
    activation: str = "relu"
    dropout: float = 0.0
    epochs: int = 50
    batch_size: int = 256
    lr: float = 1e-3
    weight_decay: float = 1e-4
    patience: int = 8
    grad_clip: float = 1.0
    val_fraction: float = 0.15
    scaling: str = "standard"
    categoricals: str = "onehot"
    categorical_dim: int = 4
    allow_large: bool = False

    def validate_params(self) -> None:
        super().validate_params()
        self._check_bool("allow_large")
        big = self.allow_large
        self._check_int("latent", 1)
        self._check_hidden()
        self._check_int("epochs", 1, None if big else MAX_EPOCHS)
        self._check_int("batch_size", 1)
        self._check_int("patience", 1, None if big else MAX_PATIENCE)
        self._check_float("lr", 0.0, 10.0, closed=False)
        self._check_float("weight_decay", 0.0, 10.0)
        self._check_float("dropout", 0.0, 0.95)
        self._check_float("grad_clip", 0.0, 1e6, closed=False)
        self._check_float("val_fraction", 0.0, 0.5)
        self._check_choice("activation", ACTIVATIONS)
        self._check_choice("scaling", SCALINGS)
        self._check_choice("categoricals", CATEGORICALS)
        self._check_int("categorical_dim", 1, 256)

    def _check_hidden(self) -> None:
        hidden = self.hidden
        if not isinstance(hidden, list | tuple) or not all(
            isinstance(h, int) and not isinstance(h, bool) and h >= 1 for h in hidden
        ):
            raise self._fail(f"hidden must be a list of positive integers, however: {hidden!r}")
        if self.allow_large:
            return
        if len(hidden) > MAX_LAYERS or any(h > MAX_WIDTH for h in hidden):
            raise self._fail(f"hidden must have at most {MAX_LAYERS} layers of at most "
                             f"{MAX_WIDTH} units (set allow_large = true to go beyond), however: "
                             f"{list(hidden)!r}")


@params_dataclass
class AEParams(NetworkParams):
    name: ClassVar[str] = "ae"

    clip_latent: bool = True

    def validate_params(self) -> None:
        super().validate_params()
        self._check_bool("clip_latent")


@params_dataclass
class DAEParams(AEParams):
    name: ClassVar[str] = "dae"

    swap_noise: float = 0.15
    gaussian_noise: float = 0.0
    embedding: str = "bottleneck"

    def validate_params(self) -> None:
        super().validate_params()
        self._check_float("swap_noise", 0.0, 1.0)
        self._check_float("gaussian_noise", 0.0, 100.0)
        self._check_choice("embedding", ("bottleneck", "all"))
        if self.swap_noise == 0 and self.gaussian_noise == 0:
            raise self._fail("needs noise: set swap_noise or gaussian_noise above 0")


@params_dataclass
class VAEParams(AEParams):
    name: ClassVar[str] = "vae"

    beta: float = 1.0

    def validate_params(self) -> None:
        super().validate_params()
        self._check_float("beta", 0.0, 1000.0)


@params_dataclass
class MLPParams(NetworkParams):
    name: ClassVar[str] = "mlp"
    supervised: ClassVar[bool] = True

    mode: str = Mode.CROSSFIT.value
    crossfit_folds: int = 5
    holdout_fraction: float = 0.5
    test_embedding: str = "fold-draw"

    def validate_params(self) -> None:
        super().validate_params()
        self._check_choice("mode", MLP_MODES)
        self._check_choice("test_embedding", MLP_TEST_EMBEDDINGS)
        self._check_int("crossfit_folds", 2, 20)
        self._check_float("holdout_fraction", 0.1, 0.9)

    def restricts_rows(self) -> bool:
        return self.mode == Mode.HOLDOUT
