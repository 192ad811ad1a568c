"""Per-fit measures against references: linear CKA against its kernel (HSIC) form and, in one
dimension, the squared Pearson correlation; principal angles on a planted angle; R² against
scikit-learn."""

from __future__ import annotations

import numpy as np
from scipy.stats import pearsonr
from sklearn.metrics import r2_score

from bench.explain.attribution import whitener
from bench.explain.measures import largest_angle, linear_cka, linear_r2, reconstruction_r2

RNG = np.random.default_rng(0)


def _hsic_cka(a: np.ndarray, b: np.ndarray) -> float:
    """Kornblith et al. (2019), eq. 3 with linear kernels: HSIC(K, L) / √(HSIC(K, K) HSIC(L, L))."""
    n = len(a)
    H = np.eye(n) - 1.0 / n
    K, L = H @ a @ a.T @ H, H @ b @ b.T @ H
    return float(np.sum(K * L) / np.sqrt(np.sum(K * K) * np.sum(L * L)))


def test_linear_cka_matches_the_kernel_form() -> None:
    a, b = RNG.normal(size=(40, 3)), RNG.normal(size=(40, 5))
    b[:, 0] += 2 * a[:, 1]
    np.testing.assert_allclose(linear_cka(a, b), _hsic_cka(a, b), rtol=1e-10)


def test_linear_cka_of_one_dimension_is_the_squared_correlation() -> None:
    a = RNG.normal(size=(50, 1))
    b = 0.5 * a + RNG.normal(size=(50, 1))
    np.testing.assert_allclose(linear_cka(a, b), pearsonr(a[:, 0], b[:, 0]).statistic ** 2,
                               rtol=1e-10)


def test_linear_cka_is_one_under_rotation_and_scale() -> None:
    a = RNG.normal(size=(60, 3))
    rotation = np.linalg.qr(RNG.normal(size=(3, 3)))[0]
    np.testing.assert_allclose(linear_cka(a, 3.0 * a @ rotation + 1.0), 1.0, rtol=1e-10)


def test_largest_principal_angle_of_a_planted_angle() -> None:
    x, y = RNG.normal(size=200), RNG.normal(size=200)
    y -= x * (x @ y) / (x @ x)  # exactly orthogonal to x ...
    x, y = x - x.mean(), y - y.mean()
    y -= x * (x @ y) / (x @ x)  # ... after centring too
    tilted = np.cos(np.radians(30)) * x / np.linalg.norm(x) + np.sin(np.radians(30)) * y / np.linalg.norm(y)
    np.testing.assert_allclose(largest_angle(x[:, None], tilted[:, None]), 30.0, atol=1e-8)


def test_linear_r2_of_an_exactly_linear_latent_is_one() -> None:
    x_train, x_test = RNG.normal(size=(80, 4)), RNG.normal(size=(20, 4))
    W = RNG.normal(size=(4, 2))
    per_unit, overall = linear_r2(x_train, x_train @ W, x_test, x_test @ W, whitener(x_train @ W))
    np.testing.assert_allclose([*per_unit, overall], 1.0, atol=1e-10)


def test_linear_r2_per_unit_matches_scikit_learn_on_a_nonlinear_latent() -> None:
    x_train, x_test = RNG.normal(size=(80, 2)), RNG.normal(size=(30, 2))
    z_train, z_test = np.tanh(2 * x_train), np.tanh(2 * x_test)
    per_unit, _ = linear_r2(x_train, z_train, x_test, z_test, np.eye(2))
    coef = np.linalg.lstsq(np.c_[x_train, np.ones(80)], z_train, rcond=None)[0]
    expected = r2_score(z_test, np.c_[x_test, np.ones(30)] @ coef, multioutput="raw_values")
    np.testing.assert_allclose(per_unit, expected, rtol=1e-8)


def test_reconstruction_r2_per_input_matches_scikit_learn_and_pools_blocks() -> None:
    x = RNG.normal(size=(30, 4))
    rebuilt = x + 0.3 * RNG.normal(size=(30, 4))
    out = reconstruction_r2(x, rebuilt, np.array([0, 1, 2, 2]))
    np.testing.assert_allclose(out[:2], r2_score(x[:, :2], rebuilt[:, :2], multioutput="raw_values"))
    block = 1 - ((x[:, 2:] - rebuilt[:, 2:]) ** 2).sum() / ((x[:, 2:] - x[:, 2:].mean(0)) ** 2).sum()
    np.testing.assert_allclose(out[2], block)
