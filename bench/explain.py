"""Which inputs does an encoder use? Latent → input attribution, beside PCA's.

``explain(dataset, "ae")`` fits the encoder on the training rows of one split (as a benchmark run
would), then attributes every latent unit to the input columns on the split's test rows with
**integrated gradients** (Sundararajan, Taly & Yan 2017, "Axiomatic Attribution for Deep
Networks", ICML): for a row x and the baseline b (the training mean of the network's inputs),

    IG_j(x) = (x_j − b_j) · ∫₀¹ ∂z_k(b + α(x − b)) / ∂x_j dα,

computed with the midpoint rule. IG is *complete* — Σ_j IG_j(x) = z_k(x) − z_k(b) — so a unit's
attribution accounts for its whole value; the explanation reports how far the quadrature is from
that identity. One-hot columns of a categorical are summed (signed) before taking magnitudes, so
each categorical is one input. A unit's *share* of an input is the mean |IG| over rows divided by
the unit's total. PCA with the same width is explained the same way (for a linear map IG is exact:
``W_kj · (x_j − b_j)``), and its loadings are shown as well, the classical answer to the question.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from scipy import stats

from bench.data import Dataset
from bench.encoders import make_encoder
from bench.encoders.autoencoder import ReconstructingEncoder
from bench.encoders.base import Encoder
from bench.encoders.mlp import MLPEncoder
from bench.encoders.pca import ProjectionEncoder
from bench.errors import EncoderError
from bench.seeding import derive_seed
from bench.splits import make_splits

EmbedFn = Callable[[torch.Tensor], torch.Tensor]


@dataclass(frozen=True)
class Explanation:
    """Attribution shares (rows: latent units; columns: input columns; rows sum to 1)."""

    dataset: str
    encoder: str
    latent: int
    inputs: tuple[str, ...]
    attribution: pd.DataFrame  # encoder: unit × input share of mean |IG|
    pca_attribution: pd.DataFrame  # PCA of the same width, same method
    pca_loadings: pd.DataFrame  # PCA: unit × input share of |loading| (one-hot blocks summed)
    n_train: int
    n_explained: int
    completeness_error: float  # max |Σ_j IG_j − (z(x) − z(b))| / mean |z(x) − z(b)|

    @property
    def importance(self) -> pd.DataFrame:
        """Per input: mean share over latent units, for the encoder and for PCA."""
        return pd.DataFrame({
            self.encoder: self.attribution.mean(axis=0),
            "pca": self.pca_attribution.mean(axis=0),
            "pca loadings": self.pca_loadings.mean(axis=0),
        }).sort_values(self.encoder, ascending=False)

    @property
    def rank_correlation(self) -> float:
        """Spearman correlation of the encoder's and PCA's input importance (NaN if undefined)."""
        imp = self.importance
        if len(imp) < 3:
            return float("nan")
        return float(stats.spearmanr(imp[self.encoder], imp["pca"]).statistic)

    def to_frame(self) -> pd.DataFrame:
        """Long format: method, unit, input, share (for CSV)."""
        parts = []
        for method, table in ((self.encoder, self.attribution), ("pca", self.pca_attribution),
                              ("pca loadings", self.pca_loadings)):
            long = table.rename_axis("unit").reset_index().melt(
                id_vars="unit", var_name="input", value_name="share")
            parts.append(long.assign(method=method)[["method", "unit", "input", "share"]])
        return pd.concat(parts, ignore_index=True)


def explain(
    dataset: Dataset,
    encoder: str,
    params: dict | None = None,
    *,
    folds: int = 5,
    seed: int = 0,
    device: str = "cpu",
    max_rows: int = 1000,
    steps: int = 64,
) -> Explanation:
    """Fit ``encoder`` on the training rows of split (repeat 0, fold 0) and explain it."""
    split = make_splits(dataset, folds=folds, repeats=1, suite_seed=seed)[0]
    X_train, X_test = dataset.X.iloc[split.train], dataset.X.iloc[split.test]
    y_train = dataset.y[split.train]
    rng = np.random.default_rng(derive_seed(seed, dataset.name, "explain"))
    rows = np.sort(rng.permutation(len(X_test))[:max_rows])
    X_explain = X_test.iloc[rows]
    state = derive_seed(seed, dataset.name, 0, 0, 0, encoder)
    fitted = make_encoder(encoder, params, random_state=state, device=device)
    _check_explainable(fitted)
    fitted.fit(X_train, y_train, task=dataset.task)
    width = fitted.n_embedding_
    pca = make_encoder("pca", {"latent": width, "scaling": getattr(fitted, "scaling", "standard")},
                       random_state=state).fit(X_train)
    inputs = tuple(fitted.inputs_.numeric_) + tuple(fitted.inputs_.levels_)
    groups = fitted.inputs_.column_groups()
    shares, error = _shares(fitted, X_train, X_explain, groups, steps, device)
    pca_shares, _ = _shares(pca, X_train, X_explain, pca.inputs_.column_groups(), steps, "cpu")
    loadings = _group_abs(np.abs(pca.pca_.components_), pca.inputs_.column_groups())
    units = [f"z{k}" for k in range(width)]
    pca_units = [f"z{k}" for k in range(pca.n_embedding_)]
    return Explanation(
        dataset=dataset.name, encoder=encoder, latent=width, inputs=inputs,
        attribution=pd.DataFrame(shares, index=units, columns=inputs),
        pca_attribution=pd.DataFrame(pca_shares, index=pca_units, columns=inputs),
        pca_loadings=pd.DataFrame(_normalize(loadings), index=pca_units, columns=inputs),
        n_train=len(X_train), n_explained=len(X_explain), completeness_error=error,
    )


def integrated_gradients(fn: EmbedFn, x: torch.Tensor, baseline: torch.Tensor,
                         steps: int = 64) -> torch.Tensor:
    """IG of every output of ``fn`` for every row of ``x``: shape ``(rows, outputs, inputs)``.

    Midpoint rule over ``steps`` points of the straight path from ``baseline`` to each row.
    """
    if steps < 1:
        raise ValueError(f"steps must be >= 1, however: {steps}")
    alphas = (torch.arange(steps, dtype=x.dtype, device=x.device) + 0.5) / steps
    delta = x - baseline  # (n, d)
    path = (baseline + alphas.view(-1, 1, 1) * delta.unsqueeze(0)).reshape(-1, x.shape[1])
    path.requires_grad_(True)
    out = fn(path)  # (steps * n, k)
    grads = []
    for k in range(out.shape[1]):
        (g,) = torch.autograd.grad(out[:, k].sum(), path, retain_graph=k + 1 < out.shape[1])
        grads.append(g.reshape(steps, *x.shape).mean(dim=0))  # (n, d)
    return torch.stack(grads, dim=1) * delta.unsqueeze(1)


def embedding_function(encoder: Encoder) -> EmbedFn:
    """The fitted encoder's embedding as a differentiable map of its (one-hot) network inputs."""
    if isinstance(encoder, ProjectionEncoder):
        d = encoder.inputs_.n_output_
        offset = encoder._project(np.zeros((1, d)))  # affine map: f(x) = x @ W + b
        weights = encoder._project(np.eye(d)) - offset
        W = torch.as_tensor(weights, dtype=torch.float32)
        b = torch.as_tensor(offset, dtype=torch.float32)
        return lambda x: x @ W.to(x.device) + b.to(x.device)
    method = "encode"
    if isinstance(encoder, ReconstructingEncoder):
        method = encoder._embed_method()
    net = encoder.module_
    net.eval()
    return lambda x: getattr(net, method)(x.unsqueeze(0))[0]


def _check_explainable(encoder: Encoder) -> None:
    if not isinstance(encoder, ProjectionEncoder | ReconstructingEncoder | MLPEncoder):
        raise EncoderError(f"bench explain supports ae, dae, vae, mlp, pca and rp, not "
                           f"{encoder.name!r}")
    if getattr(encoder, "categoricals", "onehot") != "onehot":
        raise EncoderError("bench explain needs categoricals = 'onehot' (learned categorical "
                           "embeddings have no input gradient)", where=f"encoder {encoder.name!r}")
    if isinstance(encoder, MLPEncoder) and encoder.mode == "oof-proba":
        raise EncoderError("oof-proba embeds predictions, not a hidden layer; explain another "
                           "mode", where="encoder 'mlp'")


def _shares(encoder: Encoder, X_train: pd.DataFrame, X: pd.DataFrame, groups: np.ndarray,
            steps: int, device: str) -> tuple[np.ndarray, float]:
    """Unit × input shares of mean |IG| over the rows of ``X``, and the completeness error."""
    fn = embedding_function(encoder)
    as_tensor = lambda a: torch.as_tensor(a, dtype=torch.float32, device=device)  # noqa: E731
    x = as_tensor(encoder.inputs_.transform(X))
    baseline = as_tensor(encoder.inputs_.transform(X_train).mean(axis=0, keepdims=True))
    ig = integrated_gradients(fn, x, baseline, steps)  # (n, k, d)
    with torch.no_grad():
        change = fn(x) - fn(baseline)  # (n, k)
    gap = (ig.sum(dim=2) - change).abs().max().item()
    scale = change.abs().mean().item()
    per_input = _group_sum(ig.detach().cpu().numpy(), groups)  # (n, k, inputs), signed
    return _normalize(np.abs(per_input).mean(axis=0)), gap / scale if scale > 0 else 0.0


def _group_sum(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Sum the last axis over column groups (a categorical's one-hot block is one input)."""
    membership = np.zeros((len(groups), int(groups.max()) + 1))
    membership[np.arange(len(groups)), groups] = 1.0
    return values.astype(np.float64) @ membership


def _group_abs(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    return _group_sum(np.abs(values), groups)


def _normalize(table: np.ndarray) -> np.ndarray:
    """Rows sum to 1 (a unit with no attribution at all stays 0)."""
    totals = table.sum(axis=1, keepdims=True)
    return np.divide(table, totals, out=np.zeros_like(table), where=totals > 0)
