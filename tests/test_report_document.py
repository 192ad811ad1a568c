"""``bench.report.document``: inline spans and the document's tables and figures."""

from __future__ import annotations

import json

import pytest

from bench.report.document import (
    Bullets,
    Cell,
    Column,
    Document,
    Figure,
    Formula,
    Heading,
    Paragraph,
    Preformatted,
    Table,
    document_from_dict,
    document_to_dict,
    inline_tokens,
)

TABLE = Table("t", "caption", (Column("a"),), ((Cell("1"),),))
FIGURE = Figure("f", "a figure")
DOC = Document("r", (Heading("h"), TABLE, Paragraph("p"), FIGURE))


def test_inline_tokens_split_code_bold_and_text() -> None:
    assert inline_tokens("`a/b` beats **raw** by 2%") == [
        ("code", "a/b"), ("text", " beats "), ("bold", "raw"), ("text", " by 2%")]


def test_a_lone_backtick_is_text() -> None:
    assert inline_tokens("it`s") == [("text", "it`s")]


def test_empty_bold_markers_are_text() -> None:
    assert inline_tokens("a ** b") == [("text", "a ** b")]


def test_tables_are_the_table_blocks() -> None:
    assert DOC.tables == (TABLE,)


def test_figures_are_the_figure_blocks() -> None:
    assert DOC.figures == (FIGURE,)


def test_a_column_is_left_aligned_by_default() -> None:
    assert Column("x").align == "l"


def test_a_document_survives_its_dict_form() -> None:
    doc = Document("t", (Heading("h", 3), Paragraph("p"), Bullets(("a", "b")),
                         Table("k", "c", (Column("x", "r"),), ((Cell("1", True, "win"),),), True),
                         Figure("f", "cap"), Preformatted("pre"), Formula("x^2", "x²")))
    assert document_from_dict(json.loads(json.dumps(document_to_dict(doc)))) == doc


def test_an_unknown_block_type_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        document_from_dict({"title": "t", "blocks": [{"type": "Script"}]})
