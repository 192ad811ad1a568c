"""Naming a missing column: every column of the table (up to :data:`MAX_LISTED`), and always
the closest match (``difflib``), so the column the user meant is never cut off."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

#: Column lists longer than this are shortened (the closest matches are always kept).
MAX_LISTED = 40


def closest_column(wanted: str, columns: Sequence[object]) -> str | None:
    """The column most like ``wanted`` (case-insensitive first), or None if none is close."""
    names = [str(c) for c in columns]
    by_case = [n for n in names if n.casefold() == wanted.casefold()]
    if by_case:
        return by_case[0]
    lowered = {n.casefold(): n for n in reversed(names)}
    match = difflib.get_close_matches(wanted.casefold(), list(lowered), n=1, cutoff=0.6)
    return lowered[match[0]] if match else None


def missing_column_message(what: str, wanted: str, columns: Sequence[object]) -> str:
    """``target column 'clas' not found (did you mean 'class'?); columns are: a, b, class``."""
    return f"{what} {wanted!r} not found{column_hint(wanted, columns)}"


def column_hint(wanted: str, columns: Sequence[object]) -> str:
    """`` (did you mean 'class'?); columns are: a, b, class``: what follows "not found"."""
    names = [str(c) for c in columns]
    guess = closest_column(wanted, names)
    hint = f" (did you mean {guess!r}?)" if guess is not None else ""
    return f"{hint}; columns are: {list_columns(names, keep=guess)}"


def list_columns(columns: Sequence[object], *, keep: str | None = None) -> str:
    """All column names up to :data:`MAX_LISTED`; past that the first ones, ``keep`` (the
    closest match) if it was cut, and how many there are."""
    names = [str(c) for c in columns]
    if len(names) <= MAX_LISTED:
        return ", ".join(names)
    shown = names[:MAX_LISTED]
    if keep is not None and keep not in shown:
        shown += ["...", keep]
    return f"{', '.join(shown)}, ... ({len(names)} columns)"


def unknown_columns_message(what: str, unknown: Sequence[str], columns: Sequence[object]) -> str:
    """``categorical columns not in the table: ['Sex'] (did you mean 'Sex' → 'sex'?); columns
    are: ...``."""
    names = [str(c) for c in columns]
    guesses = {u: closest_column(u, names) for u in unknown}
    hints = [f"{u!r} → {g!r}" for u, g in guesses.items() if g is not None]
    hint = f" (did you mean {', '.join(hints)}?)" if hints else ""
    first = next((g for g in guesses.values() if g is not None), None)
    return (f"{what} columns not in the table: {list(unknown)}{hint}; "
            f"columns are: {list_columns(names, keep=first)}")
