"""scikit-learn's bundled datasets (no download): iris, wine, breast_cancer, digits, diabetes."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from sklearn import datasets as skd

from bench.data.dataset import Dataset
from bench.data.normalize import normalize
from bench.errors import DataError

LOADERS: dict[str, tuple[Callable[..., object], str]] = {
    "iris": (skd.load_iris, "classification"),
    "wine": (skd.load_wine, "classification"),
    "breast_cancer": (skd.load_breast_cancer, "classification"),
    "digits": (skd.load_digits, "classification"),
    "diabetes": (skd.load_diabetes, "regression"),
}


def load_sklearn(name: str) -> Dataset:
    if name not in LOADERS:
        raise DataError(
            f"no bundled scikit-learn dataset {name!r}; bundled: {', '.join(sorted(LOADERS))}"
        )
    loader, task = LOADERS[name]
    bunch = loader(as_frame=True)
    frame = pd.concat([bunch.data, bunch.target.rename("__target__")], axis=1)
    return normalize(
        frame,
        target="__target__",
        name=name,
        source="sklearn",
        task=task,
        provenance=[f"sklearn.datasets.load_{name}"],
    )
