"""``report.md``: GitHub-flavoured Markdown (pipe tables, relative image links)."""

from __future__ import annotations

import html

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
)

MARKS = {"win": " ▲", "loss": " ▼", "": ""}
ALIGN = {"l": "---", "r": "---:", "c": ":---:"}


def _text(text: str) -> str:
    """Names come from users' files: raw HTML in them is shown, never rendered."""
    return html.escape(text, quote=False)


def render_markdown(document: Document) -> str:
    lines = [f"# {_text(document.title)}", ""]
    for block in document.blocks:
        lines += _block(block)
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _block(block) -> list[str]:
    if isinstance(block, Heading):
        return ["#" * block.level + " " + _text(block.text)]
    if isinstance(block, Paragraph):
        return [_text(block.text)]
    if isinstance(block, Bullets):
        return [f"- {_text(item)}" for item in block.items]
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Figure):
        alt = block.key.replace("_", " ")
        return [f"![{alt}](figures/{block.key}.png)", "", f"*{_text(block.caption)}*"]
    if isinstance(block, Preformatted):
        return ["```text", block.text, "```"]
    if isinstance(block, Formula):  # GitHub renders $$ blocks as math
        return ["$$", block.latex, "$$"]
    raise TypeError(f"unknown block {type(block).__name__}")


def answer_section(markdown: str, heading: str = "Answer") -> str:
    """The text under ``## <heading>`` of a rendered report (up to the next heading); "" when
    the report has no such section. ``bench run`` prints it without re-running the statistics;
    the HTML escaping of names in the Markdown is undone for the terminal."""
    lines = markdown.splitlines()
    try:
        start = lines.index(f"## {heading}") + 1
    except ValueError:
        return ""
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("#")), len(lines))
    return html.unescape("\n".join(lines[start:end]).strip())


def _table(table: Table) -> list[str]:
    lines = ["| " + " | ".join(_text(c.title) for c in table.columns) + " |",
             "|" + "|".join(ALIGN[c.align] for c in table.columns) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in table.rows]
    caption = _text(table.caption)
    body = [f"*{caption}*", "", *lines]
    if table.detail:
        return ["<details>", f"<summary>{caption}</summary>", "", *lines, "", "</details>"]
    return body


def _cell(cell: Cell) -> str:
    text = _text(cell.text).replace("|", "\\|")
    if cell.bold and text:
        text = f"**{text}**"
    return text + MARKS[cell.mark]
