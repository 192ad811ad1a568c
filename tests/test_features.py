"""bench.features: the three feature sets XGBoost trains on."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bench.features import build_features, embedding_frame

RAW = pd.DataFrame({"a": [1.0, 2.0, 3.0], "c": pd.Categorical(["x", "y", "x"])}, index=[10, 11, 12])
EMB = np.arange(6, dtype=np.float32).reshape(3, 2)


def test_raw_is_the_raw_frame_itself() -> None:
    assert build_features(RAW, EMB, "raw") is RAW


def test_raw_needs_no_embedding() -> None:
    assert build_features(RAW, None, "raw") is RAW


def test_emb_columns_are_named_emb_i() -> None:
    assert list(build_features(RAW, EMB, "emb").columns) == ["emb_0", "emb_1"]


def test_emb_keeps_the_raw_index() -> None:
    assert list(build_features(RAW, EMB, "emb").index) == [10, 11, 12]


def test_emb_holds_the_embedding_values() -> None:
    np.testing.assert_array_equal(build_features(RAW, EMB, "emb").to_numpy(), EMB)


def test_raw_plus_emb_is_raw_then_emb() -> None:
    assert list(build_features(RAW, EMB, "raw+emb").columns) == ["a", "c", "emb_0", "emb_1"]


def test_raw_plus_emb_keeps_categorical_dtypes() -> None:
    assert isinstance(build_features(RAW, EMB, "raw+emb")["c"].dtype, pd.CategoricalDtype)


def test_raw_plus_emb_renames_embedding_columns_that_clash() -> None:
    raw = RAW.rename(columns={"a": "emb_0"})
    assert list(build_features(raw, EMB, "raw+emb").columns) == ["emb_0", "c", "_emb_0", "_emb_1"]


@pytest.mark.parametrize("feature_set", ["emb", "raw+emb"])
def test_an_embedding_feature_set_without_embedding_is_an_error(feature_set: str) -> None:
    with pytest.raises(ValueError, match="needs an embedding"):
        build_features(RAW, None, feature_set)


def test_rows_must_align() -> None:
    with pytest.raises(ValueError, match="embedding has 2 rows but raw has 3"):
        build_features(RAW, EMB[:2], "emb")


def test_embedding_frame_uses_the_given_index() -> None:
    assert list(embedding_frame(EMB, pd.Index([5, 6, 7])).index) == [5, 6, 7]
