"""CUDA out-of-memory: recognise it, free device memory, and say how a unit was retried.

A unit that runs out of device memory is retried, not failed: first on the same device with a
smaller encoder batch (``batch_size`` halved, each fit on its own), then on the CPU. Its rows
record where they finally ran (``device``) and why (``fallback_reason``, e.g.
``cuda-oom: retried on cpu``); the rest of the suite stays on the GPU.
"""

from __future__ import annotations

import gc
import sys
from typing import Any

#: The prefix of every ``fallback_reason`` this module writes.
OOM_REASON = "cuda-oom"
#: Substrings of XGBoost's (and CUDA's) messages when device memory runs out.
_OOM_MESSAGES = ("out of memory", "cudaErrorMemoryAllocation", "std::bad_alloc")


def is_cuda_oom(exc: BaseException) -> bool:
    """True for torch's ``OutOfMemoryError``, CuPy's, and XGBoost errors about device memory."""
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(exc, torch.cuda.OutOfMemoryError):
        return True
    name = type(exc).__name__
    if name == "OutOfMemoryError" and type(exc).__module__.startswith("cupy"):
        return True
    return name == "XGBoostError" and any(m in str(exc) for m in _OOM_MESSAGES)


def free_device_memory(device: str) -> None:
    """Hand cached device memory back (torch's caching allocator, CuPy's pool) after a unit."""
    if device != "cuda":
        return
    gc.collect()
    torch = sys.modules.get("torch")
    if torch is not None and torch.cuda.is_available():
        torch.cuda.empty_cache()
    cupy = sys.modules.get("cupy")
    if cupy is not None:
        cupy.get_default_memory_pool().free_all_blocks()


def reset_peak(device: str) -> None:
    """Start a new peak of torch's device memory (for :func:`peak_mib`)."""
    torch = sys.modules.get("torch")
    if device == "cuda" and torch is not None and torch.cuda.is_available():
        torch.cuda.reset_peak_memory_stats()


def peak_mib(device: str) -> float | None:
    """The peak device memory torch allocated since :func:`reset_peak`, in MiB; None on the CPU."""
    torch = sys.modules.get("torch")
    if device != "cuda" or torch is None or not torch.cuda.is_available():
        return None
    return round(torch.cuda.max_memory_allocated() / 2**20, 1)


def smaller_batch(params: dict[str, Any], default: int | None) -> dict[str, Any] | None:
    """``params`` with ``batch_size`` halved (from ``default`` when unset), or ``None`` when the
    encoder has no batch (``default`` None) or the batch cannot shrink further."""
    size = params.get("batch_size", default)
    if not isinstance(size, int) or size < 2:
        return None
    return {**params, "batch_size": size // 2}


def reason(what: str) -> str:
    """A ``fallback_reason``: ``cuda-oom: <what>``."""
    return f"{OOM_REASON}: {what}"
