"""bench.version: the installed distribution's version."""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

import pytest

import bench
from bench.version import DISTRIBUTION, __version__

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
