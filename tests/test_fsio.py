"""``bench.fsio``: the package's one atomic write — whole file or old file, never a leftover
temporary file; exclusive creation where exactly one of two writers wins."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.fsio import (
    TMP_SUFFIX,
    atomic_path,
    atomic_write_bytes,
    atomic_write_text,
    create_exclusive,
    fsync_dir,
)


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(TMP_SUFFIX))


def test_atomic_write_text_writes_utf8(tmp_path: Path) -> None:
    atomic_write_text(tmp_path / "a.txt", "α = 0.05")
    assert (tmp_path / "a.txt").read_bytes() == "α = 0.05".encode()


def test_atomic_write_replaces_the_old_file(tmp_path: Path) -> None:
    atomic_write_bytes(tmp_path / "a", b"old")
    atomic_write_bytes(tmp_path / "a", b"new")
    assert (tmp_path / "a").read_bytes() == b"new"


def test_atomic_write_creates_the_folder(tmp_path: Path) -> None:
    atomic_write_bytes(tmp_path / "sub" / "dir" / "a", b"x")
    assert (tmp_path / "sub" / "dir" / "a").read_bytes() == b"x"


def test_atomic_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    atomic_write_bytes(tmp_path / "a", b"x")
    assert _leftovers(tmp_path) == []


def test_a_failed_write_keeps_the_old_file(tmp_path: Path) -> None:
    atomic_write_bytes(tmp_path / "a", b"old")
    with pytest.raises(RuntimeError), atomic_path(tmp_path / "a") as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("disk full")
    assert (tmp_path / "a").read_bytes() == b"old"


def test_a_failed_write_removes_its_temporary_file(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), atomic_path(tmp_path / "a") as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("disk full")
    assert _leftovers(tmp_path) == []


def test_temporary_names_are_unique_per_write(tmp_path: Path) -> None:
    with atomic_path(tmp_path / "a") as first, atomic_path(tmp_path / "a") as second:
        assert first != second
        first.write_bytes(b"1")
        second.write_bytes(b"2")


def test_the_temporary_file_lies_beside_the_target(tmp_path: Path) -> None:
    with atomic_path(tmp_path / "a") as tmp:
        tmp.write_bytes(b"x")
        assert tmp.parent == tmp_path


def test_create_exclusive_writes_a_new_file(tmp_path: Path) -> None:
    assert create_exclusive(tmp_path / "m", b"first")


def test_create_exclusive_refuses_an_existing_file(tmp_path: Path) -> None:
    create_exclusive(tmp_path / "m", b"first")
    assert not create_exclusive(tmp_path / "m", b"second")


def test_create_exclusive_keeps_the_first_content(tmp_path: Path) -> None:
    create_exclusive(tmp_path / "m", b"first")
    create_exclusive(tmp_path / "m", b"second")
    assert (tmp_path / "m").read_bytes() == b"first"


def test_create_exclusive_leaves_no_temporary_file(tmp_path: Path) -> None:
    create_exclusive(tmp_path / "m", b"first")
    create_exclusive(tmp_path / "m", b"second")
    assert _leftovers(tmp_path) == []


def test_fsync_dir_of_a_missing_folder_is_a_no_op(tmp_path: Path) -> None:
    assert fsync_dir(tmp_path / "missing") is None
