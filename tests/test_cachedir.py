"""The cache root and the private directories read back from it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench.cachedir import private_dir, resolve_cache_dir


def test_an_explicit_cache_dir_beats_the_environment(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BENCH_CACHE_DIR", str(tmp_path / "env"))
    assert resolve_cache_dir(tmp_path / "flag") == (tmp_path / "flag").resolve()


def test_the_environment_names_the_cache_dir(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BENCH_CACHE_DIR", str(tmp_path / "env"))
    assert resolve_cache_dir() == (tmp_path / "env").resolve()


def test_without_either_the_user_cache_dir_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BENCH_CACHE_DIR", raising=False)
    assert resolve_cache_dir().name == "embedbench"


def test_a_private_dir_is_created_for_the_user_only(tmp_path: Path) -> None:
    made = private_dir(tmp_path / "a" / "b")
    assert made is not None
    assert made.stat().st_mode & 0o777 == 0o700


def test_a_dir_others_can_write_into_is_refused(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o777)
    assert private_dir(shared) is None


def test_a_dir_that_cannot_be_created_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    assert private_dir(tmp_path / "file" / "sub") is None
