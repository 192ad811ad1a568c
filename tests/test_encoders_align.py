"""bench.encoders.align: orthogonal Procrustes with translation, checked against scipy's solution
and against a known rotation."""

from __future__ import annotations

import numpy as np
import pytest

from bench.encoders.align import fit_alignment


def _rotation(theta: float) -> np.ndarray:
    return np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])


@pytest.fixture
def source() -> np.ndarray:
    return np.random.default_rng(0).normal(size=(30, 2))


def test_a_rotated_and_shifted_copy_is_mapped_back_exactly(source: np.ndarray) -> None:
    target = source @ _rotation(0.7) + np.array([3.0, -1.0])
    np.testing.assert_allclose(fit_alignment(source, target).apply(source), target, atol=1e-5)


def test_the_recovered_rotation_is_the_true_one(source: np.ndarray) -> None:
    target = source @ _rotation(0.7)
    np.testing.assert_allclose(fit_alignment(source, target).rotation, _rotation(0.7), atol=1e-10)


def test_a_permutation_of_units_is_undone(source: np.ndarray) -> None:
    target = source[:, ::-1]
    np.testing.assert_allclose(fit_alignment(source, target).apply(source), target, atol=1e-5)


def test_the_map_is_orthogonal(source: np.ndarray) -> None:
    target = source + np.random.default_rng(1).normal(scale=0.3, size=source.shape)
    rotation = fit_alignment(source, target).rotation
    np.testing.assert_allclose(rotation.T @ rotation, np.eye(2), atol=1e-12)


def test_the_means_are_matched(source: np.ndarray) -> None:
    target = source @ _rotation(1.0) + 5.0
    np.testing.assert_allclose(fit_alignment(source, target).apply(source).mean(axis=0),
                               target.mean(axis=0), atol=1e-5)


def test_apply_returns_float32(source: np.ndarray) -> None:
    assert fit_alignment(source, source).apply(source).dtype == np.float32


def test_apply_maps_new_rows_with_the_fitted_map(source: np.ndarray) -> None:
    """Out-of-fold rows are mapped with the map fitted on the shared rows."""
    target = source @ _rotation(0.3) + 1.0
    new = np.random.default_rng(2).normal(size=(5, 2))
    np.testing.assert_allclose(fit_alignment(source, target).apply(new),
                               new @ _rotation(0.3) + 1.0, atol=1e-5)


def test_shapes_must_agree(source: np.ndarray) -> None:
    with pytest.raises(ValueError, match=r"same shape, however: \(30, 2\) vs \(29, 2\)"):
        fit_alignment(source, source[:29])
