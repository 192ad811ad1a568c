"""The explanation of an encoder over all its fits: aggregated tables and the long per-fit frame."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from bench.encoders.align import fit_alignment
from bench.explain.measures import FitMeasures, MapMeasures
from bench.explain.stability import Ranking, default_top_k, mean_sd, rank_inputs

TOP_PAIRS = 5  # interactions listed


@dataclass(frozen=True)
class Spread:
    """Mean and SD over fits (SD is NaN with one fit)."""

    mean: float
    sd: float

    @classmethod
    def of(cls, values: list[float]) -> Spread:
        mean, sd = mean_sd(np.asarray(values, dtype=np.float64)[:, None])
        return cls(float(mean[0]), float(sd[0]))


@dataclass(frozen=True)
class Explanation:
    """Which inputs an encoder reads and how it combines them, over ``n_fits`` fits."""

    dataset: str
    encoder: str
    reference: str | None
    reference_label: str  # how the report calls the reference ("PCA")
    latent: int
    linear: bool
    task: str
    classes: tuple[str, ...]
    folds: int
    seeds: int
    n_train: int
    n_explained: int
    inputs: tuple[str, ...]
    ranking: Ranking  # the encoder's basis-free importance
    reference_ranking: Ranking | None
    linearity: pd.DataFrame  # per unit: mean, sd (test R² of the best linear map)
    linearity_all: Spread  # whitened, basis-free
    interactions: pd.DataFrame  # top pairs: input, input2, mean, sd
    reconstruction: pd.DataFrame | None  # per input: encoder mean/sd, reference mean/sd
    cka: Spread
    angle: Spread
    unit_shares: pd.DataFrame  # unit × input, mean over fits
    reference_shares: pd.DataFrame | None
    aligned: bool
    completeness_error: float
    scatter: pd.DataFrame  # first fit's test rows: method, z0, z1, y
    long: pd.DataFrame  # one row per (split, seed, method, measure, unit, input, input2)

    @property
    def n_fits(self) -> int:
        return self.ranking.n_fits

    def to_frame(self) -> pd.DataFrame:
        """Long format for ``explain.csv``."""
        return self.long


def summarize(fits: list[FitMeasures], *, dataset: str, encoder: str, reference: str | None,
              reference_label: str, linear: bool, task: str, classes: tuple[str, ...], folds: int, seeds: int,
              n_train: int, top_k: int | None) -> Explanation:
    """Aggregate per-fit measures into an :class:`Explanation`."""
    inputs = _inputs(fits)
    k = top_k or default_top_k(len(inputs))
    enc = [f.encoder for f in fits]
    refs = [f.reference for f in fits if f.reference is not None]
    return Explanation(
        dataset=dataset, encoder=encoder, reference=reference if refs else None,
        reference_label=reference_label,
        latent=enc[0].latent_test.shape[1], linear=linear, task=task, classes=classes,
        folds=folds, seeds=seeds, n_train=n_train, n_explained=len(fits[0].y_test),
        inputs=inputs, ranking=rank_inputs(_stack(enc, "importance", inputs, 0.0), list(inputs),
                                           top_k=k),
        reference_ranking=(rank_inputs(_stack(refs, "importance", inputs, 0.0), list(inputs),
                                       top_k=k) if refs else None),
        linearity=_linearity(enc), linearity_all=Spread.of([m.linear_r2_all for m in enc]),
        interactions=_top_pairs(enc, inputs), reconstruction=_reconstruction(enc, refs, inputs),
        cka=Spread.of([f.cka for f in fits]), angle=Spread.of([f.angle for f in fits]),
        unit_shares=_mean_frame([f.unit_shares for f in fits], inputs),
        reference_shares=(_mean_frame([f.reference_shares for f in fits], inputs)
                          if refs else None),
        aligned=fits[0].aligned, completeness_error=max(f.completeness_error for f in fits),
        scatter=_scatter(fits[0]), long=long_frame(fits, encoder=encoder, reference=reference),
    )


def _inputs(fits: list[FitMeasures]) -> tuple[str, ...]:
    """The encoder's inputs, then any only the reference reads."""
    names = list(fits[0].encoder.inputs)
    if fits[0].reference is not None:
        names += [n for n in fits[0].reference.inputs if n not in names]
    return tuple(names)


def _stack(maps: list[MapMeasures], field: str, inputs: tuple[str, ...],
           fill: float) -> np.ndarray:
    """Fits × inputs of a per-input measure, reindexed to ``inputs`` (missing: ``fill``)."""
    rows = [pd.Series(getattr(m, field), index=list(m.inputs)).reindex(list(inputs),
                                                                        fill_value=fill)
            for m in maps]
    return np.stack([r.to_numpy(dtype=np.float64) for r in rows])


def _linearity(maps: list[MapMeasures]) -> pd.DataFrame:
    mean, sd = mean_sd(np.stack([m.linear_r2 for m in maps]))
    return pd.DataFrame({"mean": mean, "sd": sd}, index=[f"z{k}" for k in range(len(mean))])


def _top_pairs(maps: list[MapMeasures], inputs: tuple[str, ...]) -> pd.DataFrame:
    """The ``TOP_PAIRS`` strongest interactions between two different inputs (mean over fits)."""
    tables = [pd.DataFrame(m.interactions, index=list(m.inputs), columns=list(m.inputs))
              .reindex(index=list(inputs), columns=list(inputs), fill_value=0.0)
              for m in maps if m.interactions is not None]
    if not tables:
        return pd.DataFrame(columns=["input", "input2", "mean", "sd"])
    stack = np.stack([t.to_numpy() for t in tables])
    mean, sd = mean_sd(stack)
    i, j = np.triu_indices(len(inputs), k=1)
    pairs = pd.DataFrame({"input": np.asarray(inputs)[i], "input2": np.asarray(inputs)[j],
                          "mean": mean[i, j], "sd": sd[i, j]})
    return pairs.sort_values("mean", ascending=False, kind="stable").head(TOP_PAIRS)


def _reconstruction(enc: list[MapMeasures], refs: list[MapMeasures],
                    inputs: tuple[str, ...]) -> pd.DataFrame | None:
    if enc[0].reconstruction is None:
        return None
    mean, sd = mean_sd(_stack(enc, "reconstruction", inputs, np.nan))
    frame = pd.DataFrame({"mean": mean, "sd": sd}, index=list(inputs))
    if refs and refs[0].reconstruction is not None:
        ref_mean, ref_sd = mean_sd(_stack(refs, "reconstruction", inputs, np.nan))
        frame["reference_mean"], frame["reference_sd"] = ref_mean, ref_sd
    return frame


def _mean_frame(tables: list[pd.DataFrame | None], inputs: tuple[str, ...]) -> pd.DataFrame:
    present = [t.reindex(columns=list(inputs), fill_value=0.0) for t in tables if t is not None]
    return pd.concat(present).groupby(level=0, sort=False).mean()


def _scatter(fit: FitMeasures) -> pd.DataFrame:
    """The first fit's test rows in 2-D latent space (encoder aligned to the reference)."""
    z = fit.encoder.latent_test
    if z.shape[1] != 2:
        return pd.DataFrame(columns=["method", "z0", "z1", "y"])
    parts = []
    if fit.reference is not None and fit.aligned:
        z = fit_alignment(fit.encoder.latent_train, fit.reference.latent_train).apply(z)
    parts.append(pd.DataFrame({"method": "encoder", "z0": z[:, 0], "z1": z[:, 1], "y": fit.y_test}))
    if fit.reference is not None and fit.reference.latent_test.shape[1] == 2:
        r = fit.reference.latent_test
        parts.append(pd.DataFrame({"method": "reference", "z0": r[:, 0], "z1": r[:, 1],
                                   "y": fit.y_test}))
    return pd.concat(parts, ignore_index=True)


def long_frame(fits: list[FitMeasures], *, encoder: str, reference: str | None) -> pd.DataFrame:
    """Every per-fit value: split, seed, method, measure, unit, input, input2, value."""
    rows: list[tuple] = []
    for f in fits:
        key = (f.split, f.seed)
        for method, m, shares in ((encoder, f.encoder, f.unit_shares),
                                  (reference, f.reference, f.reference_shares)):
            if m is not None:
                rows += [(*key, method, *row) for row in _map_rows(m, shares)]
        rows += [(*key, encoder, "cka", "", "", "", f.cka),
                 (*key, encoder, "principal_angle_max_deg", "", "", "", f.angle),
                 (*key, encoder, "ig_completeness_error", "", "", "", f.completeness_error)]
    return pd.DataFrame(rows, columns=["split", "seed", "method", "measure", "unit", "input",
                                       "input2", "value"])


def _map_rows(m: MapMeasures, shares: pd.DataFrame | None) -> list[tuple]:
    rows = [("importance", "", name, "", v) for name, v in zip(m.inputs, m.importance, strict=True)]
    rows += [("linear_r2", f"z{k}", "", "", v) for k, v in enumerate(m.linear_r2)]
    rows.append(("linear_r2_whitened", "", "", "", m.linear_r2_all))
    if m.reconstruction is not None:
        rows += [("reconstruction_r2", "", n, "", v) for n, v in zip(m.inputs, m.reconstruction, strict=True)]
    if m.interactions is not None:
        i, j = np.triu_indices(len(m.inputs))
        rows += [("interaction", "", m.inputs[a], m.inputs[b], m.interactions[a, b])
                 for a, b in zip(i, j, strict=True)]
    if shares is not None:
        rows += [("unit_share", unit, name, "", v) for unit, row in shares.iterrows()
                 for name, v in row.items()]
    return rows
