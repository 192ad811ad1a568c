"""Which task a target column asks for, when the suite does not say: the rule and the guess.

Unambiguous targets need no ``task`` key: text, booleans, categoricals and any target with two
distinct values mean classification; numbers that are not all whole mean regression (unless
there are only a handful of them). Everything else is **ambiguous** and is never decided
silently: whole numbers with more than two distinct values (class codes 1..26, or a count with
a few values?), a few distinct decimal values, or text that is all numbers. For those the suite
must say ``task = ...`` (``task_type`` for an OpenML dataset entry), or the user asks for the
guess with ``--infer-tasks`` (``task = "infer"``), which is then recorded in the provenance.

The guess for an ambiguous target: values stored as floating point (``2.0``) mean regression,
integer codes that cover a compact range with at most :data:`MAX_GUESSED_CLASSES` values mean
classification, anything else regression. On the 45 PMLB datasets it matches the true task
everywhere (``tests/test_data_task_inference.py``).
"""

from __future__ import annotations

from typing import Literal, NamedTuple

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

Task = Literal["classification", "regression"]

#: Ambiguous integer codes with at most this many distinct values are guessed to be classes.
MAX_GUESSED_CLASSES = 100
#: Non-whole numbers with at most this many distinct values could be class codes too.
FEW_DECIMAL_VALUES = 10
#: How many distinct values a message shows.
SHOWN_VALUES = 5
#: Provenance notes of a guessed (ambiguous) task start with this; ``Dataset.task_inferred``
#: reads it.
GUESSED_NOTE = "task guessed"


class TaskGuess(NamedTuple):
    """The task a target column suggests, whether another reading is plausible, and why."""

    task: Task
    ambiguous: bool
    n_distinct: int
    examples: tuple[str, ...]
    reason: str

    def describe(self) -> str:
        """``26 distinct integer values (1, 2, 3, 4, 5, ...)``."""
        more = ", ..." if self.n_distinct > len(self.examples) else ""
        return f"{self.reason} ({', '.join(self.examples)}{more})"


def infer_task(y: pd.Series) -> TaskGuess:
    """The task ``y`` (missing values ignored) suggests; see the module docstring for the rule."""
    values = y.dropna()
    if isinstance(y.dtype, pd.CategoricalDtype) or ptypes.is_bool_dtype(y):
        kind = "categorical" if isinstance(y.dtype, pd.CategoricalDtype) else "boolean"
        return _guess("classification", False, values, f"{kind} target")
    distinct = pd.unique(values)
    if len(distinct) <= 2:
        return _guess("classification", False, values, f"{len(distinct)} distinct values")
    if not ptypes.is_numeric_dtype(y):
        parsed = pd.to_numeric(values, errors="coerce")
        if parsed.notna().all():
            return _guess(_guess_numbers(parsed, stored_float=True), True, values,
                          f"{len(distinct)} distinct values, text that is all numbers")
        return _guess("classification", False, values, f"{len(distinct)} distinct text values")
    numbers = values.to_numpy(dtype="float64")
    finite = numbers[np.isfinite(numbers)]
    whole = bool(np.all(finite == np.round(finite)))
    if not whole:
        few = len(distinct) <= FEW_DECIMAL_VALUES
        reason = f"{len(distinct)} distinct {'decimal' if few else 'non-integer'} values"
        return _guess("regression", few, values, reason)
    stored_float = ptypes.is_float_dtype(y)
    reason = f"{len(distinct)} distinct whole-number values" + (
        " stored as floating point" if stored_float else "")
    return _guess(_guess_numbers(values, stored_float=stored_float), True, values, reason)


def _guess_numbers(values: pd.Series, *, stored_float: bool) -> Task:
    """The better guess for numbers that could be either: compact integer codes are classes."""
    numbers = np.unique(values.to_numpy(dtype="float64"))
    if stored_float or not np.all(numbers == np.round(numbers)):
        return "regression"
    span = numbers.max() - numbers.min() + 1
    compact = span <= 2 * len(numbers)
    return "classification" if compact and len(numbers) <= MAX_GUESSED_CLASSES else "regression"


def _guess(task: Task, ambiguous: bool, values: pd.Series, reason: str) -> TaskGuess:
    distinct = pd.unique(values)
    try:
        shown = sorted(distinct)[:SHOWN_VALUES]
    except TypeError:  # mixed types
        shown = list(distinct[:SHOWN_VALUES])
    return TaskGuess(task, ambiguous, len(distinct), tuple(_show(v) for v in shown), reason)


def _show(value: object) -> str:
    if isinstance(value, float | np.floating):
        return f"{float(value):.6g}"
    return str(value)


def ambiguity_message(guess: TaskGuess, *, key: str = "task", can_infer: bool = True) -> str:
    """One line: what makes the target ambiguous, the guess, and the exact key to add."""
    infer = f", or pass --infer-tasks to use the guess ({guess.task})" if can_infer else ""
    return (f"the task is ambiguous: the target has {guess.describe()}; add "
            f'`{key} = "{guess.task}"` (or "{_other(guess.task)}") to its [[datasets]] entry'
            f"{infer}")


def guessed_note(guess: TaskGuess) -> str:
    """The provenance note of a task taken from the guess (``--infer-tasks``)."""
    return (f"{GUESSED_NOTE} as {guess.task} (--infer-tasks): the target has "
            f"{guess.describe()}, which could also be {_other(guess.task)}")


def _other(task: Task) -> Task:
    return "regression" if task == "classification" else "classification"
