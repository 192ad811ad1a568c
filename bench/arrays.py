"""Arrays by device: NumPy on the CPU, CuPy on CUDA — one code path for both.

The functions that put feature matrices together and hand them to XGBoost
(:mod:`bench.features`, :mod:`bench.models`) are written once against the namespace
:func:`namespace` returns (the NumPy functions CuPy mirrors: ``concatenate``, ``asarray``,
``isfinite``...), so the CPU tests cover the GPU path's logic. CuPy is imported on first use,
only for ``device = "cuda"``; without it that device fails with one line that says what to
install.

:class:`TreeMatrix` is what XGBoost reads: a float32 matrix in the device's namespace with
categorical columns as level codes (NaN = missing), plus the column names and XGBoost feature
types (``"q"`` numeric, ``"c"`` categorical). Categoricals therefore need no cuDF: XGBoost reads
the codes with ``feature_types`` and ``enable_categorical=True``, as it reads a pandas
``category`` column's codes.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd

from bench.errors import DeviceError

DEVICES = ("cpu", "cuda")


def namespace(device: str) -> ModuleType:
    """``numpy`` for ``"cpu"``, ``cupy`` for ``"cuda"`` (imported now, on first use)."""
    if device == "cpu":
        return np
    if device != "cuda":
        raise DeviceError(f"device must be one of {DEVICES}, however: {device!r}")
    try:
        return importlib.import_module("cupy")
    except ImportError as exc:
        raise DeviceError(f"device 'cuda' needs cupy (pip install 'embedbench[gpu]' or the "
                          f"cupy-cuda1Nx wheel of your CUDA), however: {exc}") from None


def device_of(array: Any) -> str:
    """``"cpu"`` for a NumPy array, ``"cuda"`` for a CuPy one (by the array's own type)."""
    if isinstance(array, np.ndarray):
        return "cpu"
    if type(array).__module__.split(".")[0] == "cupy":
        return "cuda"
    raise TypeError(f"array must be a numpy or cupy array, however: {type(array).__name__}")


def to_device(array: Any, device: str) -> Any:
    """``array`` in ``device``'s namespace (no copy when it is there already)."""
    if device == "cpu":
        return to_host(array)
    return namespace(device).asarray(array)


def to_host(array: Any) -> np.ndarray:
    """A NumPy array: a CuPy array is copied to the host, a NumPy one returned as it is."""
    if isinstance(array, np.ndarray):
        return array
    get = getattr(array, "get", None)
    if get is None:
        raise TypeError(f"array must be a numpy or cupy array, however: {type(array).__name__}")
    return get()


def from_torch(tensor: Any, device: str) -> Any:
    """A torch tensor as an array of ``device``'s namespace: on CUDA through DLPack (the same
    device memory, no host copy), on the CPU as NumPy."""
    if device == "cpu":
        return tensor.detach().cpu().numpy()
    return namespace(device).from_dlpack(tensor.detach().contiguous())


@dataclass(frozen=True)
class TreeMatrix:
    """Rows for XGBoost: ``values`` ``(n, d)`` float32 (NumPy or CuPy), names and types."""

    values: Any
    names: tuple[str, ...]
    types: tuple[str, ...]

    def __post_init__(self) -> None:
        if self.values.ndim != 2 or self.values.shape[1] != len(self.names):
            raise ValueError(f"values must have one column per name ({len(self.names)}), "
                             f"however: shape {self.values.shape}")
        if len(self.types) != len(self.names):
            raise ValueError(f"types must have one entry per name ({len(self.names)}), "
                             f"however: {len(self.types)}")

    @property
    def shape(self) -> tuple[int, int]:
        return (int(self.values.shape[0]), int(self.values.shape[1]))

    @property
    def device(self) -> str:
        return device_of(self.values)

    @property
    def has_categorical(self) -> bool:
        return "c" in self.types

    def take(self, rows: np.ndarray) -> TreeMatrix:
        """The rows at positions ``rows`` (a host index array), on the same device."""
        index = to_device(np.asarray(rows, dtype=np.int64), self.device)
        return TreeMatrix(self.values[index], self.names, self.types)


def tree_matrix(frame: pd.DataFrame, device: str) -> TreeMatrix:
    """A :class:`~bench.preprocess.TreeInputs` frame (float and ``category`` columns) as one
    float32 matrix on ``device``: uploaded once, reused by every feature set of a split."""
    values = np.empty(frame.shape, dtype=np.float32)
    types: list[str] = []
    for j, column in enumerate(frame.columns):
        series = frame[column]
        if isinstance(series.dtype, pd.CategoricalDtype):
            codes = series.cat.codes.to_numpy()
            values[:, j] = np.where(codes >= 0, codes, np.nan)
            types.append("c")
        else:
            values[:, j] = series.to_numpy(dtype=np.float64, na_value=np.nan)
            types.append("q")
    return TreeMatrix(to_device(values, device), tuple(map(str, frame.columns)), tuple(types))
