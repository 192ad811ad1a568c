"""``report.tex``: a standalone pdflatex document with booktabs tables, and table fragments.

Only packages from Debian's ``texlive-latex-base`` / ``texlive-latex-recommended`` are used
(booktabs, graphicx, amssymb, float, geometry, hyperref). The output is pure ASCII: every non-ASCII
character goes through :data:`UNICODE` (or loses its accent), so the file always compiles.
"""

from __future__ import annotations

import textwrap
import unicodedata

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

SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
           "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
           "^": r"\textasciicircum{}", "<": r"\textless{}", ">": r"\textgreater{}",
           "|": r"\textbar{}"}
UNICODE = {"±": r"$\pm$", "χ": r"$\chi$", "²": r"$^2$", "α": r"$\alpha$", "Δ": r"$\Delta$",
           "↑": r"$\uparrow$", "↓": r"$\downarrow$", "×": r"$\times$", "−": r"$-$",
           "≤": r"$\leq$", "≥": r"$\geq$", "—": "---", "–": "--", "τ": r"$\tau$", "ρ": r"$\rho$",
           "š": r"\v{s}", "Š": r"\v{S}", "é": r"\'e", "½": r"$\frac{1}{2}$", "·": r"$\cdot$",
           "≈": r"$\approx$", "∞": r"$\infty$", "▲": r"$^{\blacktriangle}$",
           "▼": r"$^{\blacktriangledown}$", "’": "'", "“": "``", "”": "''", "…": r"\ldots{}",
           "→": r"$\rightarrow$", "√": r"$\surd$", "≠": r"$\neq$", "μ": r"$\mu$"}
COMBINING_MACRON = "\u0304"
TEXT_WIDTH_PT = 470.0  # \linewidth of letter paper with 2 cm margins, less a little
CHAR_PT = 4.6  # average width of a character of the 10-pt body font (digits are 5)
HEADER_CHARS = 18  # longer column titles wrap onto two or more lines
SPLIT_FILL = 0.9  # the share of the text width a part of a split table is planned to fill
PAD_PT = 12.0  # column separation (2 × \tabcolsep)
WRAP_PT = 170.0  # a left-aligned text column wider than this wraps (e.g. error messages)
#: Sizes a wide table may use, with their width relative to the 10-pt body; never below 8 pt.
FONT_SIZES = (("", 1.0), (r"\small", 0.9), (r"\footnotesize", 0.8))
MARKS = {"win": r"$^{\blacktriangle}$", "loss": r"$^{\blacktriangledown}$", "": ""}
PREAMBLE = r"""\documentclass[10pt]{article}
\usepackage[T1]{fontenc}
\usepackage[margin=2cm]{geometry}
\usepackage{booktabs}
\usepackage{graphicx}
\usepackage{amssymb}
\usepackage{float}
\usepackage[hidelinks]{hyperref}
"""


def escape(text: str) -> str:
    """Plain text to LaTeX (ASCII only); raises ValueError on a character it cannot map."""
    out = []
    for i, ch in enumerate(text):
        if ch == COMBINING_MACRON:
            continue
        if i + 1 < len(text) and text[i + 1] == COMBINING_MACRON:  # d̄ -> $\bar{d}$
            out.append(r"$\bar{" + escape(ch) + "}$")
        elif ch in SPECIAL:
            out.append(SPECIAL[ch])
        elif ch in UNICODE:
            out.append(UNICODE[ch])
        elif ord(ch) < 128:
            out.append(ch)
        else:
            out.append(_fallback(ch))
    return "".join(out)


def _fallback(ch: str) -> str:
    """A character outside :data:`UNICODE` (e.g. in a dataset name): its accent-free base
    letter when it has one, else ``?`` — never a character pdflatex would choke on."""
    return escape(_ascii_base(ch))


def _ascii_base(ch: str) -> str:
    base = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode("ascii")
    return base or "?"


def inline(text: str) -> str:
    parts = []
    for kind, piece in inline_tokens(text):
        if kind == "code":
            parts.append(r"\texttt{" + escape(piece) + "}")
        elif kind == "bold":
            parts.append(r"\textbf{" + escape(piece) + "}")
        else:
            parts.append(escape(piece))
    return "".join(parts)


def render_latex(document: Document) -> str:
    body = [PREAMBLE, r"\title{" + inline(document.title) + "}", r"\date{}",
            r"\author{}", r"\begin{document}", r"\maketitle", ""]
    for block in document.blocks:
        body += _block(block)
        body.append("")
    body.append(r"\end{document}")
    return "\n".join(body) + "\n"


def render_table(table: Table, placement: str = "htbp") -> str:
    """Booktabs ``table`` environments; ``tables/<key>.tex`` holds each alone (``htbp``, for a
    paper), while the report pins them in place (``H``, float package) so that every table
    stays in its section.

    Type never shrinks below 8 pt: a table wider than the text is set in ``\\small`` (9 pt) or
    ``\\footnotesize`` (8 pt) if that makes it fit, else its columns are split into parts that
    repeat the leading label columns; a long text column wraps."""
    size, parts = layout(table)
    return "".join(_environment(part, placement, size, n, len(parts))
                   for n, part in enumerate(parts, start=1))


def layout(table: Table) -> tuple[str, list[Table]]:
    """The font size command ("" for the body size) and the column parts of ``table``."""
    for size, scale in FONT_SIZES:
        if _estimated_width_pt(table) * scale <= TEXT_WIDTH_PT:
            return size, [table]
    size, scale = FONT_SIZES[-1]
    stub = _stub_columns(table)
    # A split table keeps a margin: bold cells and ± signs are wider than the estimate.
    budget = SPLIT_FILL * TEXT_WIDTH_PT / scale - sum(_column_width_pt(table, j)
                                                      for j in range(stub))
    widths = {j: _column_width_pt(table, j) for j in range(stub, len(table.columns))}
    greedy = _pack(widths, budget)
    balanced = _pack(widths, min(budget, 1.1 * sum(widths.values()) / len(greedy)))
    parts = balanced if len(balanced) == len(greedy) else greedy
    return size, [_select(table, [*range(stub), *cols]) for cols in parts]


def _pack(widths: dict[int, float], limit: float) -> list[list[int]]:
    """Consecutive columns into parts no wider than ``limit`` (a wider column stands alone)."""
    parts: list[list[int]] = [[]]
    used = 0.0
    for j, width in widths.items():
        if parts[-1] and used + width > limit:
            parts.append([])
            used = 0.0
        parts[-1].append(j)
        used += width
    return parts


def _stub_columns(table: Table) -> int:
    """The leading left-aligned label columns (at most 2) that every part repeats."""
    n = 0
    while n < min(2, len(table.columns) - 1) and table.columns[n].align == "l":
        n += 1
    return max(n, 1)


def _select(table: Table, columns: list[int]) -> Table:
    return Table(table.key, table.caption, tuple(table.columns[j] for j in columns),
                 tuple(tuple(row[j] for j in columns) for row in table.rows), table.detail)


def _environment(table: Table, placement: str, size: str, part: int, parts: int) -> str:
    caption = inline(table.caption)
    label = table.key if part == 1 else f"{table.key}-{part}"
    if parts > 1:
        caption = (caption + f" (part {part} of {parts})" if part == 1 else
                   f"{escape('Continued from Table')} \\ref{{tab:{table.key}}} "
                   f"(part {part} of {parts}).")
    spec = "".join(_spec(table, j) for j in range(len(table.columns)))
    lines = [r"\begin{table}[" + placement + "]", r"\centering", *([size] if size else []),
             r"\caption{" + caption + "}", r"\label{tab:" + label + "}",
             r"\begin{tabular}{" + spec + "}", r"\toprule",
             " & ".join(_header(c.title, c.align) for c in table.columns) + r" \\",
             r"\midrule"]
    lines += [" & ".join(_cell(c) for c in row) + r" \\" for row in table.rows]
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{table}"]
    return "\n".join(lines) + "\n"


def _spec(table: Table, j: int) -> str:
    """A column's alignment; a long left-aligned text column wraps in a fixed-width ``p``."""
    column = table.columns[j]
    if column.align == "l" and _natural_width_pt(table, j) > WRAP_PT:
        return "p{" + f"{WRAP_PT - PAD_PT:.0f}pt" + "}"
    return column.align


def _header(title: str, align: str) -> str:
    """A column title; a long one becomes a stacked (nested tabular) multi-line title."""
    if len(title) <= HEADER_CHARS:
        return inline(title)
    parts = textwrap.wrap(title, HEADER_CHARS, break_long_words=False, break_on_hyphens=False)
    # "\\{}" so that a line starting with "[" is not read as the optional argument of \\.
    return (r"\begin{tabular}[b]{@{}" + align + "@{}}" + r"\\{}".join(inline(p) for p in parts)
            + r"\end{tabular}")


def _estimated_width_pt(table: Table) -> float:
    """Rough natural width at the body size: each column's widest cell or title line, padded."""
    return sum(_column_width_pt(table, j) for j in range(len(table.columns)))


def _column_width_pt(table: Table, j: int) -> float:
    width = _natural_width_pt(table, j)
    return min(width, WRAP_PT) if table.columns[j].align == "l" else width


def _natural_width_pt(table: Table, j: int) -> float:
    title = max((len(p) for p in textwrap.wrap(table.columns[j].title, HEADER_CHARS)), default=0)
    cells = max((len(row[j].text.replace("`", "")) for row in table.rows), default=0)
    return max(title, cells) * CHAR_PT + PAD_PT


def _block(block) -> list[str]:
    if isinstance(block, Heading):
        command = {1: "section", 2: "section", 3: "subsection"}.get(block.level, "paragraph")
        return ["\\" + command + "*{" + inline(block.text) + "}"]
    if isinstance(block, Paragraph):
        return [inline(block.text)]
    if isinstance(block, Bullets):
        return [r"\begin{itemize}", *[r"\item " + inline(i) for i in block.items],
                r"\end{itemize}"]
    if isinstance(block, Table):
        return [] if block.detail else [render_table(block, "H")]
    if isinstance(block, Figure):
        return [r"\begin{figure}[H]", r"\centering",
                r"\includegraphics[width=0.9\linewidth]{figures/" + block.key + ".pdf}",
                r"\caption{" + inline(block.caption) + "}", r"\label{fig:" + block.key + "}",
                r"\end{figure}"]
    if isinstance(block, Preformatted):
        return [r"\begin{verbatim}", _ascii(block.text), r"\end{verbatim}"]
    if isinstance(block, Formula):
        return [r"\[", block.latex, r"\]"]
    raise TypeError(f"unknown block {type(block).__name__}")


def _cell(cell: Cell) -> str:
    text = inline(cell.text)
    if cell.bold and text:
        text = r"\textbf{" + text + "}"
    return text + MARKS[cell.mark]


def _ascii(text: str) -> str:
    """Verbatim cannot hold math: spell the few symbols the cite block uses."""
    words = {"×": "x", "±": "+/-", "α": "alpha", "—": "--", "–": "-", "−": "-", "≥": ">=",
             "≤": "<=", "š": "s", "Š": "S", "²": "^2", "χ": "chi", "·": "*",
             "↑": "(higher is better)", "↓": "(lower is better)"}
    text = "".join(words.get(ch, ch) for ch in text)
    return "".join(ch if ord(ch) < 128 else _ascii_base(ch) for ch in text)
