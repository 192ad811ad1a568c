"""The package's version and its distribution name on the package index."""

from __future__ import annotations

from importlib import metadata

#: The distribution name on the package index (the import name and the command are ``bench``).
DISTRIBUTION = "embedbench"

try:
    __version__ = metadata.version(DISTRIBUTION)
except metadata.PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"
