"""bench.encoders.mlp: the supervised MLP encoder's modes, on tiny real data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

from bench.encoders.base import InputSpec
from bench.encoders.mlp import MLPEncoder, Supervised
from bench.errors import EncoderError

TINY = {"latent": 3, "hidden": [6], "epochs": 3, "batch_size": 16, "crossfit_folds": 3}


def _table(n: int = 30, classes: int = 2) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(n, 4)), columns=list("abcd"))
    return X, np.arange(n) % classes


def _mlp(**params) -> MLPEncoder:
    return MLPEncoder(**{**TINY, **params})


def _objective(regression: bool) -> Supervised:
    return Supervised(inputs=InputSpec(n_numeric=4, cardinalities=(), dim=0, width=4), hidden=(5,),
                      latent=3, d_out=1 if regression else 3, activation="relu", dropout=0.0,
                      regression=regression)


def test_classification_loss_is_cross_entropy_per_row() -> None:
    objective = _objective(False)
    net = objective.build([torch.Generator().manual_seed(0)])
    x, y = torch.randn(1, 7, 4), torch.tensor([[0, 1, 2, 0, 1, 2, 0]])
    with torch.no_grad():
        expected = torch.nn.functional.cross_entropy(net(x)[0], y[0], reduction="none")
        torch.testing.assert_close(objective.row_losses(net, x, y, None)[0], expected)


def test_regression_loss_is_the_squared_error_per_row() -> None:
    objective = _objective(True)
    net = objective.build([torch.Generator().manual_seed(0)])
    x, y = torch.randn(1, 7, 4), torch.randn(1, 7)
    with torch.no_grad():
        torch.testing.assert_close(objective.row_losses(net, x, y, None), (net(x)[..., 0] - y) ** 2)


def test_a_fit_needs_targets() -> None:
    with pytest.raises(EncoderError, match="is supervised: fit needs y and task"):
        _mlp().fit(_table()[0])


# -- crossfit --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def crossfit() -> tuple[MLPEncoder, np.ndarray]:
    X, y = _table()
    encoder = _mlp()
    return encoder, encoder.fit_transform(X, y, task="binary")


def test_crossfit_trains_k_models_besides_the_reference(crossfit) -> None:
    assert len(crossfit[0].crossfit_rows_) == 3


def test_crossfit_embeds_every_training_row_exactly_once(crossfit) -> None:
    held = np.concatenate([embeds for _, embeds in crossfit[0].crossfit_rows_])
    assert sorted(held) == list(range(30))


@pytest.mark.parametrize("k", range(3))
def test_a_crossfit_model_never_embeds_a_row_it_trained_on(crossfit, k: int) -> None:
    trained_on, embeds = crossfit[0].crossfit_rows_[k]
    assert set(trained_on).isdisjoint(embeds)


def test_crossfit_embeds_training_rows_out_of_fold(crossfit) -> None:
    """``transform`` (the reference model) gives other embeddings for the training rows."""
    encoder, embedding = crossfit
    assert not np.allclose(embedding, encoder.transform(_table()[0]))


def test_crossfit_uses_every_training_row_downstream(crossfit) -> None:
    assert crossfit[0].downstream_rows_ is None


def test_a_fit_without_transform_also_trains_the_fold_models_for_test_rows() -> None:
    """``fit`` then ``transform`` embeds test rows as ``fit_transform`` does (fold-draw)."""
    X, y = _table()
    encoder = _mlp().fit(X, y, task="binary")
    assert len(encoder.crossfit_rows_) == encoder.crossfit_folds


# -- holdout ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def holdout() -> tuple[MLPEncoder, np.ndarray]:
    X, y = _table()
    encoder = _mlp(mode="holdout", holdout_fraction=0.4)
    return encoder, encoder.fit_transform(X, y, task="binary")


def test_holdout_keeps_its_fraction_of_rows_for_downstream(holdout) -> None:
    assert len(holdout[0].downstream_rows_) == 12


def test_holdout_rows_it_trained_on_are_nan(holdout) -> None:
    encoder, embedding = holdout
    trained_on = np.setdiff1d(np.arange(30), encoder.downstream_rows_)
    assert np.isnan(embedding[trained_on]).all()


def test_holdout_rows_held_out_are_embedded(holdout) -> None:
    encoder, embedding = holdout
    assert np.isfinite(embedding[encoder.downstream_rows_]).all()


def test_holdout_is_stratified(holdout) -> None:
    _, y = _table()
    assert np.bincount(y[holdout[0].downstream_rows_]).tolist() == [6, 6]


# -- naive, oof-proba ------------------------------------------------------------------------

def test_naive_embeds_training_rows_with_the_reference_model() -> None:
    X, y = _table()
    encoder = _mlp(mode="naive")
    np.testing.assert_array_equal(encoder.fit_transform(X, y, task="binary"), encoder.transform(X))


def test_oof_proba_binary_is_one_column() -> None:
    X, y = _table()
    assert _mlp(mode="oof-proba").fit_transform(X, y, task="binary").shape == (30, 1)


def test_oof_proba_multiclass_probabilities_sum_to_one() -> None:
    X, y = _table(classes=3)
    proba = _mlp(mode="oof-proba").fit_transform(X, y, task="multiclass")
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)


def test_oof_proba_regression_predicts_in_the_target_scale() -> None:
    X, _ = _table()
    y = 1000.0 + np.arange(30.0)
    assert _mlp(mode="oof-proba", epochs=1).fit(X, y, task="regression").transform(X).mean() > 900


def test_the_embedding_width_is_latent() -> None:
    X, y = _table()
    assert _mlp(mode="naive").fit(X, y, task="binary").transform(X).shape == (30, 3)
