"""bench.data.sklearn_source: scikit-learn's toy datasets as normalized Datasets."""

from __future__ import annotations

import pytest

from bench.data.sklearn_source import load_sklearn


@pytest.mark.parametrize("name", ["iris", "wine", "breast_cancer", "digits", "diabetes"])
def test_sklearn_sources(name: str) -> None:
    ds = load_sklearn(name)
    assert ds.source == "sklearn"
    assert ds.task == ("regression" if name == "diabetes" else
                       "binary" if name == "breast_cancer" else "multiclass")
