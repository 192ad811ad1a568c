"""Thread counts: decided by the data's shape (or --threads), applied to torch and BLAS."""

from __future__ import annotations

import pytest
import torch
from threadpoolctl import threadpool_info

from bench.threads import (
    FIT_THREAD_CELLS,
    LARGE_FIT_THREADS,
    fit_threads,
    limited_threads,
    usable_cores,
)


def test_small_tables_fit_on_one_thread() -> None:
    assert fit_threads(n_rows=FIT_THREAD_CELLS // 10 - 1, n_features=10) == 1


def test_large_tables_fit_on_the_large_count() -> None:
    assert fit_threads(n_rows=FIT_THREAD_CELLS // 10, n_features=10) == LARGE_FIT_THREADS


def test_override_replaces_the_rule() -> None:
    assert fit_threads(n_rows=10, n_features=2, override=3) == 3


def test_negative_override_is_an_error() -> None:
    with pytest.raises(ValueError, match="override must be >= 0, however: got -1"):
        fit_threads(n_rows=10, n_features=2, override=-1)


def test_usable_cores_is_positive() -> None:
    assert usable_cores() >= 1


def test_limited_threads_sets_torch_threads_for_the_duration() -> None:
    with limited_threads(1):
        assert torch.get_num_threads() == 1


def test_limited_threads_restores_torch_threads() -> None:
    before = torch.get_num_threads()
    with limited_threads(2):
        pass
    assert torch.get_num_threads() == before


def test_limited_threads_limits_blas_pools() -> None:
    with limited_threads(1):
        counts = {pool["num_threads"] for pool in threadpool_info()}
    assert counts <= {1}

