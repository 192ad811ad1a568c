"""Encoders by name: ``make_encoder("ae", {"latent": 16})``.

A suite may also define variants of a registered encoder under a name of its own, with ``type``
naming the registered one, to compare settings in one run (e.g. the leak audit's naive ``mlp``)::

    [encoders.mlp_naive]
    type = "mlp"
    mode = "naive"

Result rows carry the suite's name (``mlp_naive``) in the ``encoder`` column.
"""

from __future__ import annotations

from typing import Any

from bench.encoders.autoencoder import AutoencoderEncoder, DenoisingAutoencoderEncoder
from bench.encoders.base import HARNESS_PARAMS, Encoder
from bench.encoders.many import FitOutcome, fit_transform_many
from bench.encoders.mlp import MLPEncoder
from bench.encoders.pca import PCAEncoder
from bench.encoders.rp import RandomProjectionEncoder
from bench.encoders.vae import VAEEncoder
from bench.errors import ConfigError, EncoderError

REGISTRY: dict[str, type[Encoder]] = {
    cls.name: cls
    for cls in (AutoencoderEncoder, DenoisingAutoencoderEncoder, VAEEncoder, MLPEncoder,
                PCAEncoder, RandomProjectionEncoder)
}

#: The suite key that makes ``[encoders.NAME]`` a variant of a registered encoder.
TYPE_KEY = "type"


def encoder_class(name: str, params: dict[str, Any] | None = None) -> type[Encoder]:
    """The class behind suite encoder ``name`` (a registered name or a ``type``-d variant)."""
    kind = (params or {}).get(TYPE_KEY)
    if kind is None:
        if name not in REGISTRY:
            raise ConfigError(
                f"unknown encoder {name!r}; known encoders: {', '.join(sorted(REGISTRY))} "
                f"(or define [encoders.{name}] with type = one of them)"
            )
        return REGISTRY[name]
    if not isinstance(kind, str) or kind not in REGISTRY:
        raise ConfigError(f"encoders.{name}: type must be one of {', '.join(sorted(REGISTRY))}, "
                          f"got {kind!r}")
    if name in REGISTRY and name != kind:
        raise ConfigError(f"encoders.{name}: a registered encoder cannot change its type to {kind!r}")
    return REGISTRY[kind]


def make_encoder(name: str, params: dict[str, Any] | None = None, **harness: Any) -> Encoder:
    """Build encoder ``name`` with suite ``params`` and harness-set ``random_state``/``device``."""
    encoder = encoder_class(name, params)()
    encoder.set_params(**{k: v for k, v in (params or {}).items() if k != TYPE_KEY})
    return encoder.set_params(**harness)


def check_encoder_params(name: str, params: dict[str, Any]) -> None:
    """Validate suite-file parameters now, so a typo fails before any work starts."""
    reserved = HARNESS_PARAMS & set(params)
    if reserved:
        raise ConfigError(f"encoders.{name}: {sorted(reserved)} are set by the harness")
    try:
        make_encoder(name, params).validate_params()
    except EncoderError as exc:
        raise ConfigError(f"encoders.{name}: {exc.message}") from None
    except TypeError as exc:  # e.g. a list where a number was expected
        raise ConfigError(f"encoders.{name}: {exc}") from None


def encoder_mode(name: str, params: dict[str, Any] | None = None) -> str:
    """The ``encoder_mode`` its rows will carry (the default mode when the suite sets none)."""
    return make_encoder(name, params).mode


def restricts_rows(name: str, params: dict[str, Any] | None = None) -> bool:
    """Whether XGBoost trains on only part of the training fold with this encoder (``mlp`` in
    ``holdout`` mode), so that a ``raw`` model on the same rows is needed for a fair comparison."""
    return encoder_mode(name, params) == "holdout"


__all__ = [
    "REGISTRY",
    "Encoder",
    "FitOutcome",
    "check_encoder_params",
    "encoder_class",
    "encoder_mode",
    "fit_transform_many",
    "make_encoder",
    "restricts_rows",
]
