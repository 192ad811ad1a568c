"""Decide once where the work runs: CUDA when asked and available, else the CPU."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bench.errors import DeviceError

DeviceRequest = Literal["auto", "cpu", "cuda"]


@dataclass(frozen=True)
class DeviceInfo:
    """The resolved device and why: ``kind`` is what torch and XGBoost are told to use."""

    kind: Literal["cpu", "cuda"]
    name: str
    reason: str

    @property
    def torch_device(self) -> str:
        return "cuda" if self.kind == "cuda" else "cpu"

    @property
    def fallback_reason(self) -> str:
        """Why ``auto`` ended on the CPU, or how a unit was retried after running out of CUDA
        memory (``cuda-oom: ...``); empty when the device is what was asked for."""
        if self.reason.startswith("cuda-oom:"):
            return self.reason
        return self.reason if self.reason.startswith("auto:") and self.kind == "cpu" else ""

    def retried(self, kind: Literal["cpu", "cuda"], reason: str) -> DeviceInfo:
        """The device a retried unit ran on, with ``reason`` as its fallback reason."""
        return DeviceInfo(kind, self.name if kind == self.kind else cpu_name(), reason)


def resolve_device(request: str = "auto") -> DeviceInfo:
    """``auto`` picks CUDA when torch sees a GPU; ``cuda`` without one is an error."""
    if request not in ("auto", "cpu", "cuda"):
        raise DeviceError(f"device must be auto, cpu or cuda, got {request!r}")
    if request == "cpu":
        return DeviceInfo("cpu", cpu_name(), "requested")
    available, why = _cuda_status()
    if available:
        import torch

        return DeviceInfo("cuda", torch.cuda.get_device_name(0), f"{request}: CUDA available")
    if request == "cuda":
        raise DeviceError(f"--device cuda was requested but {why}; use --device cpu or auto")
    return DeviceInfo("cpu", cpu_name(), f"auto: {why}")


def _cuda_status() -> tuple[bool, str]:
    import torch

    if not torch.cuda.is_available():
        built = torch.version.cuda
        return False, "torch sees no CUDA device" + ("" if built else " (CPU-only torch build)")
    return True, "ok"


def projection_backend(device: str) -> str:
    """What fits ``pca`` and applies ``rp`` on ``device``: scikit-learn on the CPU, torch on
    CUDA (cuML is not used: its wheels cannot travel to the GPU test machine, and torch's SVD
    with scikit-learn's sign convention already agrees with the CPU to 1e-8)."""
    return "torch" if str(device).startswith("cuda") else "sklearn"


def cpu_name() -> str:
    """The CPU model from /proc/cpuinfo where available, else the platform string."""
    import platform

    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()
