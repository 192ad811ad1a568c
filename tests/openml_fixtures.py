"""Fixtures for the OpenML tests: a temporary copy of the OpenML test server's cache files in
``tests/data/openml`` (openml-python writes into its cache), and sockets that refuse to connect.

A test module uses them with ``pytest_plugins = ("tests.openml_fixtures",)`` and never imports
this module (so pytest can rewrite its asserts); the constants are in ``tests.openml_data``.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path

import pytest

from bench.data import OpenMLOptions
from tests.openml_data import TEST_SERVER, fill_cache


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache directory holding a copy of the OpenML test-server cache; env points at it."""
    monkeypatch.setenv("BENCH_OPENML_SERVER", TEST_SERVER)
    monkeypatch.setenv("BENCH_CACHE_DIR", str(tmp_path / "cache"))
    return fill_cache(tmp_path / "cache")


@pytest.fixture
def flag_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The same copy, for a command line's ``--cache-dir`` only: ``$BENCH_CACHE_DIR`` is unset."""
    monkeypatch.setenv("BENCH_OPENML_SERVER", TEST_SERVER)
    monkeypatch.delenv("BENCH_CACHE_DIR", raising=False)
    return fill_cache(tmp_path / "cache")


@pytest.fixture
def offline(cache: Path) -> OpenMLOptions:
    return OpenMLOptions.from_env(offline=True)


def _refuse(*args: object, **kwargs: object) -> None:
    raise AssertionError(f"network access attempted: {args}")


_LOCAL_CONNECT = socket.socket.connect
_LOCAL_CONNECT_EX = socket.socket.connect_ex


def _refuse_network(sock: socket.socket, address: object) -> None:
    """Unix-domain sockets are local IPC (the fork server's pipe), not network access."""
    if sock.family == socket.AF_UNIX:
        return _LOCAL_CONNECT(sock, address)
    return _refuse(sock, address)


def _refuse_network_ex(sock: socket.socket, address: object) -> int:
    if sock.family == socket.AF_UNIX:
        return _LOCAL_CONNECT_EX(sock, address)
    return _refuse(sock, address)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a socket fails the test."""
    monkeypatch.setattr(socket.socket, "connect", _refuse_network)
    monkeypatch.setattr(socket.socket, "connect_ex", _refuse_network_ex)
    monkeypatch.setattr(socket, "create_connection", _refuse)


@pytest.fixture
def no_network_later(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Call the returned function to forbid sockets from then on."""

    def arm() -> None:
        monkeypatch.setattr(socket.socket, "connect", _refuse_network)
        monkeypatch.setattr(socket, "create_connection", _refuse)

    return arm
