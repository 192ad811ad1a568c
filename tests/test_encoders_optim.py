"""bench.encoders.optim: the stacked models' AdamW step and early-stopping state, directly."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from bench.encoders.optim import State, adamw_step
from bench.encoders.trainer import Member, TrainConfig, TrainResult

CONFIG = TrainConfig(epochs=5, batch_size=4, lr=0.1, weight_decay=0.01, patience=2, grad_clip=1e6)


class Stacked(nn.Module):
    """Two models' weights stacked on the first axis, as bench.encoders.nets lays them out."""

    def __init__(self) -> None:
        super().__init__()
        self.w = nn.Parameter(torch.tensor([[[1.0, -2.0]], [[0.5, 3.0]]]))


def _members(m: int = 2) -> list[Member]:
    return [Member(0, np.arange(4), seed) for seed in range(m)]


def test_one_active_step_is_torch_adamw() -> None:
    net = Stacked()
    state = State.start(net, _members(), "cpu")
    net.w.grad = torch.tensor([[[0.3, -0.1]], [[0.2, 0.4]]])
    reference = nn.Parameter(net.w.detach()[0].clone())
    reference.grad = net.w.grad[0].clone()
    torch_adamw = torch.optim.AdamW([reference], lr=CONFIG.lr, weight_decay=CONFIG.weight_decay)
    adamw_step(net, state, torch.tensor([True, True]), CONFIG)
    torch_adamw.step()
    torch.testing.assert_close(net.w.detach()[0], reference.detach(), rtol=1e-6, atol=1e-7)


def test_an_inactive_model_is_left_unchanged() -> None:
    net = Stacked()
    before = net.w.detach()[1].clone()
    state = State.start(net, _members(), "cpu")
    net.w.grad = torch.ones_like(net.w)
    adamw_step(net, state, torch.tensor([True, False]), CONFIG)
    assert torch.equal(net.w.detach()[1], before)


def test_a_model_stops_after_patience_epochs_without_improvement() -> None:
    net = Stacked()
    state = State.start(net, _members(), "cpu")
    results = [TrainResult() for _ in range(2)]
    stops = [state.after_epoch(net, results, epoch, np.zeros(2), np.array([1.0, 5.0 - epoch]),
                               CONFIG) for epoch in range(3)]
    assert stops == [[], [], [0]]


def test_drop_removes_a_model_from_every_stacked_tensor() -> None:
    net = Stacked()
    state = State.start(net, _members(), "cpu")
    state.drop(net, [0])
    assert net.w.shape[0] == 1
    assert state.ids == [1]
    assert state.exp_avg[0].shape[0] == 1
