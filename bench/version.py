"""The package's version and its distribution name on the package index."""

from __future__ import annotations

from importlib import metadata

#: The distribution name on the package index (the import name and the command are ``bench``).
DISTRIBUTION = "embedbench-xgb"
#: Names this distribution had before (runs made by them record their version under that name).
FORMER_DISTRIBUTIONS = ("embedbench",)

try:
    __version__ = metadata.version(DISTRIBUTION)
except metadata.PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"


def recorded_version(versions: dict[str, str | None]) -> str:
    """The EmbedBench version a run's manifest records ("" if none), whatever name it used."""
    for name in (DISTRIBUTION, *FORMER_DISTRIBUTIONS):
        if versions.get(name):
            return str(versions[name])
    return ""


def is_own_distribution(name: str) -> bool:
    """Whether ``name`` is this project's distribution, under its current or a former name."""
    return name in (DISTRIBUTION, *FORMER_DISTRIBUTIONS)
