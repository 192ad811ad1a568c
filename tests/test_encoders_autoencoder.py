"""bench.encoders.autoencoder: ``ae`` and ``dae`` (reconstruction loss, swap and Gaussian noise)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

from bench.encoders.autoencoder import (
    AutoencoderEncoder,
    DenoisingAutoencoderEncoder,
    Reconstruction,
)
from bench.encoders.base import InputSpec
from bench.encoders.rng import StepNoise

TINY = {"latent": 2, "hidden": [6], "epochs": 3, "batch_size": 16}


def _table(n: int = 30) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(n, 3)), columns=list("abc"))
    X["k"] = pd.Categorical(rng.choice(["x", "y", "z"], n))
    return X


def _objective(**noise) -> Reconstruction:
    """One numeric column and a 3-column one-hot block: groups (0, 1, 1, 1)."""
    return Reconstruction(inputs=InputSpec(n_numeric=4, cardinalities=(), dim=0, width=4),
                          hidden=(3,), latent=2, d_target=4, activation="relu", dropout=0.0,
                          groups=(0, 1, 1, 1), **noise)


def _batch(b: int = 64) -> torch.Tensor:
    rng = np.random.default_rng(1)
    onehot = np.eye(3)[rng.integers(0, 3, b)]
    return torch.as_tensor(np.column_stack([rng.normal(size=b), onehot]), dtype=torch.float32)[None]


def _noise(b: int = 64) -> StepNoise:
    return StepNoise(torch.tensor([3]), torch.tensor([1]), torch.tensor([b]))


def test_the_loss_is_the_mean_squared_error_per_row() -> None:
    objective = _objective()
    net = objective.build([torch.Generator().manual_seed(0)])
    x = _batch()
    with torch.no_grad():
        torch.testing.assert_close(objective.row_losses(net, x, x, None), (net(x) - x).pow(2).mean(-1))


def test_no_noise_leaves_the_input() -> None:
    assert torch.equal(_objective().corrupt(_batch(), _noise()), _batch())


def test_swap_noise_takes_values_from_other_rows_of_the_same_column() -> None:
    x = _batch()
    out = _objective(swap_noise=0.5).corrupt(x, _noise())
    assert set(out[0, :, 0].tolist()) <= set(x[0, :, 0].tolist())


def test_swap_noise_changes_about_its_fraction_of_entries() -> None:
    x = _batch(1000)
    changed = (_objective(swap_noise=0.3).corrupt(x, _noise(1000))[0, :, 0] != x[0, :, 0]).float().mean()
    assert 0.2 < float(changed) < 0.35  # a swap with its own row or an equal value changes nothing


def test_swap_noise_moves_a_one_hot_block_as_one() -> None:
    out = _objective(swap_noise=0.9).corrupt(_batch(), _noise())
    assert torch.equal(out[0, :, 1:].sum(-1), torch.ones(64))


def test_gaussian_noise_changes_the_numbers() -> None:
    x = _batch()
    assert not torch.equal(_objective(gaussian_noise=0.5).corrupt(x, _noise())[..., 0], x[..., 0])


def test_gaussian_noise_leaves_the_categorical_columns() -> None:
    """Only the first ``n_numeric`` input columns get noise; a level-code column keeps its value."""
    objective = Reconstruction(inputs=InputSpec(n_numeric=1, cardinalities=(3,), dim=2, width=2),
                               hidden=(3,), latent=2, d_target=4, activation="relu", dropout=0.0,
                               gaussian_noise=0.5, groups=(0, 1))
    x = torch.tensor([[[0.5, 2.0]] * 8])
    assert torch.equal(objective.corrupt(x, _noise(8))[..., 1], x[..., 1])


# -- the encoders ----------------------------------------------------------------------------

def test_ae_embeds_with_its_bottleneck() -> None:
    assert AutoencoderEncoder(**TINY).fit(_table()).transform(_table()).shape == (30, 2)


def test_ae_records_its_training() -> None:
    assert AutoencoderEncoder(**TINY).fit(_table()).train_result_.epochs_run == 3


def test_training_lowers_the_reconstruction_error() -> None:
    X = _table()
    short = AutoencoderEncoder(**{**TINY, "epochs": 1, "lr": 0.01}).fit(X).reconstruction_error(X)
    longer = AutoencoderEncoder(**{**TINY, "epochs": 60, "lr": 0.01}).fit(X).reconstruction_error(X)
    assert longer < short


def test_learned_categorical_embeddings_reconstruct_the_one_hot_table() -> None:
    encoder = AutoencoderEncoder(**TINY, categoricals="embedding").fit(_table())
    assert encoder.module_.decoder.layers[-1].weight.shape[-1] == 3 + 4  # 3 numbers + 3 levels + unseen


def test_dae_all_concatenates_every_hidden_layer() -> None:
    encoder = DenoisingAutoencoderEncoder(**TINY, embedding="all").fit(_table())
    assert encoder.transform(_table()).shape == (30, 2 + 2 * 6)


def test_dae_may_keep_an_overcomplete_bottleneck() -> None:
    encoder = DenoisingAutoencoderEncoder(**{**TINY, "latent": 20}, clip_latent=False).fit(_table())
    assert encoder.n_embedding_ == 20


@pytest.mark.parametrize("cls", [AutoencoderEncoder, DenoisingAutoencoderEncoder])
def test_the_same_seed_gives_the_same_embedding(cls) -> None:
    X = _table()
    np.testing.assert_array_equal(cls(**TINY, random_state=4).fit_transform(X),
                                  cls(**TINY, random_state=4).fit_transform(X))
