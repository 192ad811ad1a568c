"""Everything measured on one fit: importance, interactions, linearity, reconstruction, the
subspace compared with the reference's, and the basis-dependent per-unit shares.

* **Linearity**: per latent unit, the R² on the explained (test) rows of the least-squares linear
  map from the prepared inputs, fit on the training rows; overall, the same on the whitened latent
  (``1 − Σ SSE / Σ SST``, invariant to invertible maps of the latent).
* **Reconstruction**: per input, ``1 − SSE / SST`` of the encoder's reconstruction of its prepared
  columns on the test rows (a one-hot block pools its columns).
* **Subspace**: linear CKA (Kornblith, Norouzi, Lee & Hinton 2019, "Similarity of Neural Network
  Representations Revisited", ICML) between the encoder's and the reference's latents on the test
  rows, and the largest principal angle between the spans of their centred columns
  (``scipy.linalg.subspace_angles``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from scipy.linalg import subspace_angles
from sklearn.linear_model import LinearRegression
from sklearn.metrics import r2_score

from bench.encoders.align import fit_alignment
from bench.encoders.latent import LatentMap
from bench.encoders.trainer import threads
from bench.explain.attribution import (
    TensorFn,
    group_sum,
    importance,
    interactions,
    unit_shares,
    whitener,
)
from bench.explain.fit import Fitted


@dataclass(frozen=True)
class MapMeasures:
    """The measures of one latent map on one fit (inputs: the map's own)."""

    inputs: tuple[str, ...]
    importance: np.ndarray  # (inputs,) shares
    interactions: np.ndarray | None  # (inputs, inputs)
    linear_r2: np.ndarray  # (units,)
    linear_r2_all: float
    reconstruction: np.ndarray | None  # (inputs,)
    latent_test: np.ndarray  # (rows, units)
    latent_train: np.ndarray


@dataclass(frozen=True)
class FitMeasures:
    """One (split, seed): the encoder's measures, the reference's, and how they compare."""

    split: int
    seed: int
    encoder: MapMeasures
    reference: MapMeasures | None
    cka: float
    angle: float  # largest principal angle, degrees
    unit_shares: pd.DataFrame  # unit × input (aligned to the reference's units when ``aligned``)
    reference_shares: pd.DataFrame | None
    aligned: bool
    completeness_error: float
    y_test: np.ndarray


def measure_fit(fit: Fitted, *, steps: int) -> FitMeasures:
    """All measures of one fit (small work runs on one torch thread, as training does)."""
    work = len(fit.test) * steps * len(fit.latent.groups) * len(fit.latent.inputs)
    with threads(work, fit.latent.device):
        return _measure_fit(fit, steps=steps)


def _measure_fit(fit: Fitted, *, steps: int) -> FitMeasures:
    enc = measure_map(fit.latent, fit.train, fit.test)
    ref = None if fit.reference is None else measure_map(fit.reference, fit.train, fit.test)
    shares, ref_shares, aligned, error = _shares(fit, enc, ref, steps)
    cka = angle = float("nan")
    if ref is not None:
        cka = linear_cka(enc.latent_test, ref.latent_test)
        angle = largest_angle(enc.latent_test, ref.latent_test)
    return FitMeasures(split=fit.split, seed=fit.seed, encoder=enc, reference=ref, cka=cka,
                       angle=angle, unit_shares=shares, reference_shares=ref_shares,
                       aligned=aligned, completeness_error=error, y_test=fit.y_test)


def measure_map(lm: LatentMap, train: pd.DataFrame, test: pd.DataFrame) -> MapMeasures:
    prepared_train, prepared_test = lm.prepare(train), lm.prepare(test)
    x_train, x_test = _tensor(prepared_train, lm.device), _tensor(prepared_test, lm.device)
    with torch.no_grad():
        z_train = _numpy(lm.encode(x_train))
        z_test = _numpy(lm.encode(x_test))
    white = whitener(z_train)
    per_unit, overall = linear_r2(prepared_train, z_train, prepared_test, z_test, white)
    recon = None
    if lm.reconstruct is not None:
        with torch.no_grad():
            rebuilt = _numpy(lm.reconstruct(x_test))
        recon = reconstruction_r2(np.asarray(prepared_test, dtype=np.float64), rebuilt, lm.groups)
    return MapMeasures(
        inputs=lm.inputs, importance=importance(lm.encode, x_test, white, lm.groups),
        interactions=interactions(lm.encode, x_test, white, lm.groups), linear_r2=per_unit,
        linear_r2_all=overall, reconstruction=recon, latent_test=z_test, latent_train=z_train,
    )


def linear_r2(x_train: np.ndarray, z_train: np.ndarray, x_test: np.ndarray, z_test: np.ndarray,
              white: np.ndarray) -> tuple[np.ndarray, float]:
    """Per-unit test R² of the training rows' least-squares map, and the whitened overall R²."""
    model = LinearRegression().fit(x_train, z_train)
    per_unit = r2_score(z_test, model.predict(x_test), multioutput="raw_values")
    predicted = model.predict(x_test) @ white.T
    overall = r2_score(z_test @ white.T, predicted, multioutput="variance_weighted")
    return np.asarray(per_unit, dtype=np.float64), float(overall)


def reconstruction_r2(x: np.ndarray, rebuilt: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Per input ``1 − SSE / SST`` (one-hot blocks pooled; NaN for a constant input)."""
    sse = group_sum(((x - rebuilt) ** 2).sum(axis=0), groups)
    sst = group_sum(((x - x.mean(axis=0)) ** 2).sum(axis=0), groups)
    return np.where(sst > 0, 1.0 - sse / np.where(sst > 0, sst, 1.0), np.nan)


def linear_cka(a: np.ndarray, b: np.ndarray) -> float:
    """Linear CKA of two representations of the same rows: ‖BᵀA‖²_F / (‖AᵀA‖_F ‖BᵀB‖_F), centred."""
    a = np.asarray(a, dtype=np.float64) - np.mean(a, axis=0)
    b = np.asarray(b, dtype=np.float64) - np.mean(b, axis=0)
    denominator = np.linalg.norm(a.T @ a) * np.linalg.norm(b.T @ b)
    return float(np.linalg.norm(b.T @ a) ** 2 / denominator) if denominator > 0 else float("nan")


def largest_angle(a: np.ndarray, b: np.ndarray) -> float:
    """Largest principal angle (degrees) between the spans of the centred columns of a and b."""
    a = np.asarray(a, dtype=np.float64) - np.mean(a, axis=0)
    b = np.asarray(b, dtype=np.float64) - np.mean(b, axis=0)
    return float(np.degrees(subspace_angles(a, b).max()))


def _shares(fit: Fitted, enc: MapMeasures, ref: MapMeasures | None,
            steps: int) -> tuple[pd.DataFrame, pd.DataFrame | None, bool, float]:
    """Per-unit IG shares; the encoder's units Procrustes-aligned to the reference's when widths
    agree (alignment fit on the training rows)."""
    fn, aligned = fit.latent.encode, False
    if ref is not None and enc.latent_train.shape[1] == ref.latent_train.shape[1]:
        fn, aligned = _aligned(fn, enc.latent_train, ref.latent_train, fit.latent.device), True
    shares, error = _unit_shares(fit.latent, fn, fit, steps)
    ref_shares = None
    if fit.reference is not None:
        ref_shares, _ = _unit_shares(fit.reference, fit.reference.encode, fit, steps)
    return shares, ref_shares, aligned, error


def _unit_shares(lm: LatentMap, fn: TensorFn, fit: Fitted, steps: int) -> tuple[pd.DataFrame, float]:
    x_train = lm.prepare(fit.train)
    baseline = _tensor(x_train.mean(axis=0, keepdims=True), lm.device)
    x = _tensor(lm.prepare(fit.test), lm.device)
    shares, error = unit_shares(fn, x, baseline, lm.groups, steps)
    units = [f"z{k}" for k in range(shares.shape[0])]
    return pd.DataFrame(shares, index=units, columns=list(lm.inputs)), error


def _aligned(fn: TensorFn, source: np.ndarray, target: np.ndarray, device: str) -> TensorFn:
    """``fn`` followed by the orthogonal Procrustes map of ``source`` rows onto ``target`` rows."""
    alignment = fit_alignment(source, target)
    rotation, s_mean, t_mean = (_tensor(a, device) for a in (
        alignment.rotation, alignment.source_mean, alignment.target_mean))
    return lambda x: (fn(x) - s_mean) @ rotation + t_mean


def _tensor(array: np.ndarray, device: str) -> torch.Tensor:
    return torch.as_tensor(np.asarray(array, dtype=np.float32), device=device)


def _numpy(tensor: torch.Tensor) -> np.ndarray:
    return tensor.detach().double().cpu().numpy()
