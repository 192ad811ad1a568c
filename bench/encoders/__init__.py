"""Encoders by name: ``make_encoder("ae", {"latent": 16})``."""

from __future__ import annotations

from typing import Any

from bench.encoders.autoencoder import AutoencoderEncoder
from bench.encoders.base import HARNESS_PARAMS, Encoder
from bench.encoders.mlp import MLPEncoder
from bench.encoders.pca import PCAEncoder
from bench.errors import ConfigError, EncoderError

REGISTRY: dict[str, type[Encoder]] = {
    cls.name: cls for cls in (AutoencoderEncoder, MLPEncoder, PCAEncoder)
}


def encoder_class(name: str) -> type[Encoder]:
    try:
        return REGISTRY[name]
    except KeyError:
        raise ConfigError(
            f"unknown encoder {name!r}; known encoders: {', '.join(sorted(REGISTRY))}"
        ) from None


def make_encoder(name: str, params: dict[str, Any] | None = None, **harness: Any) -> Encoder:
    """Build encoder ``name`` with suite ``params`` and harness-set ``random_state``/``device``."""
    encoder = encoder_class(name)()
    encoder.set_params(**(params or {}))
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


__all__ = ["REGISTRY", "Encoder", "check_encoder_params", "encoder_class", "make_encoder"]
