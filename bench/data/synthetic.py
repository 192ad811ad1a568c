"""``source = "synthetic"``: a table drawn by scikit-learn's ``make_classification`` or
``make_regression`` — deterministic (the entry's ``seed``), recorded in the provenance."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn import datasets as skd

from bench.config import SyntheticSpec
from bench.data.dataset import Dataset
from bench.data.normalize import normalize


def load_synthetic(spec: SyntheticSpec) -> Dataset:
    """Draw the table ``spec`` describes (float32 features, as XGBoost reads them)."""
    common = {"n_samples": spec.rows, "n_features": spec.features,
              "n_informative": spec.informative, "random_state": spec.seed}
    if spec.generator == "make_classification":
        call = {**common, "n_classes": spec.n_classes, "n_redundant": 0}
        X, y = skd.make_classification(**call)
        task = "classification"
        target = pd.Series([f"c{v}" for v in range(spec.n_classes)], dtype=object).to_numpy()[y]
    else:
        call = common
        X, y = skd.make_regression(**call)
        task, target = "regression", y
    columns = [f"x{i}" for i in range(spec.features)]
    frame = pd.DataFrame(X.astype(np.float32).astype(np.float64), columns=columns)
    frame["__target__"] = target
    arguments = ", ".join(f"{k}={v!r}" for k, v in call.items())
    return normalize(frame, target="__target__", name=spec.name, source="synthetic", task=task,
                     provenance=[f"sklearn.datasets.{spec.generator}({arguments})",
                                 "features rounded to float32"])
