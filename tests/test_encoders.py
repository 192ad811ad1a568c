"""Encoders: shapes, determinism, quality sanity checks, the modes of ``mlp``, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch
import xgboost

from bench.config import EmbeddedSpec
from bench.data import load_dataset
from bench.encoders import REGISTRY, make_encoder
from bench.errors import EncoderError

FAST = {"epochs": 4, "hidden": [8], "batch_size": 64}
TORCH = ("ae", "dae", "vae", "mlp")


@pytest.fixture(scope="module")
def iris():
    return load_dataset(EmbeddedSpec(source="embedded", name="iris"))


@pytest.fixture(scope="module")
def credit():
    """Numbers and categoricals (with levels that one-hot encode to 61 columns)."""
    return load_dataset(EmbeddedSpec(source="embedded", name="credit_g"))


DEVICES = [
    "cpu",
    pytest.param("cuda", marks=[pytest.mark.gpu, pytest.mark.skipif(
        not torch.cuda.is_available(), reason="needs CUDA")]),
]


def _params(name: str, **extra) -> dict:
    return ({"latent": 2} | (FAST if name in TORCH else {})) | extra


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_fit_transform_shapes_and_determinism(iris, name: str) -> None:
    a = make_encoder(name, _params(name), random_state=3).fit_transform(iris.X, iris.y, task=iris.task)
    b = make_encoder(name, _params(name), random_state=3).fit_transform(iris.X, iris.y, task=iris.task)
    assert a.shape == (150, 2)
    assert a.dtype == np.float32
    np.testing.assert_array_equal(a, b)
    if name != "pca":
        c = make_encoder(name, _params(name), random_state=4).fit_transform(iris.X, iris.y,
                                                                             task=iris.task)
        assert not np.array_equal(a, c)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", TORCH)
def test_torch_encoders_on_a_device(credit, name: str, device: str) -> None:
    """Same body on CPU and CUDA: trains where asked, returns host arrays, repeatable."""
    X, y = credit.X.iloc[:300], credit.y[:300]
    params = _params(name, latent=4, categoricals="embedding", dropout=0.1)
    a = make_encoder(name, params, random_state=1, device=device)
    Z = a.fit_transform(X, y, task=credit.task)
    assert isinstance(Z, np.ndarray)
    assert Z.shape == (300, 4)
    assert np.isfinite(Z).all()
    assert next(a.module_.parameters()).device.type == device
    b = make_encoder(name, params, random_state=1, device=device)
    np.testing.assert_allclose(b.fit_transform(X, y, task=credit.task), Z, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name", ["ae", "dae", "vae", "mlp"])
@pytest.mark.parametrize("options", [{"scaling": "quantile"}, {"categoricals": "embedding"}])
def test_preprocessing_options_on_mixed_data(credit, name: str, options: dict) -> None:
    X, y = credit.X.iloc[:300], credit.y[:300]
    enc = make_encoder(name, _params(name, latent=4, **options), random_state=0)
    Z = enc.fit_transform(X, y, task=credit.task)
    assert Z.shape == (300, 4)
    assert np.isfinite(Z).all()
    test = enc.transform(credit.X.iloc[300:400])
    assert test.shape == (100, 4)
    assert np.isfinite(test).all()
    assert enc.inputs_.scaling == options.get("scaling", "standard")
    np.testing.assert_array_equal(enc.inputs_.fit_rows_, X.index)


def test_pca_with_all_components_reconstructs_exactly(iris) -> None:
    enc = make_encoder("pca", {"latent": 4}).fit(iris.X)
    Z = enc.transform(iris.X).astype(np.float64)
    Xt = enc.inputs_.transform(iris.X)
    np.testing.assert_allclose(enc.pca_.inverse_transform(Z), Xt, atol=1e-5)


def test_autoencoder_beats_the_mean_predictor_on_iris(iris) -> None:
    enc = make_encoder("ae", {"latent": 2, "hidden": [16], "epochs": 200, "lr": 3e-3,
                              "batch_size": 32, "patience": 30}).fit(iris.X)
    # Inputs are standardized, so predicting the training mean has MSE 1.
    assert enc.reconstruction_error(iris.X) < 0.25


def test_vae_embeds_with_the_posterior_mean_and_reconstructs(iris) -> None:
    enc = make_encoder("vae", {"latent": 2, "hidden": [16], "epochs": 150, "lr": 3e-3,
                               "batch_size": 32, "patience": 30, "beta": 0.1}).fit(iris.X)
    assert enc.reconstruction_error(iris.X) < 0.5
    x = enc._net_input(iris.X).unsqueeze(0)
    mean = enc.module_._posterior(x, None)[0][0].detach().numpy()
    np.testing.assert_allclose(enc.transform(iris.X), mean, rtol=1e-6)
    np.testing.assert_array_equal(enc.transform(iris.X), enc.transform(iris.X))  # no sampling


def test_dae_all_hidden_layers_embedding(iris) -> None:
    enc = make_encoder("dae", {"latent": 3, "hidden": [5], "epochs": 3, "embedding": "all"})
    Z = enc.fit_transform(iris.X)
    assert Z.shape == (150, 5 + 3 + 5)
    assert enc.n_embedding_ == 13
    np.testing.assert_allclose(Z[:, 5:8], make_encoder("dae", enc.get_params() | {
        "embedding": "bottleneck"}).fit_transform(iris.X), rtol=1e-6)


def test_random_projection_is_a_gaussian_map_of_the_scaled_inputs(iris) -> None:
    enc = make_encoder("rp", {"latent": 3}, random_state=5).fit(iris.X)
    Z = enc.transform(iris.X)
    components = enc.projection_.components_
    assert components.shape == (3, 4)
    np.testing.assert_allclose(Z, enc.inputs_.transform(iris.X) @ components.T, rtol=1e-5)
    other = make_encoder("rp", {"latent": 3}, random_state=6).fit(iris.X).projection_.components_
    assert not np.allclose(components, other)


def test_mlp_embedding_helps_xgboost_on_a_smooth_oblique_problem() -> None:
    """The label is the side of an oblique hyperplane: a linear function an MLP learns at once,
    while axis-aligned trees need many splits to approximate it."""
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(1500, 8)), columns=[f"x{i}" for i in range(8)])
    y = (X.to_numpy() @ rng.normal(size=8) > 0).astype(np.int64)
    train, test = slice(0, 1000), slice(1000, None)
    enc = make_encoder("mlp", {"latent": 8, "hidden": [32], "epochs": 60, "batch_size": 64,
                               "crossfit_folds": 3}, random_state=0)
    emb_train = enc.fit_transform(X.iloc[train], y[train], task="binary")
    emb_test = enc.transform(X.iloc[test])

    def accuracy(a, b) -> float:
        model = xgboost.XGBClassifier(n_estimators=100, max_depth=3, nthread=1, random_state=0)
        return float((model.fit(a, y[train]).predict(b) == y[test]).mean())

    raw = accuracy(X.iloc[train].to_numpy(), X.iloc[test].to_numpy())
    assert accuracy(emb_train, emb_test) >= raw + 0.01  # measured: 0.942 vs 0.918


def test_transform_before_fit(iris) -> None:
    with pytest.raises(RuntimeError, match="not fitted"):
        make_encoder("ae").transform(iris.X)


@pytest.mark.parametrize(
    ("name", "params", "match"),
    [
        ("ae", {"latent": 0}, "latent must be >= 1"),
        ("ae", {"lr": -1.0}, r"lr must be in"),
        ("ae", {"activation": "swish"}, "activation must be one of"),
        ("ae", {"scaling": "minmax"}, "scaling must be one of"),
        ("vae", {"categoricals": "hash"}, "categoricals must be one of"),
        ("ae", {"clip_latent": "no"}, "clip_latent must be true or false"),
        ("ae", {"val_fraction": 0.9}, r"val_fraction must be in \[0.0, 0.5\]"),
        ("dae", {"swap_noise": 0.0}, "needs noise"),
        ("dae", {"embedding": "middle"}, "embedding must be one of"),
        ("vae", {"beta": -1.0}, r"beta must be in"),
        ("mlp", {"crossfit_folds": 1}, "crossfit_folds must be between 2 and 20"),
        ("mlp", {"mode": "stacked"}, "mode must be one of crossfit, holdout, oof-proba, naive"),
        ("mlp", {"holdout_fraction": 0.95}, r"holdout_fraction must be in"),
        ("pca", {"whiten": "yes"}, "whiten must be true or false"),
        ("rp", {"latent": 1.5}, "latent must be an integer"),
    ],
)
def test_invalid_parameters(iris, name: str, params: dict, match: str) -> None:
    with pytest.raises(EncoderError, match=match):
        make_encoder(name, params).fit(iris.X, iris.y, task=iris.task)


@pytest.mark.parametrize("name", ["ae", "vae", "pca", "rp"])
def test_latent_wider_than_the_input(iris, name: str) -> None:
    """Clipped to the input width by default (suites mix widths); an error when asked."""
    clipped = make_encoder(name, _params(name, latent=6)).fit(iris.X)
    assert clipped.n_embedding_ == 4
    with pytest.raises(EncoderError, match="latent = 6 is wider than the 4 input columns"):
        make_encoder(name, _params(name, latent=6, clip_latent=False)).fit(iris.X)


def test_overcomplete_dae_and_mlp_keep_their_width(iris) -> None:
    dae = make_encoder("dae", _params("dae", latent=6, clip_latent=False)).fit(iris.X)
    assert dae.n_embedding_ == 6
    assert (make_encoder("dae", _params("dae", latent=6)).fit(
                    iris.X).n_embedding_ == 4)
    assert make_encoder("mlp", _params("mlp", latent=6)).fit(iris.X, iris.y, task=iris.task
                                                            ).n_embedding_ == 6


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_bad_input(iris, name: str) -> None:
    with pytest.raises(EncoderError, match=r"unknown parameter\(s\) \['size'\]"):
        make_encoder(name, {"size": 3})
    with pytest.raises(EncoderError, match="at least 2 training rows"):
        make_encoder(name, _params(name)).fit(iris.X.iloc[:1], iris.y[:1], task=iris.task)
    bad = iris.X.copy()
    bad.iloc[0, 0] = np.inf
    with pytest.raises(EncoderError, match="infinite"):
        make_encoder(name, _params(name)).fit(bad, iris.y, task=iris.task)
    with pytest.raises(TypeError, match="DataFrame"):
        make_encoder(name, _params(name)).fit(iris.X.to_numpy(), iris.y, task=iris.task)


def test_bad_input_for_supervised(iris) -> None:
    with pytest.raises(EncoderError, match="supervised"):
        make_encoder("mlp").fit(iris.X)
    y = iris.y.astype(float)
    y[3] = np.nan
    with pytest.raises(EncoderError, match="y has missing or infinite values"):
        make_encoder("mlp", FAST).fit(iris.X, y, task="regression")


def test_missing_values_are_imputed_not_refused(iris) -> None:
    X = iris.X.copy()
    X.iloc[::7, 1] = np.nan
    Z = make_encoder("ae", _params("ae")).fit_transform(X)
    assert np.isfinite(Z).all()


# -- the modes of mlp ---------------------------------------------------------------------------

def test_mlp_regression_and_naive_mode(iris) -> None:
    X = iris.X.drop(columns=iris.X.columns[0])
    y = iris.X.iloc[:, 0].to_numpy()
    enc = make_encoder("mlp", {"latent": 3, "epochs": 5, "mode": "naive"})
    Z = enc.fit_transform(X, y, task="regression")
    np.testing.assert_allclose(Z, enc.transform(X))  # naive: the reference model embeds itself
    assert enc.crossfit_rows_ == []
    assert enc.downstream_rows_ is None


def test_mlp_crossfit_trains_k_plus_one_models(iris) -> None:
    enc = make_encoder("mlp", _params("mlp", latent=3, crossfit_folds=3), random_state=1)
    Z = enc.fit_transform(iris.X, iris.y, task=iris.task)
    assert len(enc.crossfit_rows_) == 3
    assert enc.downstream_rows_ is None
    assert not np.allclose(Z, enc.transform(iris.X))  # out-of-fold, not the reference model
    held = np.concatenate([h for _, h in enc.crossfit_rows_])
    np.testing.assert_array_equal(np.sort(held), np.sort(iris.X.index))


def test_mlp_holdout_embeds_only_the_rows_it_did_not_train_on(iris) -> None:
    enc = make_encoder("mlp", _params("mlp", latent=3, mode="holdout", holdout_fraction=0.4))
    Z = enc.fit_transform(iris.X, iris.y, task=iris.task)
    rows = enc.downstream_rows_
    assert len(rows) == 60
    assert np.isfinite(Z[rows]).all()
    assert np.isnan(np.delete(Z, rows, axis=0)).all()
    ((trained_on, embeds),) = enc.crossfit_rows_
    assert np.intersect1d(trained_on, embeds).size == 0
    assert len(trained_on) == 90
    np.testing.assert_array_equal(embeds, iris.X.index[rows])
    np.testing.assert_allclose(Z[rows], enc.transform(iris.X.iloc[rows]), rtol=1e-6)
    assert np.bincount(iris.y[rows]).tolist() == [20, 20, 20]  # stratified


def _crossfit(iris, **extra):  # noqa: ANN202 - a fitted MLPEncoder
    enc = make_encoder("mlp", _params("mlp", latent=3, crossfit_folds=3, **extra), random_state=1)
    enc.fit_transform(iris.X, iris.y, task=iris.task)
    return enc


def _aligned_fold_outputs(enc, X) -> np.ndarray:  # noqa: ANN001
    Xt = enc._net_input(X)
    return np.stack([enc._fold_outputs(fold, Xt) for fold in enc.fold_models_])


def test_mlp_fold_draw_embeds_each_new_row_by_one_cross_fitted_model(iris) -> None:
    enc = _crossfit(iris)
    Z, folds = enc.transform(iris.X), _aligned_fold_outputs(enc, iris.X)
    matches = np.isclose(folds, Z[None], rtol=1e-5, atol=1e-6).all(axis=2)
    assert matches.any(axis=0).all()


def test_mlp_fold_draw_uses_every_cross_fitted_model(iris) -> None:
    enc = _crossfit(iris)
    Z, folds = enc.transform(iris.X), _aligned_fold_outputs(enc, iris.X)
    which = np.isclose(folds, Z[None], rtol=1e-5, atol=1e-6).all(axis=2).argmax(axis=0)
    assert sorted(set(which.tolist())) == [0, 1, 2]


def test_mlp_fold_draw_is_the_default_and_repeatable(iris) -> None:
    enc = _crossfit(iris)
    np.testing.assert_array_equal(enc.transform(iris.X), enc.transform(iris.X))


def test_mlp_fold_mean_is_the_mean_of_the_aligned_models(iris) -> None:
    enc = _crossfit(iris, test_embedding="fold-mean")
    np.testing.assert_allclose(enc.transform(iris.X), _aligned_fold_outputs(enc, iris.X).mean(0),
                               rtol=1e-5, atol=1e-6)


def test_mlp_reference_embeds_new_rows_as_the_naive_mode_does(iris) -> None:
    """``reference`` (before schema version 2) = the reference model, which naive shares."""
    enc = _crossfit(iris, test_embedding="reference")
    naive = make_encoder("mlp", _params("mlp", latent=3, crossfit_folds=3, mode="naive"),
                         random_state=1)
    naive.fit_transform(iris.X, iris.y, task=iris.task)
    np.testing.assert_allclose(enc.transform(iris.X), naive.transform(iris.X), rtol=1e-5, atol=1e-6)


def test_mlp_fit_then_transform_equals_fit_transform_then_transform(iris) -> None:
    enc = make_encoder("mlp", _params("mlp", latent=3, crossfit_folds=3), random_state=1)
    enc.fit(iris.X, iris.y, task=iris.task)
    np.testing.assert_allclose(enc.transform(iris.X), _crossfit(iris).transform(iris.X),
                               rtol=1e-5, atol=1e-6)


def test_mlp_oof_proba_fold_mean_is_a_probability(iris) -> None:
    enc = make_encoder("mlp", _params("mlp", mode="oof-proba", crossfit_folds=3,
                                      test_embedding="fold-mean"), random_state=2)
    enc.fit_transform(iris.X, iris.y, task=iris.task)
    np.testing.assert_allclose(enc.transform(iris.X).sum(1), 1.0, rtol=1e-5)


def test_mlp_test_embedding_must_be_known(iris) -> None:
    enc = make_encoder("mlp", _params("mlp", test_embedding="average"))
    with pytest.raises(EncoderError, match="test_embedding must be one of fold-draw, fold-mean, "
                                           "reference, however: 'average'"):
        enc.fit_transform(iris.X, iris.y, task=iris.task)


@pytest.mark.parametrize(("task", "width"), [("multiclass", 3), ("binary", 1), ("regression", 1)])
def test_mlp_oof_proba(iris, task: str, width: int) -> None:
    y = {"multiclass": iris.y, "binary": (iris.y == 1).astype(np.int64),
         "regression": iris.X.iloc[:, 0].to_numpy()}[task]
    X = iris.X.iloc[:, 1:] if task == "regression" else iris.X
    enc = make_encoder("mlp", _params("mlp", mode="oof-proba", crossfit_folds=3), random_state=2)
    P = enc.fit_transform(X, y, task=task)
    assert P.shape == (150, width)
    assert enc.n_embedding_ == width
    assert len(enc.crossfit_rows_) == 3
    if task == "multiclass":
        np.testing.assert_allclose(P.sum(1), 1.0, rtol=1e-5)
    if task != "regression":
        assert (P >= 0).all()
        assert (P <= 1).all()
    assert enc.transform(X).shape == (150, width)
