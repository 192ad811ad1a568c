"""The task rule on the targets of 45 real datasets (PMLB, tests/data/pmlb_targets) and on edges."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bench.data.normalize import normalize
from bench.data.task_inference import infer_task
from bench.errors import DataError

FIXTURE = Path(__file__).parent / "data" / "pmlb_targets" / "pmlb_targets.parquet"

#: The datasets whose target is whole numbers with more than two values: they need `task`.
AMBIGUOUS = {
    "iris", "wine_recognition", "vehicle", "vowel", "cmc", "car", "splice", "dna", "satimage",
    "segmentation", "optdigits", "pendigits", "letter", "connect_4", "page_blocks",
    "wine_quality_red", "197_cpu_act", "537_houses", "201_pol", "1028_SWD", "1029_LEV",
    "1030_ERA", "230_machine_cpu", "195_auto_price",
}


def pmlb_targets() -> dict[str, tuple[str, pd.Series]]:
    """name -> (true task, target column with the dtype the file gives it)."""
    frame = pd.read_parquet(FIXTURE)
    out = {}
    for row in frame.itertuples():
        if row.target_int is not None:
            y = pd.Series(np.asarray(row.target_int, dtype="int64"), name="target")
        else:
            y = pd.Series(np.asarray(row.target_float, dtype="float64"), name="target")
        out[row.dataset] = (row.task, y)
    return out


TARGETS = pmlb_targets()


def test_fixture_holds_the_45_datasets() -> None:
    assert len(TARGETS) == 45


@pytest.mark.parametrize("name", sorted(set(TARGETS) - AMBIGUOUS))
def test_unambiguous_real_targets_match_the_manifest(name: str) -> None:
    task, y = TARGETS[name]
    guess = infer_task(y)
    assert (guess.ambiguous, guess.task) == (False, task)


@pytest.mark.parametrize("name", sorted(AMBIGUOUS))
def test_ambiguous_real_targets_are_reported(name: str) -> None:
    _, y = TARGETS[name]
    assert infer_task(y).ambiguous


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_the_guess_is_right_on_every_real_target(name: str) -> None:
    task, y = TARGETS[name]
    assert infer_task(y).task == task


@pytest.mark.parametrize("name", sorted(AMBIGUOUS))
def test_loading_an_ambiguous_target_without_task_stops_with_the_key(name: str) -> None:
    task, y = TARGETS[name]
    frame = pd.DataFrame({"x": np.arange(len(y), dtype="float64") % 7, "target": y})
    with pytest.raises(DataError, match=f'add `task = "{task}"`'):
        normalize(frame, target="target", name=name, source="local")


def test_infer_takes_the_guess_and_records_it() -> None:
    _, y = TARGETS["letter"]
    frame = pd.DataFrame({"x": np.arange(len(y), dtype="float64") % 7, "target": y})
    dataset = normalize(frame, target="target", name="letter", source="local", task="infer")
    assert dataset.task == "multiclass"
    assert dataset.n_classes == 26
    assert dataset.task_inferred
    assert dataset.summary()["task_inferred"] is True
    assert any(n.startswith("task guessed as classification (--infer-tasks): the target has 26 "
                            "distinct whole-number values") for n in dataset.provenance)


def test_an_unambiguous_target_is_not_marked_inferred() -> None:
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "target": ["a", "b", "a", "c"]})
    dataset = normalize(frame, target="target", name="t", source="local")
    assert not dataset.task_inferred
    assert "task inferred as classification (3 distinct text values)" in dataset.provenance


def test_openml_ambiguity_names_task_type_and_not_the_flag() -> None:
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "target": [1.0, 2.0, 3.0, 1.0]})
    with pytest.raises(DataError, match=r'add `task_type = "regression"`.*entry$'):
        normalize(frame, target="target", name="t", source="openml")


@pytest.mark.parametrize(
    ("values", "task", "ambiguous"),
    [
        (["a", "b", "c"], "classification", False),
        ([True, False, True], "classification", False),
        ([3, 7, 7], "classification", False),
        ([0.5, 1.5, 0.5], "classification", False),
        (np.linspace(0, 1, 50).tolist(), "regression", False),
        ([0.5, 1.5, 2.5, 0.5], "regression", True),  # a few decimals could be codes
        (["1", "2", "3"], "regression", True),  # text that is all numbers
        ([1, 2, 3, 2], "classification", True),
        ([1.0, 2.0, 3.0, 2.0], "regression", True),  # stored as floating point
        ([10, 500, 90000, 7], "regression", True),  # integers far apart
    ],
)
def test_rule_edges(values: list[object], task: str, ambiguous: bool) -> None:
    guess = infer_task(pd.Series(values))
    assert (guess.task, guess.ambiguous) == (task, ambiguous)


def test_categorical_target_is_classification_whatever_its_values() -> None:
    y = pd.Series(pd.Categorical([1, 2, 3, 4, 5]))
    assert infer_task(y)[:2] == ("classification", False)


def test_missing_values_are_ignored() -> None:
    y = pd.Series([0.0, 1.0, None, 1.0])
    assert infer_task(y)[:3] == ("classification", False, 2)


def test_message_shows_count_and_a_few_values() -> None:
    _, y = TARGETS["1030_ERA"]
    assert infer_task(y).describe() == (
        "9 distinct whole-number values stored as floating point (1, 2, 3, 4, 5, ...)")
