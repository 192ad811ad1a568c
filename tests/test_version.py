"""bench.version: the installed distribution's version."""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

import pytest

import bench
from bench.version import DISTRIBUTION, __version__, is_own_distribution, recorded_version

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def test_the_distribution_name_is_the_projects() -> None:
    assert tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["name"] == DISTRIBUTION


def test_the_version_is_the_installed_distributions() -> None:
    try:
        installed = metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        pytest.skip(f"{DISTRIBUTION} is not installed (a source tree): the version is 0+unknown")
    assert __version__ == installed


def test_the_package_exports_the_same_version() -> None:
    assert bench.__version__ == __version__


def test_a_manifest_under_the_former_name_still_gives_its_version() -> None:
    assert recorded_version({"embedbench": "0.1.0", "numpy": "2.0"}) == "0.1.0"


def test_the_current_name_wins_over_a_former_one() -> None:
    assert recorded_version({"embedbench": "0.1.0", DISTRIBUTION: "0.2.0"}) == "0.2.0"


def test_no_recorded_version_is_empty() -> None:
    assert recorded_version({"numpy": "2.0"}) == ""


@pytest.mark.parametrize("name, own", [(DISTRIBUTION, True), ("embedbench", True),
                                       ("numpy", False)])
def test_own_distribution_names(name: str, own: bool) -> None:
    assert is_own_distribution(name) is own
