"""``bench explain``: which inputs does an encoder read, and how does it combine them?

The encoder is fit on every (split, seed) of a small design, as a benchmark run would fit it;
each fit is read through its :meth:`~bench.encoders.base.Encoder.latent_map` (this package never
names an encoder), beside the reference the encoder names (PCA of the same width for the
learned ones). Modules: :mod:`~bench.explain.fit` (the fits), :mod:`~bench.explain.attribution`
(basis-free importance, interactions, per-unit integrated gradients),
:mod:`~bench.explain.measures` (per fit: linearity, reconstruction, CKA and principal angles),
:mod:`~bench.explain.stability` (mean ± SD, ranks, tie groups), :mod:`~bench.explain.result`
(the :class:`Explanation`). Rendering is :mod:`bench.report.explain`.
"""

from __future__ import annotations

from typing import Any

from bench.data import Dataset
from bench.explain.attribution import integrated_gradients
from bench.explain.fit import Design, fit_all
from bench.explain.measures import measure_fit
from bench.explain.result import Explanation, summarize


def explain(dataset: Dataset, encoder: str, params: dict[str, Any] | None = None, *,
            design: Design | None = None, steps: int = 64,
            top_k: int | None = None) -> Explanation:
    """Fit ``encoder`` on every (split, seed) of ``design`` and explain it."""
    design = design or Design()
    fits = fit_all(dataset, encoder, params, design)
    measured = [measure_fit(f, steps=steps) for f in fits]
    reference = fits[0].latent.reference
    return summarize(
        measured, dataset=dataset.name, encoder=encoder,
        reference=None if reference is None else reference.name,
        reference_label="" if reference is None else reference.title, linear=fits[0].latent.linear,
        task=dataset.task, classes=tuple(dataset.classes), folds=design.folds,
        seeds=design.seeds, n_train=len(fits[0].train), top_k=top_k,
    )


__all__ = ["Design", "Explanation", "explain", "integrated_gradients"]
