"""bench.features: the three feature sets XGBoost trains on, on the device's arrays."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bench.arrays import tree_matrix
from bench.features import build_features, embedding_names

FRAME = pd.DataFrame({"a": [1.0, 2.0, 3.0], "c": pd.Categorical(["x", "y", "x"])},
                     index=[10, 11, 12])
RAW = tree_matrix(FRAME, "cpu")
EMB = np.arange(6, dtype=np.float32).reshape(3, 2)
CUDA = pytest.mark.gpu


def test_raw_is_the_raw_matrix_itself() -> None:
    assert build_features(RAW, EMB, "raw") is RAW


def test_raw_needs_no_embedding() -> None:
    assert build_features(RAW, None, "raw") is RAW


def test_emb_columns_are_named_emb_i() -> None:
    assert build_features(RAW, EMB, "emb").names == ("emb_0", "emb_1")


def test_emb_columns_are_numeric() -> None:
    assert build_features(RAW, EMB, "emb").types == ("q", "q")


def test_emb_holds_the_embedding_values() -> None:
    np.testing.assert_array_equal(build_features(RAW, EMB, "emb").values, EMB)


def test_raw_plus_emb_is_raw_then_emb() -> None:
    assert build_features(RAW, EMB, "raw+emb").names == ("a", "c", "emb_0", "emb_1")


def test_raw_plus_emb_keeps_the_categorical_type() -> None:
    assert build_features(RAW, EMB, "raw+emb").types == ("q", "c", "q", "q")


def test_raw_plus_emb_values_are_raw_then_embedding() -> None:
    expected = np.array([[1, 0, 0, 1], [2, 1, 2, 3], [3, 0, 4, 5]], dtype=np.float32)
    np.testing.assert_array_equal(build_features(RAW, EMB, "raw+emb").values, expected)


def test_raw_plus_emb_is_float32() -> None:
    assert build_features(RAW, EMB.astype(np.float64), "raw+emb").values.dtype == np.float32


def test_raw_plus_emb_renames_embedding_columns_that_clash() -> None:
    raw = tree_matrix(FRAME.rename(columns={"a": "emb_0"}), "cpu")
    assert build_features(raw, EMB, "raw+emb").names == ("emb_0", "c", "_emb_0", "_emb_1")


def test_embedding_names_without_clash() -> None:
    assert embedding_names(2, ("a",)) == ("emb_0", "emb_1")


@pytest.mark.parametrize("feature_set", ["emb", "raw+emb"])
def test_an_embedding_feature_set_without_embedding_is_an_error(feature_set: str) -> None:
    with pytest.raises(ValueError, match="needs an embedding"):
        build_features(RAW, None, feature_set)


def test_rows_must_align() -> None:
    with pytest.raises(ValueError, match="embedding has 2 rows but raw has 3"):
        build_features(RAW, EMB[:2], "emb")


def test_an_unknown_feature_set_is_an_error() -> None:
    with pytest.raises(ValueError, match="feature set must be raw, emb or raw"):
        build_features(RAW, EMB, "both")


@CUDA
def test_raw_plus_emb_is_put_together_on_the_gpu() -> None:
    cp = pytest.importorskip("cupy")
    if not cp.cuda.is_available():
        pytest.skip("needs CUDA")
    raw = tree_matrix(FRAME, "cuda")
    assert isinstance(build_features(raw, cp.asarray(EMB), "raw+emb").values, cp.ndarray)
