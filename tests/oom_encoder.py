"""``oom_ae``: the real autoencoder, except that it runs out of CUDA memory on demand.

Its fit raises ``torch.cuda.OutOfMemoryError`` (constructible on the CPU, the very type torch
raises on a GPU) when its device is not the CPU, or when its ``batch_size`` is at least
``fails_from`` (0: any batch). Everything else is :class:`AutoencoderEncoder`; the runner's
retries (bench.oom) are tested through it.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pandas as pd
import torch

from bench.encoders.autoencoder import AutoencoderEncoder
from bench.encoders.many import FitPlan
from bench.encoders.params import AEParams, params_dataclass


@params_dataclass
class OOMParams(AEParams):
    name: ClassVar[str] = "oom_ae"

    fails_from: int = 0


class OutOfMemoryAE(OOMParams, AutoencoderEncoder):
    def plan_fit(self, X: pd.DataFrame, y: np.ndarray | None, task: str | None, *,
                 transform: bool) -> FitPlan:
        if self.device != "cpu" or (self.fails_from and self.batch_size >= self.fails_from):
            raise torch.cuda.OutOfMemoryError(
                f"CUDA out of memory. Tried to allocate 2.00 GiB (batch_size {self.batch_size})")
        return super().plan_fit(X, y, task, transform=transform)
