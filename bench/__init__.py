"""EmbedBench: does a neural encoder's embedding make XGBoost better?"""

from __future__ import annotations

from importlib import metadata

try:
    __version__ = metadata.version("embedbench")
except metadata.PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"


def load(run_dir):  # noqa: ANN001, ANN201 - thin re-export, typed in bench.store
    """The result rows of a run directory as a pandas DataFrame (see :func:`bench.store.load`)."""
    from bench.store import load as _load

    return _load(run_dir)


__all__ = ["__version__", "load"]
