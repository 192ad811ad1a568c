"""bench.data.dataset: the one object every source produces, its derived sizes and content hash."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bench.data.embedded import load_embedded
from bench.data.normalize import normalize


def test_content_hash_changes_with_data() -> None:
    a = load_embedded("iris")
    b = normalize(pd.concat([a.X, pd.Series(a.y, name="target")], axis=1).iloc[1:],
                  target="target", name="iris", source="local", task="classification")
    assert a.content_hash == load_embedded("iris").content_hash
    assert a.content_hash != b.content_hash


def test_a_regression_dataset_has_no_classes() -> None:
    assert load_embedded("230_machine_cpu").n_classes == 0


def test_a_classification_dataset_counts_its_classes() -> None:
    assert load_embedded("iris").n_classes == 3


def test_a_guessed_task_is_marked_inferred() -> None:
    frame = pd.DataFrame({"x": np.arange(30.0), "target": [0, 1, 2] * 10})
    ds = normalize(frame, target="target", name="t", source="local", task="infer")
    assert ds.task_inferred


def test_a_declared_task_is_not_marked_inferred() -> None:
    assert not load_embedded("iris").task_inferred


def test_the_summary_counts_the_rows() -> None:
    assert load_embedded("iris").summary()["rows"] == 150

