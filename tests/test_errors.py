"""bench.errors: user-facing errors, one line each, with their culprit."""

from __future__ import annotations

import pytest

from bench.errors import BenchError, ConfigError, DataError, DeviceError, EncoderError


def test_message_alone_without_where() -> None:
    assert str(BenchError("folds must be >= 2")) == "folds must be >= 2"


def test_where_prefixes_the_message() -> None:
    assert str(ConfigError("run.folds: bad", where="x.toml")) == "x.toml: run.folds: bad"


def test_message_is_kept_without_the_prefix() -> None:
    assert ConfigError("bad", where="x.toml").message == "bad"


def test_where_is_kept() -> None:
    assert ConfigError("bad", where="x.toml").where == "x.toml"


@pytest.mark.parametrize("cls", [ConfigError, DataError, DeviceError, EncoderError])
def test_every_user_error_is_a_bench_error(cls: type[BenchError]) -> None:
    assert issubclass(cls, BenchError)


@pytest.mark.parametrize("cls", [ConfigError, DataError, EncoderError])
def test_bad_values_are_value_errors(cls: type[BenchError]) -> None:
    """Callers that catch ``ValueError`` (as scikit-learn's do) see them."""
    assert issubclass(cls, ValueError)


def test_a_missing_device_is_a_runtime_error() -> None:
    assert issubclass(DeviceError, RuntimeError)
