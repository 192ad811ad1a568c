"""bench.device: cuda vs cpu decided once (on this CPU-only machine and, where present, a GPU)."""

from __future__ import annotations

import pytest
import torch

from bench.device import DeviceInfo, cpu_name, projection_backend, resolve_device
from bench.errors import DeviceError

HAS_CUDA = torch.cuda.is_available()


def test_cpu_when_asked() -> None:
    assert resolve_device("cpu").kind == "cpu"


def test_cpu_when_asked_says_so() -> None:
    assert resolve_device("cpu").reason == "requested"


def test_asked_cpu_is_no_fallback() -> None:
    assert resolve_device("cpu").fallback_reason == ""


def test_an_unknown_device_is_an_error() -> None:
    with pytest.raises(DeviceError, match="device must be auto, cpu or cuda, got 'tpu'"):
        resolve_device("tpu")


@pytest.mark.skipif(HAS_CUDA, reason="needs a machine without CUDA")
def test_auto_without_cuda_falls_back_to_cpu() -> None:
    assert resolve_device("auto").kind == "cpu"


@pytest.mark.skipif(HAS_CUDA, reason="needs a machine without CUDA")
def test_auto_without_cuda_records_why() -> None:
    assert resolve_device("auto").fallback_reason.startswith("auto: torch sees no CUDA device")


@pytest.mark.skipif(HAS_CUDA, reason="needs a machine without CUDA")
def test_cuda_without_cuda_is_an_error() -> None:
    with pytest.raises(DeviceError, match="--device cuda was requested but"):
        resolve_device("cuda")


@pytest.mark.skipif(not HAS_CUDA, reason="needs CUDA")
def test_auto_with_cuda_picks_cuda() -> None:
    assert resolve_device("auto").kind == "cuda"


def test_torch_device_of_cuda() -> None:
    assert DeviceInfo("cuda", "gpu", "cuda: CUDA available").torch_device == "cuda"


def test_torch_device_of_cpu() -> None:
    assert DeviceInfo("cpu", "cpu", "requested").torch_device == "cpu"


def test_a_cuda_device_has_no_fallback_reason() -> None:
    assert DeviceInfo("cuda", "gpu", "auto: CUDA available").fallback_reason == ""


def test_cpu_name_is_not_empty() -> None:
    assert cpu_name()


def test_cpu_name_is_the_name_given_to_the_cpu_device() -> None:
    assert resolve_device("cpu").name == cpu_name()


def test_a_unit_retried_on_the_cpu_after_oom_has_that_fallback_reason() -> None:
    cuda = DeviceInfo("cuda", "a GPU", "cuda: CUDA available")
    assert cuda.retried("cpu", "cuda-oom: retried on cpu").fallback_reason == "cuda-oom: retried on cpu"


def test_a_unit_retried_on_the_gpu_after_oom_keeps_its_reason() -> None:
    cuda = DeviceInfo("cuda", "a GPU", "cuda: CUDA available")
    retried = cuda.retried("cuda", "cuda-oom: retried with batch_size 64")
    assert (retried.kind, retried.fallback_reason) == ("cuda", "cuda-oom: retried with batch_size 64")


def test_a_unit_retried_on_the_cpu_is_named_after_the_cpu() -> None:
    cuda = DeviceInfo("cuda", "a GPU", "cuda: CUDA available")
    assert cuda.retried("cpu", "cuda-oom: x").name == cpu_name()


@pytest.mark.parametrize(("device", "backend"), [("cpu", "sklearn"), ("cuda", "torch"),
                                                 ("cuda:0", "torch")])
def test_projection_backend_by_device(device: str, backend: str) -> None:
    assert projection_backend(device) == backend
