"""A small format-neutral document: the report is built once, then rendered as Markdown, LaTeX
and HTML, so the three always show the same numbers.

Inline text may contain ``code`` spans (backticks) and **bold** spans; renderers translate them.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

INLINE = re.compile(r"(`[^`]+`|\*\*[^*]+\*\*)")


def inline_tokens(text: str) -> list[tuple[str, str]]:
    """Split ``text`` into (kind, text) pieces, kind in {"text", "code", "bold"}."""
    out: list[tuple[str, str]] = []
    for piece in INLINE.split(text):
        if not piece:
            continue
        if piece.startswith("`") and piece.endswith("`") and len(piece) > 1:
            out.append(("code", piece[1:-1]))
        elif piece.startswith("**") and piece.endswith("**") and len(piece) > 4:
            out.append(("bold", piece[2:-2]))
        else:
            out.append(("text", piece))
    return out


@dataclass(frozen=True)
class Cell:
    """A table cell: ``mark`` is "win" / "loss" for a significant result against the baseline."""

    text: str
    bold: bool = False
    mark: str = ""


@dataclass(frozen=True)
class Column:
    title: str
    align: str = "l"  # l | r | c


@dataclass(frozen=True)
class Table:
    key: str  # file stem of its CSV/LaTeX fragment and LaTeX label
    caption: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    detail: bool = False  # long reference table: collapsed in md/html, left out of LaTeX


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Figure:
    key: str  # figures/<key>.png and .pdf
    caption: str


@dataclass(frozen=True)
class Preformatted:
    text: str


@dataclass(frozen=True)
class Formula:
    """A displayed formula: ``latex`` for LaTeX and Markdown (``$$…$$``), ``text`` (Unicode) for
    HTML and plain-text readers."""

    latex: str
    text: str


Block = Heading | Paragraph | Bullets | Table | Figure | Preformatted | Formula


@dataclass(frozen=True)
class Document:
    title: str
    blocks: tuple[Block, ...] = field(default_factory=tuple)

    @property
    def tables(self) -> tuple[Table, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Table))

    @property
    def figures(self) -> tuple[Figure, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Figure))


BLOCK_TYPES: dict[str, type] = {cls.__name__: cls for cls in (
    Heading, Paragraph, Bullets, Table, Figure, Preformatted, Formula)}


def document_to_dict(document: Document) -> dict:
    """``document`` as JSON-ready data (each block tagged with its type's name)."""
    return {"title": document.title,
            "blocks": [{"type": type(b).__name__, **asdict(b)} for b in document.blocks]}


def document_from_dict(data: dict) -> Document:
    """The inverse of :func:`document_to_dict`; a malformed input raises KeyError, TypeError or
    ValueError."""
    return Document(str(data["title"]), tuple(_block(dict(b)) for b in data["blocks"]))


def _block(data: dict) -> Block:
    kind = BLOCK_TYPES[data.pop("type")]
    if kind is Table:
        return Table(key=data["key"], caption=data["caption"],
                     columns=tuple(Column(**c) for c in data["columns"]),
                     rows=tuple(tuple(Cell(**c) for c in row) for row in data["rows"]),
                     detail=bool(data["detail"]))
    if kind is Bullets:
        return Bullets(tuple(data["items"]))
    return kind(**data)
