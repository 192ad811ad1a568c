"""bench.encoders.trainer: the training loop, checked against torch's own AdamW and gradient
clipping on a one-model autoencoder, and for per-model independence in a batch."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch

from bench.encoders.autoencoder import Reconstruction
from bench.encoders.base import InputSpec
from bench.encoders.trainer import (
    PARALLEL_MACS,
    Member,
    Source,
    TrainConfig,
    apply,
    threads,
    train_stacked,
)

D = 5
OBJECTIVE = Reconstruction(inputs=InputSpec(n_numeric=D, cardinalities=(), dim=0, width=D),
                           hidden=(4,), latent=2, d_target=D, activation="tanh", dropout=0.0)


def _source(n: int = 8, seed: int = 0) -> Source:
    return Source(torch.randn(n, D, generator=torch.Generator().manual_seed(seed)))


def _config(**changes) -> TrainConfig:
    base = dict(epochs=4, batch_size=8, lr=1e-2, weight_decay=1e-2, patience=100, grad_clip=1e6)
    return TrainConfig(**{**base, **changes})


def _train(members: list[Member], config: TrainConfig, source: Source | None = None):
    return train_stacked(OBJECTIVE, members, [source or _source()], config, device="cpu")


def _reference(config: TrainConfig, seed: int) -> torch.nn.Module:
    """The same network trained with torch.optim.AdamW and clip_grad_norm_ (full batch, no
    validation rows: the best epoch is the one with the lowest training loss)."""
    net = OBJECTIVE.build([torch.Generator().manual_seed(seed)])
    opt = torch.optim.AdamW(net.parameters(), lr=config.lr, betas=(0.9, 0.999), eps=1e-8,
                            weight_decay=config.weight_decay)
    x = _source().X.unsqueeze(0)
    best, best_state = float("inf"), None
    for _ in range(config.epochs):
        loss = (net(x) - x).pow(2).mean(-1).mean()
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), config.grad_clip)
        opt.step()
        if loss.item() < best - 1e-7:
            best, best_state = loss.item(), copy.deepcopy(net.state_dict())
    net.load_state_dict(best_state)
    return net


@pytest.mark.parametrize("grad_clip", [1e6, 0.05])
def test_one_model_trains_as_torch_adamw_with_clip_grad_norm(grad_clip: float) -> None:
    config = _config(grad_clip=grad_clip)
    (trained,) = _train([Member(0, np.arange(8), 3)], config)
    reference = _reference(config, 3)
    for ours, theirs in zip(trained.net.parameters(), reference.parameters(), strict=True):
        torch.testing.assert_close(ours, theirs, rtol=1e-5, atol=1e-6)


def test_models_come_back_in_member_order() -> None:
    members = [Member(0, np.arange(8), s) for s in (1, 2, 3)]
    alone = _train([members[2]], _config())[0]
    batched = _train(members, _config())[2]
    assert torch.equal(batched.net.encoder.layers[0].weight, alone.net.encoder.layers[0].weight)


def test_a_model_is_unaffected_by_a_batch_mate_with_other_rows() -> None:
    """Different rows (so a different number of mini-batches per epoch) and seeds."""
    source = _source(n=40)
    mine = Member(0, np.arange(0, 40, 2), 5)
    alone = _train([mine], _config(batch_size=4), source)[0]
    batched = _train([Member(0, np.arange(33), 6), mine], _config(batch_size=4), source)[1]
    assert torch.equal(batched.net.encoder.layers[0].weight, alone.net.encoder.layers[0].weight)


def test_members_may_read_different_sources() -> None:
    a, b = _source(seed=1), _source(seed=2)
    alone = train_stacked(OBJECTIVE, [Member(0, np.arange(8), 4)], [b], _config(), device="cpu")[0]
    batched = train_stacked(OBJECTIVE, [Member(0, np.arange(8), 4), Member(1, np.arange(8), 4)],
                            [a, b], _config(), device="cpu")[1]
    assert torch.equal(batched.net.encoder.layers[0].weight, alone.net.encoder.layers[0].weight)


def test_no_improvement_stops_after_patience_epochs() -> None:
    """lr = 0: the validation loss (fixed rows, fixed order) never improves after the first
    epoch; patience 2 stops at epoch 3."""
    (trained,) = _train([Member(0, np.arange(40), 0)], _config(epochs=50, lr=0.0, patience=2),
                        _source(40))
    assert trained.result.epochs_run == 3


def test_every_epoch_is_recorded() -> None:
    (trained,) = _train([Member(0, np.arange(8), 0)], _config(epochs=4))
    assert len(trained.result.val_loss) == 4


def test_the_best_epoch_has_the_lowest_validation_loss() -> None:
    (trained,) = _train([Member(0, np.arange(40), 0)], _config(epochs=6, lr=0.05), _source(40))
    r = trained.result
    assert r.best_val_loss == min(r.val_loss)


def test_ten_rows_or_more_keep_validation_rows_apart() -> None:
    """With validation rows the validation loss is not the training loss."""
    (trained,) = _train([Member(0, np.arange(40), 0)], _config(epochs=2), _source(40))
    assert trained.result.val_loss != trained.result.train_loss


def test_fewer_than_ten_rows_validate_on_the_training_loss() -> None:
    (trained,) = _train([Member(0, np.arange(8), 0)], _config(epochs=2))
    assert trained.result.val_loss == trained.result.train_loss


def test_a_trained_network_is_a_one_model_network() -> None:
    (trained,) = _train([Member(0, np.arange(8), 0)], _config(epochs=1))
    assert trained.net.encoder.layers[0].weight.shape[0] == 1


# -- apply, threads --------------------------------------------------------------------------

def test_apply_embeds_every_row() -> None:
    (trained,) = _train([Member(0, np.arange(8), 0)], _config(epochs=1))
    assert apply(trained.net, _source(n=11).X).shape == (11, 2)


def test_apply_returns_float32() -> None:
    (trained,) = _train([Member(0, np.arange(8), 0)], _config(epochs=1))
    assert apply(trained.net, _source().X).dtype == np.float32


def test_apply_equals_the_network_encode() -> None:
    (trained,) = _train([Member(0, np.arange(8), 0)], _config(epochs=1))
    X = _source().X
    with torch.no_grad():
        expected = trained.net.encode(X.unsqueeze(0))[0].numpy()
    np.testing.assert_array_equal(apply(trained.net, X), expected)


def test_apply_of_no_rows_is_empty() -> None:
    (trained,) = _train([Member(0, np.arange(8), 0)], _config(epochs=1))
    assert apply(trained.net, _source().X[:0]).shape == (0, 0)


def test_large_work_keeps_every_thread() -> None:
    before = torch.get_num_threads()
    with threads(PARALLEL_MACS, "cpu"):
        assert torch.get_num_threads() == before


def test_gpu_work_leaves_the_cpu_threads() -> None:
    before = torch.get_num_threads()
    with threads(1, "cuda"):
        assert torch.get_num_threads() == before


def test_nested_small_work_restores_the_setting_once_done() -> None:
    before = torch.get_num_threads()
    with threads(1, "cpu"), threads(1, "cpu"):
        pass
    assert torch.get_num_threads() == before
