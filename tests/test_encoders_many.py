"""bench.encoders.many: fit_transform_many on tiny real encoders (the batching itself, with
many models and shapes, is covered in test_batched.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bench.encoders import make_encoder
from bench.encoders.many import FitOutcome, PlannedFit, fit_transform_many
from bench.errors import EncoderError

TINY = {"latent": 2, "hidden": [4], "epochs": 2, "batch_size": 16}


def _table(n: int = 40, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.normal(size=(n, 3)), columns=["a", "b", "c"])
    return X, (X["a"] > 0).to_numpy().astype(np.int64)


def test_an_empty_list_gives_no_outcomes() -> None:
    assert fit_transform_many([], [], [], task=None) == []


def test_a_network_encoder_plans_its_fit() -> None:
    assert isinstance(make_encoder("ae", TINY), PlannedFit)


def test_pca_does_not_plan_its_fit() -> None:
    assert not isinstance(make_encoder("pca", {"latent": 2}), PlannedFit)


@pytest.mark.parametrize("name", ["ae", "pca"])
def test_one_encoder_gives_its_own_fit_transform(name: str) -> None:
    X, _ = _table()
    params = TINY if name == "ae" else {"latent": 2}
    (out,) = fit_transform_many([make_encoder(name, params, random_state=3)], [X], [None], task=None)
    np.testing.assert_array_equal(out.unwrap(), make_encoder(name, params, random_state=3).fit_transform(X))


def test_outcomes_come_in_the_order_of_the_encoders() -> None:
    X, _ = _table()
    outs = fit_transform_many([make_encoder("ae", TINY, random_state=s) for s in (1, 2)],
                              [X, X], [None, None], task=None)
    np.testing.assert_array_equal(outs[1].unwrap(), make_encoder("ae", TINY, random_state=2).fit_transform(X))


def test_a_supervised_encoder_gets_its_targets() -> None:
    X, y = _table()
    mlp = {**TINY, "crossfit_folds": 2}
    (out,) = fit_transform_many([make_encoder("mlp", mlp, random_state=0)], [X], [y], task="binary")
    np.testing.assert_array_equal(out.unwrap(),
                                  make_encoder("mlp", mlp, random_state=0).fit_transform(X, y, task="binary"))


def test_fit_only_returns_no_embedding() -> None:
    X, _ = _table()
    (out,) = fit_transform_many([make_encoder("ae", TINY)], [X], [None], task=None, transform=False)
    assert out.embedding is None


def test_fit_only_leaves_the_encoder_fitted() -> None:
    X, _ = _table()
    encoder = make_encoder("ae", TINY)
    fit_transform_many([encoder], [X], [None], task=None, transform=False)
    assert encoder.transform(X).shape == (40, 2)


def test_a_failing_encoder_reports_its_error() -> None:
    X, _ = _table()
    outs = fit_transform_many([make_encoder("ae", TINY), make_encoder("ae", {**TINY, "latent": 0})],
                              [X, X], [None, None], task=None)
    assert isinstance(outs[1].error, EncoderError)


def test_a_failing_encoder_leaves_the_others_fitted() -> None:
    X, _ = _table()
    outs = fit_transform_many([make_encoder("ae", TINY), make_encoder("ae", {**TINY, "latent": 0})],
                              [X, X], [None, None], task=None)
    np.testing.assert_array_equal(outs[0].unwrap(), make_encoder("ae", TINY).fit_transform(X))


def test_every_fit_gets_a_positive_share_of_the_time() -> None:
    X, _ = _table()
    outs = fit_transform_many([make_encoder("ae", TINY, random_state=s) for s in (1, 2)],
                              [X, X], [None, None], task=None)
    assert min(o.fit_s for o in outs) > 0


def test_unwrap_raises_the_error() -> None:
    with pytest.raises(ValueError, match="boom"):
        FitOutcome(None, ValueError("boom"), 0.0).unwrap()


def test_unwrap_returns_the_embedding() -> None:
    embedding = np.zeros((2, 1))
    assert FitOutcome(embedding, None, 0.0).unwrap() is embedding
