"""Many encoders in one batched program: the same results as one by one, whatever the batch.

The test bodies take a device: on the CPU they run everywhere; the ``cuda`` variants (marked
``gpu``) skip cleanly without CUDA and run the same checks on a GPU, where float reductions may
differ with the batch size, so results are compared within a tolerance instead of bit for bit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

import bench.encoders.many as many_module
from bench.encoders import fit_transform_many, make_encoder
from bench.encoders.trainer import threads, train_stacked

DEVICES = [
    "cpu",
    pytest.param("cuda", marks=[pytest.mark.gpu, pytest.mark.skipif(
        not torch.cuda.is_available(), reason="needs CUDA")]),
]
SMALL = {"latent": 3, "hidden": [12], "epochs": 10, "batch_size": 32}


def _table(n: int = 240, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.normal(size=(n, 6)), columns=[f"x{i}" for i in range(6)])
    X["c"] = pd.Categorical(rng.choice(list("abc"), n))
    y = ((X["x0"] + X["x1"] * X["x2"]) > 0).to_numpy().astype(np.int64)
    return X, y


def _subsets(n_models: int, n: int = 240, seed: int = 1) -> list[np.ndarray]:
    """Different training rows per model, as different folds have (sizes differ too)."""
    rng = np.random.default_rng(seed)
    return [np.sort(rng.choice(n, n - 40 - 7 * i, replace=False)) for i in range(n_models)]


def _close(a: np.ndarray, b: np.ndarray, device: str) -> None:
    if device == "cpu":
        np.testing.assert_array_equal(a, b)
    else:
        np.testing.assert_allclose(a, b, rtol=1e-3, atol=1e-4)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize(("name", "params"), [
    ("ae", {"dropout": 0.2, "patience": 2}),
    ("dae", {"swap_noise": 0.2, "gaussian_noise": 0.1, "embedding": "all"}),
    ("vae", {"categoricals": "embedding"}),
    ("mlp", {"mode": "crossfit", "crossfit_folds": 3, "dropout": 0.1}),
    ("mlp", {"mode": "oof-proba", "crossfit_folds": 3}),
    ("mlp", {"mode": "holdout"}),
])
def test_batched_equals_looped(device: str, name: str, params: dict) -> None:
    """Each model's embedding (training and test rows) is what it is when trained alone."""
    X, y = _table()
    subsets = _subsets(4)
    make = [lambda i=i: make_encoder(name, SMALL | params, random_state=10 + i, device=device)
            for i in range(4)]
    batched = [m() for m in make]
    outcomes = fit_transform_many(batched, [X.iloc[s] for s in subsets], [y[s] for s in subsets],
                                  task="binary")
    for m, enc, out, rows in zip(make, batched, outcomes, subsets, strict=True):
        alone = m()
        expected = alone.fit_transform(X.iloc[rows], y[rows], task="binary")
        _close(out.unwrap(), expected, device)
        _close(enc.transform(X), alone.transform(X), device)
        assert enc.train_result_.epochs_run == alone.train_result_.epochs_run


@pytest.mark.parametrize("device", DEVICES)
def test_a_model_does_not_depend_on_what_else_is_in_the_batch(device: str) -> None:
    """Same model alone, with two others, and last among four with different early stopping."""
    X, _ = _table()
    rows = _subsets(4)

    def fit(indices: list[int]) -> dict[int, np.ndarray]:
        encs = [make_encoder("ae", SMALL | {"dropout": 0.1, "patience": 1 + i % 3, "epochs": 25},
                             random_state=100 + i, device=device) for i in indices]
        outs = fit_transform_many(encs, [X.iloc[rows[i]] for i in indices], [None] * len(indices),
                                  task=None)
        return {i: o.unwrap() for i, o in zip(indices, outs, strict=True)}

    alone = fit([0])[0]
    _close(fit([2, 0, 1])[0], alone, device)
    _close(fit([3, 2, 1, 0])[0], alone, device)


@pytest.mark.parametrize("device", DEVICES)
def test_reconstruction_loss_distribution_batched_vs_looped(device: str) -> None:
    """M = 12 autoencoders: the distribution of reconstruction losses on held-out rows agrees
    within 5 % (mean and quartiles) between one batched program and twelve separate fits."""
    X, _ = _table(n=400, seed=3)
    test = X.iloc[300:]
    subsets = [np.sort(np.random.default_rng(i).choice(300, 240, replace=False)) for i in range(12)]
    params = {"latent": 4, "hidden": [16], "epochs": 15, "batch_size": 32}
    batched = [make_encoder("ae", params, random_state=i, device=device) for i in range(12)]
    fit_transform_many(batched, [X.iloc[s] for s in subsets], [None] * 12, task=None)
    looped = [make_encoder("ae", params, random_state=i, device=device).fit(X.iloc[s])
              for i, s in enumerate(subsets)]
    a = np.array([e.reconstruction_error(test) for e in batched])
    b = np.array([e.reconstruction_error(test) for e in looped])
    for stat in (np.mean, lambda v: np.quantile(v, 0.25), lambda v: np.quantile(v, 0.75)):
        assert abs(stat(a) - stat(b)) <= 0.05 * stat(b)
    assert a.mean() < 0.9  # they learned something: the mean predictor scores about 1


def test_crossfit_models_of_all_encoders_train_in_one_program(monkeypatch) -> None:
    """4 encoders × (reference + 3 cross-fitted) networks = one call with 16 models."""
    calls: list[int] = []

    def observed(objective, members, sources, config, *, device):
        calls.append(len(members))
        return train_stacked(objective, members, sources, config, device=device)

    monkeypatch.setattr(many_module, "train_stacked", observed)
    X, y = _table()
    subsets = _subsets(4)
    encs = [make_encoder("mlp", SMALL | {"crossfit_folds": 3}, random_state=i) for i in range(4)]
    outs = fit_transform_many(encs, [X.iloc[s] for s in subsets], [y[s] for s in subsets],
                              task="binary")
    assert all(o.error is None for o in outs)
    assert calls == [16]
    assert all(o.fit_s > 0 for o in outs)


def test_different_shapes_train_apart_and_one_failure_stays_local(monkeypatch) -> None:
    calls: list[int] = []

    def observed(objective, members, sources, config, *, device):
        calls.append(len(members))
        return train_stacked(objective, members, sources, config, device=device)

    monkeypatch.setattr(many_module, "train_stacked", observed)
    X, _ = _table()
    narrow = X.drop(columns=["x5"])
    inputs = [X.iloc[:200], narrow.iloc[:200], X.iloc[40:], X.iloc[:1], narrow.iloc[30:]]
    encs = [make_encoder("ae", SMALL, random_state=i) for i in range(5)]
    outs = fit_transform_many(encs, inputs, [None] * 5, task=None)
    assert "at least 2 training rows" in str(outs[3].error)
    assert [o.error is None for o in outs] == [True, True, True, False, True]
    assert sorted(calls) == [2, 2]  # (9 input columns) x 2 and (8 columns) x 2
    single = make_encoder("ae", SMALL, random_state=1).fit_transform(narrow.iloc[:200])
    np.testing.assert_array_equal(outs[1].unwrap(), single)


def test_mixed_encoder_kinds_fall_back_to_one_by_one() -> None:
    X, y = _table()
    encs = [make_encoder("pca", {"latent": 3}), make_encoder("rp", {"latent": 3}),
            make_encoder("ae", SMALL)]
    outs = fit_transform_many(encs, [X] * 3, [y] * 3, task="binary")
    assert [o.unwrap().shape for o in outs] == [(240, 3)] * 3
    np.testing.assert_array_equal(outs[0].unwrap(), make_encoder("pca", {"latent": 3}).fit_transform(X))


def test_large_batches_stay_independent() -> None:
    """Past 32 models vectorised kernels take other code paths (a reduction across the model
    axis, a vectorised pow rounded differently there); results must still match alone."""
    X, y = _table(n=120, seed=5)
    params = SMALL | {"epochs": 4, "batch_size": 8, "grad_clip": 0.05, "crossfit_folds": 3,
                      "activation": "gelu", "dropout": 0.1}  # many steps; clipping always on
    rows = [np.sort(np.random.default_rng(i).choice(120, 90, replace=False)) for i in range(10)]
    encs = [make_encoder("mlp", params, random_state=i) for i in range(10)]  # 40 networks
    outs = fit_transform_many(encs, [X.iloc[r] for r in rows], [y[r] for r in rows], task="binary")
    for i in (0, 9):
        alone = make_encoder("mlp", params, random_state=i).fit_transform(X.iloc[rows[i]], y[rows[i]],
                                                                          task="binary")
        np.testing.assert_array_equal(outs[i].unwrap(), alone)


def test_small_fits_use_one_thread_and_restore_the_setting() -> None:
    before = torch.get_num_threads()
    with threads(1_000, "cpu"):
        assert torch.get_num_threads() == 1
        with threads(1_000, "cpu"):
            assert torch.get_num_threads() == 1
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before
    with threads(1 << 40, "cpu"):
        assert torch.get_num_threads() == before  # large work keeps every thread
    make_encoder("ae", SMALL).fit(_table()[0])
    assert torch.get_num_threads() == before
