"""bench.arrays: NumPy on the CPU, CuPy on CUDA, and the matrix XGBoost reads."""

from __future__ import annotations

import importlib.util

import numpy as np
import pandas as pd
import pytest
import torch

from bench.arrays import (
    TreeMatrix,
    device_of,
    from_torch,
    namespace,
    to_device,
    to_host,
    tree_matrix,
)
from bench.errors import DeviceError

HAS_CUPY = importlib.util.find_spec("cupy") is not None
FRAME = pd.DataFrame({"a": [1.5, np.nan, 3.0],
                      "c": pd.Categorical(["y", None, "x"], categories=["x", "y"])})


def _cuda() -> object:
    cp = pytest.importorskip("cupy")
    if not cp.cuda.is_available():
        pytest.skip("needs CUDA")
    return cp


def test_cpu_namespace_is_numpy() -> None:
    assert namespace("cpu") is np


def test_unknown_device_is_refused() -> None:
    with pytest.raises(DeviceError, match="device must be one of"):
        namespace("tpu")


@pytest.mark.skipif(HAS_CUPY, reason="cupy is installed")
def test_cuda_without_cupy_says_what_to_install() -> None:
    with pytest.raises(DeviceError, match="device 'cuda' needs cupy"):
        namespace("cuda")


def test_numpy_array_is_on_the_cpu() -> None:
    assert device_of(np.zeros(2)) == "cpu"


def test_other_arrays_are_refused() -> None:
    with pytest.raises(TypeError, match="numpy or cupy array"):
        device_of([1, 2])


def test_to_host_returns_a_numpy_array_as_it_is() -> None:
    a = np.zeros(3)
    assert to_host(a) is a


def test_to_device_cpu_keeps_numpy() -> None:
    a = np.ones(2)
    assert to_device(a, "cpu") is a


def test_from_torch_on_the_cpu_is_numpy() -> None:
    np.testing.assert_array_equal(from_torch(torch.arange(3.0), "cpu"), [0.0, 1.0, 2.0])


def test_tree_matrix_codes_categoricals_and_keeps_missing_values() -> None:
    expected = np.array([[1.5, 1.0], [np.nan, np.nan], [3.0, 0.0]], dtype=np.float32)
    np.testing.assert_array_equal(tree_matrix(FRAME, "cpu").values, expected)


def test_tree_matrix_types() -> None:
    assert tree_matrix(FRAME, "cpu").types == ("q", "c")


def test_tree_matrix_is_float32() -> None:
    assert tree_matrix(FRAME, "cpu").values.dtype == np.float32


def test_take_selects_rows_by_position() -> None:
    np.testing.assert_array_equal(tree_matrix(FRAME, "cpu").take(np.array([2, 0])).values[:, 0],
                                  [3.0, 1.5])


def test_a_matrix_needs_one_name_per_column() -> None:
    with pytest.raises(ValueError, match="one column per name"):
        TreeMatrix(np.zeros((2, 3)), ("a",), ("q",))


def test_a_matrix_needs_one_type_per_column() -> None:
    with pytest.raises(ValueError, match="one entry per name"):
        TreeMatrix(np.zeros((2, 1)), ("a",), ("q", "q"))


@pytest.mark.gpu
def test_cuda_tree_matrix_is_a_cupy_array() -> None:
    cp = _cuda()
    assert isinstance(tree_matrix(FRAME, "cuda").values, cp.ndarray)


@pytest.mark.gpu
def test_cuda_take_stays_on_the_device() -> None:
    cp = _cuda()
    assert isinstance(tree_matrix(FRAME, "cuda").take(np.array([0])).values, cp.ndarray)


@pytest.mark.gpu
def test_from_torch_on_cuda_shares_device_memory() -> None:
    _cuda()
    tensor = torch.arange(4.0, device="cuda")
    assert from_torch(tensor, "cuda").data.ptr == tensor.data_ptr()
