"""Preprocessing statistics come from training rows only."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bench.preprocess import NetworkInputs, TreeInputs


def _frame() -> pd.DataFrame:
    return pd.DataFrame({
        "x": [1.0, 2.0, np.nan, 4.0, 100.0, -50.0],
        "c": pd.Categorical(["a", "b", "a", "c", "z", "a"]),
    })


def test_network_inputs_use_training_statistics_only() -> None:
    X = _frame()
    train, test = X.iloc[:4], X.iloc[4:]
    pre = NetworkInputs().fit(train)
    np.testing.assert_array_equal(pre.fit_rows_, [0, 1, 2, 3])
    out = pre.transform(test)
    filled = np.array([1.0, 2.0, 2.0, 4.0])  # NaN -> training median 2.0
    expected_x = (np.array([100.0, -50.0]) - filled.mean()) / filled.std()
    np.testing.assert_allclose(out[:, 0], expected_x, rtol=1e-6)
    # one-hot on training levels a, b, c (+ other); "z" was never seen in training
    assert pre.levels_["c"] == ["a", "b", "c"]
    np.testing.assert_array_equal(out[:, 1:], [[0, 0, 0, 1], [1, 0, 0, 0]])
    train_out = pre.transform(train)
    np.testing.assert_allclose(train_out[:, 0].mean(), 0.0, atol=1e-6)


def test_network_inputs_cap_levels() -> None:
    X = pd.DataFrame({"c": pd.Categorical(list("aaabbc"))})
    pre = NetworkInputs(max_levels=2).fit(X)
    assert pre.levels_["c"] == ["a", "b"]
    assert pre.n_output_ == 3
    np.testing.assert_array_equal(pre.transform(X)[-1], [0, 0, 1])


def test_tree_inputs_unseen_levels_become_missing() -> None:
    X = _frame()
    tree = TreeInputs().fit(X.iloc[:4])
    out = tree.transform(X.iloc[4:])
    assert list(out["c"].cat.categories) == ["a", "b", "c"]
    assert pd.isna(out["c"].iloc[0])
    assert out["c"].iloc[1] == "a"
    assert np.isnan(out["x"]).sum() == 0
    assert out["x"].iloc[0] == 100.0
    # the same level gets the same code in training and test
    train = tree.transform(X.iloc[:4])
    assert train["c"].cat.codes.iloc[0] == out["c"].cat.codes.iloc[1]
