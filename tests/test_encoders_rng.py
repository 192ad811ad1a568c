"""bench.encoders.rng: counter-based random numbers, checked against a plain-Python lowbias32
(https://nullprogram.com/blog/2018/07/31/) and for per-model independence."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy import stats

from bench.encoders.rng import GAUSS_A, GAUSS_B, SWAP_MASK, SWAP_ROW, StepNoise, mix32


def lowbias32(x: int) -> int:
    """Chris Wellons' reference, transcribed from the C of the blog post."""
    x ^= x >> 16
    x = (x * 0x21F0AAAD) & 0xFFFFFFFF
    x ^= x >> 15
    x = (x * 0x735A2D97) & 0xFFFFFFFF
    x ^= x >> 15
    return x


VALUES = [0, 1, 2, 12345, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF]


def _noise(seeds: list[int], steps: list[int]) -> StepNoise:
    return StepNoise(torch.tensor(seeds, dtype=torch.int64), torch.tensor(steps, dtype=torch.int64))


def test_mix32_is_lowbias32() -> None:
    assert mix32(torch.tensor(VALUES, dtype=torch.int64)).tolist() == [lowbias32(v) for v in VALUES]


def test_mix32_of_zero_is_zero() -> None:
    """A property of the published mixer (xor-shifts and products keep 0)."""
    assert int(mix32(torch.tensor([0]))) == 0


def test_mix32_is_a_bijection_on_a_sample() -> None:
    x = torch.arange(1 << 16, dtype=torch.int64) * 65_537
    assert len(torch.unique(mix32(x))) == 1 << 16


def test_mix32_stays_below_2_to_the_32() -> None:
    assert int(mix32(torch.tensor([0xFFFFFFFF, 0xDEADBEEF])).max()) < 2**32


def test_bits_have_the_model_axis_first() -> None:
    assert _noise([1, 2, 3], [0, 0, 0]).bits(SWAP_MASK, (4, 5)).shape == (3, 4, 5)


def test_a_model_draws_the_same_numbers_whatever_the_batch() -> None:
    alone = _noise([7], [3]).uniform(SWAP_ROW, (8,))[0]
    batched = _noise([1, 7, 9], [0, 3, 5]).uniform(SWAP_ROW, (8,))[1]
    assert torch.equal(alone, batched)


def test_the_step_changes_the_numbers() -> None:
    assert not torch.equal(_noise([7], [3]).bits(SWAP_ROW, (8,)), _noise([7], [4]).bits(SWAP_ROW, (8,)))


def test_the_seed_changes_the_numbers() -> None:
    assert not torch.equal(_noise([7], [3]).bits(SWAP_ROW, (8,)), _noise([8], [3]).bits(SWAP_ROW, (8,)))


def test_the_stream_changes_the_numbers() -> None:
    noise = _noise([7], [3])
    assert not torch.equal(noise.bits(SWAP_ROW, (8,)), noise.bits(SWAP_MASK, (8,)))


def test_uniform_is_float32() -> None:
    assert _noise([1], [0]).uniform(SWAP_MASK, (4,)).dtype == torch.float32


def test_uniform_is_not_negative() -> None:
    assert float(_noise([1], [0]).uniform(SWAP_MASK, (10_000,)).min()) >= 0.0


def test_uniform_is_below_one() -> None:
    assert float(_noise([1], [0]).uniform(SWAP_MASK, (10_000,)).max()) < 1.0


def test_uniform_is_uniform() -> None:
    """Kolmogorov-Smirnov against U(0, 1) (scipy's test), 20 000 draws."""
    u = _noise([5], [2]).uniform(GAUSS_A, (20_000,))[0].numpy()
    assert stats.kstest(u, "uniform").pvalue > 0.001


def test_normal_is_standard_normal() -> None:
    z = _noise([5], [2]).normal((GAUSS_A, GAUSS_B), (20_000,))[0].numpy()
    assert stats.kstest(z, "norm").pvalue > 0.001


def test_normal_is_finite() -> None:
    z = _noise([5], [2]).normal((GAUSS_A, GAUSS_B), (20_000,))
    assert bool(torch.isfinite(z).all())


@pytest.mark.parametrize("seed", [0, 2**31 - 1, 2**40 + 3])
def test_large_seeds_do_not_overflow(seed: int) -> None:
    assert int(_noise([seed], [0]).bits(SWAP_MASK, (16,)).max()) < 2**32


def test_draws_match_a_numpy_transcription() -> None:
    """bits = mix32(mix32(counter ^ key) ^ (key >> 7)), with
    key = mix32(mix32(seed ^ mix32(step)) ^ mix32(stream))."""
    def mix(x):
        return np.array([lowbias32(int(v)) for v in np.atleast_1d(x)], dtype=np.int64)

    seed, step, stream = 11, 4, SWAP_ROW
    key = mix(seed ^ mix(step))
    key = mix(key ^ mix(stream))
    counter = np.arange(6, dtype=np.int64)
    expected = mix(mix(counter ^ key) ^ (key >> 7))
    assert _noise([seed], [step]).bits(stream, (6,))[0].tolist() == expected.tolist()
