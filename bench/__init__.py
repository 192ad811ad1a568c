"""EmbedBench: does a neural encoder's embedding make XGBoost better?

The Python API (:mod:`bench.api`): ``bench.run``, ``bench.load``, ``bench.analyze``,
``bench.report``; they load on first use, so ``import bench`` stays light.
"""

from __future__ import annotations

import sys
import types
from typing import Any

from bench.version import DISTRIBUTION, __version__

_API = ("run", "load", "analyze", "report")


class _Package(types.ModuleType):
    """``bench.report`` is both the API function and the name of the report subpackage.

    Importing a submodule sets it as an attribute of its package; here the attribute stays the
    API function (the subpackage is still ``sys.modules["bench.report"]``, which every
    ``from bench.report import ...`` and ``import bench.report.writer`` use).
    """

    @property
    def report(self) -> Any:
        from bench import api

        return api.report

    @report.setter
    def report(self, value: Any) -> None:  # the import system binding the subpackage
        pass


sys.modules[__name__].__class__ = _Package


def __getattr__(name: str) -> Any:
    if name in _API:
        from bench import api

        return getattr(api, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["DISTRIBUTION", "__version__", *_API]
