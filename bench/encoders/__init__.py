"""Encoders by name: ``make_encoder("ae", {"latent": 16})``; the registry is the one list.

Each entry names the encoder's parameter dataclass (torch-free: :mod:`bench.encoders.params`)
and where its implementation lives, imported only when an encoder is built. Validating a suite,
planning a run (which encoders restrict rows, which mode their rows carry) and listing choices
for the command line therefore never import torch. Adding an encoder is one module plus one
:func:`register` call (see ``tests/test_encoders_registry.py`` for a toy one).

A suite may also define variants of a registered encoder under a name of its own, with ``type``
naming the registered one, to compare settings in one run (e.g. the leak audit's naive ``mlp``)::

    [encoders.mlp_naive]
    type = "mlp"
    mode = "naive"

Result rows carry the suite's name (``mlp_naive``) in the ``encoder`` column.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bench.encoders.params import (
    HARNESS_PARAMS,
    AEParams,
    DAEParams,
    EncoderParams,
    MLPParams,
    PCAParams,
    RPParams,
    VAEParams,
)
from bench.errors import ConfigError, EncoderError

if TYPE_CHECKING:
    from bench.encoders.base import Encoder


@dataclass(frozen=True)
class Entry:
    """A registered encoder: its parameters (torch-free) and its implementation's location."""

    params: type[EncoderParams]
    implementation: str  # "module:Class"

    @property
    def name(self) -> str:
        return self.params.name

    def load(self) -> type[Encoder]:
        module, _, cls = self.implementation.partition(":")
        return getattr(importlib.import_module(module), cls)


REGISTRY: dict[str, Entry] = {}


def register(params: type[EncoderParams], implementation: str) -> None:
    """Make an encoder available under ``params.name`` (suites, ``bench run``, ``bench explain``)."""
    REGISTRY[params.name] = Entry(params, implementation)


register(AEParams, "bench.encoders.autoencoder:AutoencoderEncoder")
register(DAEParams, "bench.encoders.autoencoder:DenoisingAutoencoderEncoder")
register(VAEParams, "bench.encoders.vae:VAEEncoder")
register(MLPParams, "bench.encoders.mlp:MLPEncoder")
register(PCAParams, "bench.encoders.pca:PCAEncoder")
register(RPParams, "bench.encoders.rp:RandomProjectionEncoder")

#: The suite key that makes ``[encoders.NAME]`` a variant of a registered encoder.
TYPE_KEY = "type"


def encoder_names() -> list[str]:
    """The registered encoder names (command-line choices)."""
    return sorted(REGISTRY)


def registry_entry(name: str, params: dict[str, Any] | None = None) -> Entry:
    """The entry behind suite encoder ``name`` (a registered name or a ``type``-d variant)."""
    kind = (params or {}).get(TYPE_KEY)
    if kind is None:
        if name not in REGISTRY:
            raise ConfigError(
                f"unknown encoder {name!r}; known encoders: {', '.join(encoder_names())} "
                f"(or define [encoders.{name}] with type = one of them)"
            )
        return REGISTRY[name]
    if not isinstance(kind, str) or kind not in REGISTRY:
        raise ConfigError(f"encoders.{name}: type must be one of {', '.join(encoder_names())}, "
                          f"got {kind!r}")
    if name in REGISTRY and name != kind:
        raise ConfigError(f"encoders.{name}: a registered encoder cannot change its type to {kind!r}")
    return REGISTRY[kind]


def encoder_class(name: str, params: dict[str, Any] | None = None) -> type[Encoder]:
    """The implementation class behind suite encoder ``name`` (imports it)."""
    return registry_entry(name, params).load()


def encoder_params(name: str, params: dict[str, Any] | None = None) -> EncoderParams:
    """The parameters of suite encoder ``name``, unvalidated (torch-free)."""
    described = registry_entry(name, params).params()
    described.set_params(**_suite_params(params))
    return described


def make_encoder(name: str, params: dict[str, Any] | None = None, **harness: Any) -> Encoder:
    """Build encoder ``name`` with suite ``params`` and harness-set ``random_state``/``device``."""
    encoder = encoder_class(name, params)()
    encoder.set_params(**_suite_params(params))
    return encoder.set_params(**harness)


def check_encoder_params(name: str, params: dict[str, Any]) -> None:
    """Validate suite-file parameters now, so a typo fails before any work starts."""
    reserved = HARNESS_PARAMS & set(params)
    if reserved:
        raise ConfigError(f"encoders.{name}: {sorted(reserved)} are set by the harness")
    try:
        encoder_params(name, params).validate_params()
    except EncoderError as exc:
        raise ConfigError(f"encoders.{name}: {exc.message}") from None
    except TypeError as exc:  # e.g. a list where a number was expected
        raise ConfigError(f"encoders.{name}: {exc}") from None


def encoder_mode(name: str, params: dict[str, Any] | None = None) -> str:
    """The ``encoder_mode`` its rows will carry (the default mode when the suite sets none)."""
    return str(encoder_params(name, params).mode)


def restricts_rows(name: str, params: dict[str, Any] | None = None) -> bool:
    """Whether XGBoost trains on only part of the training fold with this encoder (``mlp`` in
    ``holdout`` mode), so that a ``raw`` model on the same rows is needed for a fair comparison."""
    return encoder_params(name, params).restricts_rows()


def _suite_params(params: dict[str, Any] | None) -> dict[str, Any]:
    return {k: v for k, v in (params or {}).items() if k != TYPE_KEY}


def __getattr__(name: str) -> Any:
    """The torch side, loaded on first use: ``fit_transform_many``, ``FitOutcome``."""
    if name in ("fit_transform_many", "FitOutcome"):
        return getattr(importlib.import_module("bench.encoders.many"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "REGISTRY",
    "TYPE_KEY",
    "Entry",
    "check_encoder_params",
    "encoder_class",
    "encoder_mode",
    "encoder_names",
    "encoder_params",
    "make_encoder",
    "register",
    "registry_entry",
    "restricts_rows",
]
