"""bench.encoders.nets: M networks as stacked weights; each model computes what it would alone."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from bench.encoders.nets import (
    InputLayer,
    StackedAutoEncoder,
    StackedLinear,
    StackedMLP,
    StackedSupervisedMLP,
    StackedVAE,
)
from bench.encoders.rng import StepNoise


@pytest.fixture(autouse=True)
def _no_grad():
    """Forward passes only: no autograd graph (and no warning when reading a value)."""
    with torch.no_grad():
        yield


def _gens(*seeds: int) -> list[torch.Generator]:
    return [torch.Generator().manual_seed(s) for s in seeds]


def _x(m: int = 2, b: int = 5, d: int = 4) -> torch.Tensor:
    return torch.randn(m, b, d, generator=torch.Generator().manual_seed(9))


def _noise(m: int) -> StepNoise:
    return StepNoise(torch.arange(m, dtype=torch.int64), torch.zeros(m, dtype=torch.int64))


def _inputs(m: int, d: int = 4) -> InputLayer:
    return InputLayer(n_numeric=d, cardinalities=(), dim=0, generators=_gens(*range(m)))


# -- StackedLinear ---------------------------------------------------------------------------

def test_one_stacked_linear_is_an_nn_linear() -> None:
    layer = StackedLinear(d_in=4, d_out=3, generators=_gens(0))
    reference = nn.Linear(4, 3)
    with torch.no_grad():
        reference.weight.copy_(layer.weight[0].T)
        reference.bias.copy_(layer.bias[0, 0])
    x = _x(1)
    torch.testing.assert_close(layer(x)[0], reference(x[0]))


def test_a_model_is_initialised_from_its_own_generator_only() -> None:
    alone = StackedLinear(d_in=4, d_out=3, generators=_gens(7))
    stacked = StackedLinear(d_in=4, d_out=3, generators=_gens(1, 7))
    assert torch.equal(stacked.weight[1], alone.weight[0])


def test_weights_lie_within_the_nn_linear_bound() -> None:
    layer = StackedLinear(d_in=16, d_out=8, generators=_gens(0, 1))
    assert float(layer.weight.abs().max()) <= 1 / math.sqrt(16)


def test_a_model_computes_what_it_computes_alone() -> None:
    stacked = StackedLinear(d_in=4, d_out=3, generators=_gens(1, 7))
    alone = StackedLinear(d_in=4, d_out=3, generators=_gens(7))
    x = _x(2)
    torch.testing.assert_close(stacked(x)[1], alone(x[1:])[0], rtol=0, atol=0)


# -- StackedMLP ------------------------------------------------------------------------------

def test_the_last_layer_is_not_activated() -> None:
    mlp = StackedMLP(widths=[4, 8, 3], generators=_gens(0, 1))
    assert float(mlp(_x() * 10).min()) < 0


def test_last_activation_activates_the_last_layer() -> None:
    mlp = StackedMLP(widths=[4, 8, 3], generators=_gens(0, 1), last_activation=True)
    assert float(mlp(_x() * 10).min()) >= 0


def test_states_return_every_layer() -> None:
    mlp = StackedMLP(widths=[4, 8, 6, 3], generators=_gens(0))
    assert [s.shape[-1] for s in mlp.states(_x(1))] == [8, 6, 3]


def test_no_layers_is_the_identity() -> None:
    x = _x()
    assert torch.equal(StackedMLP(widths=[4], generators=_gens(0, 1))(x), x)


def test_dropout_without_noise_is_off() -> None:
    """Evaluation (no noise) is deterministic whatever the dropout."""
    mlp = StackedMLP(widths=[4, 8, 3], generators=_gens(0), dropout=0.5)
    plain = StackedMLP(widths=[4, 8, 3], generators=_gens(0))
    torch.testing.assert_close(mlp(_x(1)), plain(_x(1)), rtol=0, atol=0)


def test_dropout_with_noise_changes_the_output() -> None:
    mlp = StackedMLP(widths=[4, 8, 3], generators=_gens(0), dropout=0.5)
    assert not torch.equal(mlp(_x(1), _noise(1)), mlp(_x(1)))


def test_dropout_keeps_or_scales_the_hidden_units() -> None:
    mlp = StackedMLP(widths=[4, 64, 3], generators=_gens(0), dropout=0.5, last_activation=True)
    hidden, dropped = mlp.states(_x(1))[0], mlp.states(_x(1), _noise(1))[0]
    kept = dropped != 0
    torch.testing.assert_close(dropped[kept], 2 * hidden[kept])


# -- InputLayer ------------------------------------------------------------------------------

def test_one_hot_inputs_pass_through() -> None:
    x = _x()
    assert torch.equal(_inputs(2)(x), x)


def test_level_codes_become_embeddings_of_their_width() -> None:
    layer = InputLayer(n_numeric=2, cardinalities=(3, 4), dim=5, generators=_gens(0))
    assert layer.d_out == 2 + 2 * 5


def test_a_level_code_reads_its_row_of_the_table() -> None:
    layer = InputLayer(n_numeric=1, cardinalities=(3, 4), dim=2, generators=_gens(0))
    out = layer(torch.tensor([[[0.5, 2.0, 1.0]]]))
    torch.testing.assert_close(out[0, 0, 3:], layer.table[0, 3 + 1])


def test_numbers_pass_through_beside_level_codes() -> None:
    layer = InputLayer(n_numeric=1, cardinalities=(3,), dim=2, generators=_gens(0))
    assert float(layer(torch.tensor([[[0.5, 2.0]]]))[0, 0, 0]) == 0.5


# -- networks --------------------------------------------------------------------------------

def _ae() -> StackedAutoEncoder:
    return StackedAutoEncoder(inputs=_inputs(2), hidden=[8, 6], latent=2, d_target=4,
                              generators=_gens(0, 1))


def test_autoencoder_encodes_to_the_latent_width() -> None:
    assert _ae().encode(_x()).shape == (2, 5, 2)


def test_autoencoder_reconstructs_the_target_width() -> None:
    assert _ae()(_x()).shape == (2, 5, 4)


def test_autoencoder_encode_all_concatenates_every_hidden_layer() -> None:
    """8 + 6 (encoder) + 2 (bottleneck) + 6 + 8 (decoder hidden layers)."""
    assert _ae().encode_all(_x()).shape[-1] == 8 + 6 + 2 + 6 + 8


def _vae() -> StackedVAE:
    return StackedVAE(inputs=_inputs(2), hidden=[8], latent=2, d_target=4, generators=_gens(0, 1))


def test_vae_encodes_with_the_posterior_mean() -> None:
    vae, x = _vae(), _x()
    torch.testing.assert_close(vae.encode(x), vae(x)[1])


def test_vae_without_noise_decodes_the_mean() -> None:
    vae, x = _vae(), _x()
    torch.testing.assert_close(vae.reconstruct(x), vae.decoder(vae.encode(x)))


def test_vae_with_noise_decodes_a_sample() -> None:
    vae, x = _vae(), _x()
    assert not torch.equal(vae(x, _noise(2))[0], vae.reconstruct(x))


@pytest.mark.parametrize("scale", [1e3, -1e3])
def test_vae_log_variance_is_clamped(scale: float) -> None:
    vae = _vae()
    with torch.no_grad():
        vae.posterior.bias.fill_(scale)
    assert float(vae(_x())[2].abs().max()) <= 12.0


def test_supervised_mlp_predicts_its_output_width() -> None:
    net = StackedSupervisedMLP(inputs=_inputs(2), hidden=[8], latent=3, d_out=5, generators=_gens(0, 1))
    assert net(_x()).shape == (2, 5, 5)


def test_supervised_mlp_embedding_is_its_activated_last_hidden_layer() -> None:
    net = StackedSupervisedMLP(inputs=_inputs(2), hidden=[8], latent=3, d_out=5, generators=_gens(0, 1))
    assert float(net.encode(_x() * 10).min()) >= 0
