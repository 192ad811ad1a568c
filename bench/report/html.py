"""``report.html``: one self-contained file (inline CSS, figures embedded as base64 PNG)."""

from __future__ import annotations

import base64
import html
from collections.abc import Mapping

from bench.report.document import (
    Bullets,
    Cell,
    Document,
    Figure,
    Heading,
    Paragraph,
    Preformatted,
    Table,
    inline_tokens,
)

STYLE = """
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; max-width: 1200px;
       margin: 2em auto; padding: 0 1em; color: #1f2328; line-height: 1.45; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.9em; }
th, td { border-top: 1px solid #d0d7de; border-bottom: 1px solid #d0d7de; padding: 4px 8px; }
th { border-bottom: 2px solid #1f2328; background: #f6f8fa; }
caption { caption-side: top; text-align: left; font-style: italic; padding-bottom: 4px; }
td.r { text-align: right; white-space: nowrap; } td.c { text-align: center; white-space: nowrap; }
.scroll { overflow-x: auto; }
.win { color: #1a7f37; } .loss { color: #cf222e; }
code { background: #f6f8fa; padding: 0 3px; border-radius: 3px; }
pre { background: #f6f8fa; padding: 1em; overflow-x: auto; }
figure img { max-width: 100%; } figcaption { font-style: italic; }
"""
MARKS = {"win": ' <span class="win">▲</span>', "loss": ' <span class="loss">▼</span>', "": ""}


def render_html(document: Document, images: Mapping[str, bytes]) -> str:
    """``images`` maps a figure key to its PNG bytes; a figure without bytes is skipped."""
    body = [f"<h1>{_inline(document.title)}</h1>"]
    for block in document.blocks:
        body.append(_block(block, images))
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{html.escape(document.title)}</title>\n<style>{STYLE}</style>\n</head>\n"
            "<body>\n" + "\n".join(b for b in body if b) + "\n</body>\n</html>\n")


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
        return f"<h{level}>{_inline(block.text)}</h{level}>"
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
