"""bench.oom: what counts as a CUDA out-of-memory error, and the retry's smaller batch."""

from __future__ import annotations

import torch
import xgboost as xgb

from bench.oom import free_device_memory, is_cuda_oom, reason, smaller_batch


def test_torch_cuda_oom_is_recognised() -> None:
    assert is_cuda_oom(torch.cuda.OutOfMemoryError("CUDA out of memory"))


def test_xgboost_device_memory_error_is_recognised() -> None:
    exc = xgb.core.XGBoostError("[12:00:00] cudaErrorMemoryAllocation: out of memory")
    assert is_cuda_oom(exc)


def test_other_xgboost_errors_are_not_oom() -> None:
    assert not is_cuda_oom(xgb.core.XGBoostError("label must be in [0, num_class)"))


def test_host_memory_errors_are_not_cuda_oom() -> None:
    assert not is_cuda_oom(MemoryError("out of memory"))


def test_smaller_batch_halves_the_configured_batch() -> None:
    assert smaller_batch({"batch_size": 128, "latent": 4}, 256) == {"batch_size": 64, "latent": 4}


def test_smaller_batch_starts_from_the_default() -> None:
    assert smaller_batch({}, 256) == {"batch_size": 128}


def test_no_batch_means_no_smaller_batch() -> None:
    assert smaller_batch({"latent": 4}, None) is None


def test_a_batch_of_one_cannot_shrink() -> None:
    assert smaller_batch({"batch_size": 1}, 256) is None


def test_reason_is_prefixed() -> None:
    assert reason("retried on cpu") == "cuda-oom: retried on cpu"


def test_freeing_cpu_memory_is_a_no_op() -> None:
    assert free_device_memory("cpu") is None
