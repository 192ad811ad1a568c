"""Missing-column messages list the columns (up to 40) and always keep the closest match."""

from __future__ import annotations

from bench.data.columns import (
    MAX_LISTED,
    closest_column,
    list_columns,
    missing_column_message,
    unknown_columns_message,
)

WIDE = [f"feature_{i:03d}" for i in range(60)] + ["Label"]


def test_every_column_is_listed_up_to_the_limit() -> None:
    names = [f"c{i}" for i in range(MAX_LISTED)]
    assert list_columns(names) == ", ".join(names)


def test_past_the_limit_the_closest_match_is_kept() -> None:
    text = missing_column_message("target column", "label", WIDE)
    assert text.endswith("feature_039, ..., Label, ... (61 columns)")


def test_the_closest_match_is_named() -> None:
    assert "(did you mean 'Label'?)" in missing_column_message("target column", "label", WIDE)


def test_a_near_miss_is_found_by_difflib() -> None:
    assert closest_column("outcme", ["age", "income", "outcome"]) == "outcome"


def test_no_hint_without_a_close_column() -> None:
    assert missing_column_message("target column", "target", ["a", "b"]) == (
        "target column 'target' not found; columns are: a, b")


def test_unknown_categoricals_name_their_matches() -> None:
    text = unknown_columns_message("categorical", ["City"], ["city", "x"])
    assert text == ("categorical columns not in the table: ['City'] (did you mean 'City' → "
                    "'city'?); columns are: city, x")
