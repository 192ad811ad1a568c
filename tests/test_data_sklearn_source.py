"""bench.data.sklearn_source: scikit-learn's toy datasets as normalized Datasets."""

from __future__ import annotations

import pytest

from bench.data.sklearn_source import load_sklearn
from bench.errors import DataError


@pytest.mark.parametrize("name", ["iris", "wine", "breast_cancer", "digits", "diabetes"])
def test_sklearn_sources(name: str) -> None:
    ds = load_sklearn(name)
    assert ds.source == "sklearn"
    assert ds.task == ("regression" if name == "diabetes" else
                       "binary" if name == "breast_cancer" else "multiclass")


def test_an_unknown_name_lists_the_bundled_ones() -> None:
    with pytest.raises(DataError, match=r"no bundled scikit-learn dataset 'iriss'; bundled: "
                                        r"breast_cancer, diabetes, digits, iris, wine$"):
        load_sklearn("iriss")


def test_the_provenance_names_the_loader() -> None:
    assert load_sklearn("wine").provenance[0] == "sklearn.datasets.load_wine"
