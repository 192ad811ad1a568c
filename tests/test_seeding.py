"""bench.seeding: seeds derived from names, stable across processes."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

from bench.seeding import derive_seed


def test_same_parts_give_the_same_seed() -> None:
    assert derive_seed(0, "iris", 0, 1, 2, "xgb") == derive_seed(0, "iris", 0, 1, 2, "xgb")


def test_the_purpose_changes_the_seed() -> None:
    assert derive_seed(0, "iris", 0, 1, 2, "xgb") != derive_seed(0, "iris", 0, 1, 2, "val")


def test_the_order_of_parts_matters() -> None:
    assert derive_seed("a", "b") != derive_seed("b", "a")


def test_an_int_and_its_string_differ() -> None:
    assert derive_seed(1) != derive_seed("1")


def test_seed_fits_in_31_bits() -> None:
    assert all(0 <= derive_seed(i) < 2**31 for i in range(200))


def test_seed_is_sha256_of_the_repr() -> None:
    """The published definition: the low 31 bits of the first 4 little-endian bytes."""
    digest = hashlib.sha256(repr((0, "iris")).encode("utf-8")).digest()
    assert derive_seed(0, "iris") == int.from_bytes(digest[:4], "little") & 0x7FFFFFFF


def test_seed_is_stable_across_processes() -> None:
    """Python's ``hash`` is salted per process; the seed must not be."""
    code = "from bench.seeding import derive_seed; print(derive_seed(0, 'iris', 'xgb'))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONHASHSEED": "123", **_path_env()})
    assert int(out.stdout) == derive_seed(0, "iris", "xgb")


def _path_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k in ("PATH", "PYTHONPATH", "HOME")}
