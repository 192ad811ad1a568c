"""Encoder input preprocessing (quantile scaling, level codes) and suite-defined encoder variants."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.preprocessing import QuantileTransformer

from bench.encoders import encoder_mode, make_encoder, restricts_rows
from bench.encoders.rng import StepNoise
from bench.errors import ConfigError
from bench.plan import make_plan
from bench.preprocess import NetworkInputs
from bench.suite_loader import load_suite
from tests.helpers import write_suite


def _frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame({
        "x": np.concatenate([rng.exponential(size=50), [np.nan, 500.0]]),
        "c": pd.Categorical(list("ab" * 25) + ["z", None]),
    })


def test_quantile_scaling_uses_training_quantiles_only() -> None:
    X = _frame()
    train, test = X.iloc[:50], X.iloc[50:]
    pre = NetworkInputs(scaling="quantile").fit(train)
    reference = QuantileTransformer(n_quantiles=50, output_distribution="normal",
                                    subsample=1_000_000_000, random_state=0)
    reference.fit(train[["x"]].to_numpy())
    np.testing.assert_allclose(pre.numeric(train)[:, 0], reference.transform(train[["x"]].to_numpy())[:, 0],
                               rtol=1e-5, atol=1e-6)
    out = pre.numeric(test)[:, 0]
    median = np.median(train["x"])
    np.testing.assert_allclose(out[0], reference.transform([[median]])[0, 0], rtol=1e-5)  # imputed
    assert out[1] == pytest.approx(reference.transform([[train["x"].max()]])[0, 0])  # clipped
    np.testing.assert_array_equal(pre.fit_rows_, np.arange(50))


def test_level_codes_and_column_groups() -> None:
    X = _frame()
    pre = NetworkInputs().fit(X.iloc[:50])
    assert pre.levels_["c"] == ["a", "b"]
    assert pre.cardinalities_ == (3,)
    # unseen ("z") and missing values share the "other" code, as in the one-hot encoding
    np.testing.assert_array_equal(pre.codes(X.iloc[48:]).ravel(), [0, 1, 2, 2])
    np.testing.assert_array_equal(pre.column_groups(), [0, 1, 1, 1])
    onehot = pre.transform(X.iloc[48:])[:, 1:]
    np.testing.assert_array_equal(onehot.argmax(1), pre.codes(X.iloc[48:]).ravel())


def test_learned_categorical_embeddings_change_the_network_input_not_the_target() -> None:
    X = _frame().iloc[:50]
    enc = make_encoder("ae", {"latent": 2, "hidden": [4], "epochs": 2, "categoricals": "embedding",
                              "categorical_dim": 3}).fit(X)
    assert enc.module_.inputs.table.shape == (1, 3, 3)  # one model, 2 levels + other, width 3
    assert enc.n_inputs_ == 4
    assert enc._net_input(X).shape == (50, 2)
    assert enc.module_.decoder.layers[-1].weight.shape[-1] == 4  # reconstructs the one-hot table


def test_swap_noise_moves_whole_columns_between_rows_of_the_batch() -> None:
    """With p = 1 every column of every row comes from some row of the same mini-batch, and
    a one-hot block moves as one (still exactly one 1)."""
    X = _frame().iloc[:50]
    enc = make_encoder("dae", {"latent": 2, "swap_noise": 1.0, "epochs": 1}).fit(X)
    objective = enc._objective()
    x = enc._net_input(X).unsqueeze(0)
    noise = StepNoise(torch.tensor([5]), torch.tensor([1]), torch.tensor([50]))
    noisy = objective.corrupt(x, noise)[0].numpy()
    clean = x[0].numpy()
    for j in range(clean.shape[1]):
        assert set(noisy[:, j]) <= set(clean[:, j])
    np.testing.assert_array_equal(noisy[:, 1:].sum(1), 1.0)
    assert not np.array_equal(noisy, clean)
    again = objective.corrupt(x, noise)[0].numpy()
    np.testing.assert_array_equal(noisy, again)  # a function of (seed, step), nothing else


# -- suite variants -------------------------------------------------------------------------

def _suite(tmp_path, encoders: str, blocks: str):
    return write_suite(tmp_path, f"""
        name = "variants"
        [run]
        encoders = {encoders}
        {blocks}
        [[datasets]]
        source = "embedded"
        name = "iris"
        """)


def test_variants_of_an_encoder_and_the_holdout_raw_rows(tmp_path) -> None:
    suite = load_suite(_suite(tmp_path, '["mlp", "mlp_naive", "mlp_holdout"]', """
        [encoders.mlp_naive]
        type = "mlp"
        mode = "naive"
        [encoders.mlp_holdout]
        type = "mlp"
        mode = "holdout"
        """))
    assert encoder_mode("mlp") == "crossfit"
    assert encoder_mode("mlp_naive", suite.encoders["mlp_naive"]) == "naive"
    assert restricts_rows("mlp_holdout", suite.encoders["mlp_holdout"])
    assert not restricts_rows("mlp")
    plan = make_plan(suite)
    item = plan.items[0]
    assert item.restricted == ("mlp_holdout",)
    assert [k[4:] for k in item.encoder_keys("mlp_holdout")] == [
        ("mlp_holdout", "raw"), ("mlp_holdout", "emb"), ("mlp_holdout", "raw+emb")]
    assert len(item.row_keys()) == 1 + 3 * 2 + 1
    assert plan.n_rows == 8 * 3
    assert plan.n_units == 4 * 3  # raw + one fit per encoder, per item


@pytest.mark.parametrize(("encoders", "blocks", "match"), [
    ('["mlp_naive"]', "", "unknown encoder 'mlp_naive'"),
    ('["x"]', '[encoders.x]\ntype = "transformer"', "encoders.x: type must be one of"),
    ('["ae"]', '[encoders.ae]\ntype = "mlp"', "encoders.ae: a registered encoder cannot change"),
    ('["x"]', '[encoders.x]\ntype = "mlp"\nmode = "leaky"', "encoders.x: mode must be one of"),
    ('["x"]', '[encoders.x]\ntype = "pca"\nrandom_state = 3', "set by the harness"),
])
def test_bad_variants(tmp_path, encoders: str, blocks: str, match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        load_suite(_suite(tmp_path, encoders, blocks.replace("\n", "\n        ")))
