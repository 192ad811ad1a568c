"""``report.html``: one self-contained file (inline CSS, figures embedded as base64 PNG)."""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Mapping

from bench.report.document import (
    Bullets,
    Cell,
    Document,
    Figure,
    Formula,
    Heading,
    Paragraph,
    Preformatted,
    Table,
    inline_tokens,
)

STYLE = """
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; max-width: 1400px;
       margin: 2em auto; padding: 0 1em; color: #1f2328; line-height: 1.45; }
nav.toc { font-size: 0.9em; padding: 0.4em 0.8em; background: #f6f8fa; border-radius: 6px; }
nav.toc a { white-space: nowrap; }
section.answer { border-left: 4px solid #0969da; padding: 0.1em 1em; background: #f6f8fa; }
table { border-collapse: separate; border-spacing: 0; margin: 0.5em 0 1.5em; font-size: 0.85em; }
th, td { border-bottom: 1px solid #d0d7de; padding: 3px 6px; background: #ffffff; }
th { border-bottom: 2px solid #1f2328; background: #f6f8fa; vertical-align: bottom; }
thead th { position: sticky; top: 0; z-index: 2; }
tr > :first-child { position: sticky; left: 0; z-index: 1; }
thead th:first-child { z-index: 3; }
caption { caption-side: top; text-align: left; font-style: italic; padding-bottom: 4px; }
td.r { text-align: right; white-space: nowrap; } td.c { text-align: center; white-space: nowrap; }
.scroll { overflow: auto; max-height: 85vh; }
.win { color: #1a7f37; } .loss { color: #cf222e; }
code { background: #f6f8fa; padding: 0 3px; border-radius: 3px; }
pre { background: #f6f8fa; padding: 1em; overflow-x: auto; }
.formula { font-family: "STIX Two Math", "Cambria Math", serif; font-size: 1.1em; margin: 0.6em 2em; }
figure img { max-width: 100%; } figcaption { font-style: italic; }
"""
MARKS = {"win": ' <span class="win">▲</span>', "loss": ' <span class="loss">▼</span>', "": ""}


def render_html(document: Document, images: Mapping[str, bytes]) -> str:
    """``images`` maps a figure key to its PNG bytes; a figure without bytes is skipped.

    The page opens with a table of contents (the level-2 headings) and the answer, boxed."""
    body = [f"<h1>{_inline(document.title)}</h1>", _contents(document)]
    blocks = document.blocks
    i = 0
    while i < len(blocks):
        if _is_answer(blocks[i]) and i + 1 < len(blocks):  # box the answer with its paragraph
            body.append('<section class="answer">' + _block(blocks[i], images) + "\n"
                        + _block(blocks[i + 1], images) + "</section>")
            i += 2
            continue
        body.append(_block(blocks[i], images))
        i += 1
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{html.escape(document.title)}</title>\n<style>{STYLE}</style>\n</head>\n"
            "<body>\n" + "\n".join(b for b in body if b) + "\n</body>\n</html>\n")


def _is_answer(block) -> bool:
    return isinstance(block, Heading) and block.level == 2 and block.text == "Answer"


def section_id(text: str) -> str:
    """A heading's anchor: "Against `raw` across datasets" -> "sec-against-raw-across-datasets"."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    return "sec-" + "-".join(words)


def _contents(document: Document) -> str:
    links = [f'<a href="#{section_id(b.text)}">{_inline(b.text)}</a>' for b in document.blocks
             if isinstance(b, Heading) and b.level == 2]
    if not links:
        return ""
    return '<nav class="toc"><strong>Contents:</strong> ' + " · ".join(links) + "</nav>"


def _inline(text: str) -> str:
    parts = []
    for kind, piece in inline_tokens(text):
        escaped = html.escape(piece, quote=False)
        parts.append({"code": f"<code>{escaped}</code>", "bold": f"<strong>{escaped}</strong>"}
                     .get(kind, escaped))
    return "".join(parts)


def _block(block, images: Mapping[str, bytes]) -> str:
    if isinstance(block, Heading):
        level = min(max(block.level, 2), 4)
        return f'<h{level} id="{section_id(block.text)}">{_inline(block.text)}</h{level}>'
    if isinstance(block, Paragraph):
        return f"<p>{_inline(block.text)}</p>"
    if isinstance(block, Bullets):
        return "<ul>\n" + "\n".join(f"<li>{_inline(i)}</li>" for i in block.items) + "\n</ul>"
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Figure):
        data = images.get(block.key)
        if data is None:
            return ""
        encoded = base64.b64encode(data).decode("ascii")
        return (f'<figure id="fig-{block.key}"><img alt="{html.escape(block.caption)}" '
                f'src="data:image/png;base64,{encoded}">'
                f"<figcaption>{_inline(block.caption)}</figcaption></figure>")
    if isinstance(block, Preformatted):
        return f"<pre>{html.escape(block.text, quote=False)}</pre>"
    if isinstance(block, Formula):
        return f'<div class="formula">{html.escape(block.text, quote=False)}</div>'
    raise TypeError(f"unknown block {type(block).__name__}")


def _table(table: Table) -> str:
    head = "".join(f"<th>{_inline(c.title)}</th>" for c in table.columns)
    rows = "\n".join(
        "<tr>" + "".join(_cell(cell, col.align) for cell, col in zip(row, table.columns,
                                                                      strict=True)) + "</tr>"
        for row in table.rows)
    out = (f'<div class="scroll"><table id="tab-{table.key}">\n'
           f"<caption>{_inline(table.caption)}</caption>\n"
           f"<thead><tr>{head}</tr></thead>\n<tbody>\n{rows}\n</tbody>\n</table></div>")
    if table.detail:
        return f"<details><summary>{_inline(table.caption)}</summary>\n{out}\n</details>"
    return out


def _cell(cell: Cell, align: str) -> str:
    text = _inline(cell.text)
    if cell.bold and text:
        text = f"<strong>{text}</strong>"
    css = f' class="{align}"' if align in ("r", "c") else ""
    return f"<td{css}>{text}{MARKS[cell.mark]}</td>"
