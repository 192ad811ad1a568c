"""The test suite's own rule: tests mirror the package, one test module per module.

``bench/data/cache.py`` is tested in ``tests/test_data_cache.py``; a private module's leading
underscore drops out (``bench/cli/_common.py`` → ``tests/test_cli_common.py``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MODULES = sorted(p for p in ROOT.joinpath("bench").rglob("*.py") if p.name != "__init__.py")


def mirror_name(module: str) -> str:
    """The test module's file name for a module path relative to ``bench/``."""
    stem = re.sub(r"_+", "_", module.removesuffix(".py").replace("/", "_")).strip("_")
    return f"test_{stem}.py"


def test_a_nested_module_maps_to_one_flat_name() -> None:
    assert mirror_name("data/cache.py") == "test_data_cache.py"


def test_a_private_module_drops_its_underscore() -> None:
    assert mirror_name("cli/_common.py") == "test_cli_common.py"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_module_has_its_test_module(path: Path) -> None:
    name = mirror_name(path.relative_to(ROOT / "bench").as_posix())
    assert ROOT.joinpath("tests", name).is_file()
