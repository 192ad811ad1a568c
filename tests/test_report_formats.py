"""``bench.report.formats.parse_formats``: comma lists, aliases, order kept, clear errors."""

from __future__ import annotations

import pytest

from bench.errors import ConfigError
from bench.report.formats import FORMATS, parse_formats


def test_a_comma_list_keeps_its_order() -> None:
    assert parse_formats("html,md") == ("html", "md")


def test_aliases_map_to_their_format() -> None:
    assert parse_formats("markdown, TEX") == ("md", "latex")


def test_repeats_are_dropped() -> None:
    assert parse_formats("md,markdown,md") == ("md",)


def test_an_iterable_is_accepted() -> None:
    assert parse_formats(FORMATS) == FORMATS


def test_an_unknown_format_is_named() -> None:
    with pytest.raises(ConfigError, match="unknown format 'pdf'"):
        parse_formats("md,pdf")


def test_an_empty_list_is_an_error() -> None:
    with pytest.raises(ConfigError, match="expected at least one of md, latex, csv, html"):
        parse_formats(" , ")
