"""``bench.report.latex``: pure-ASCII pdflatex documents with booktabs tables; type never shrinks
below 8 pt (wide tables split), detail tables stay out of the PDF."""

from __future__ import annotations

import re

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
)
from bench.report.latex import escape, inline, layout, render_latex, render_table

TABLE = Table("means", "Mean accuracy", (Column("dataset"), Column("raw", "r")),
              ((Cell("iris"), Cell("0.9500", bold=True, mark="win")),))
DOC = Document("Report — `quick`", (
    Heading("Answer"), Paragraph("`pca/emb` beats **raw**."), Bullets(("one", "two")), TABLE,
    Table("long", "A detail table", (Column("x"),), ((Cell("hidden-cell"),),), detail=True),
    Figure("cd_diagram", "Critical differences"), Preformatted("α = 0.05 × 2"),
    Formula(r"t = \frac{a}{b}", "t = a / b")))


def test_the_document_is_ascii() -> None:
    assert render_latex(DOC).isascii()


def test_environments_are_balanced() -> None:
    tex = render_latex(DOC)
    assert sorted(re.findall(r"\\begin\{(\w+)\}", tex)) == sorted(re.findall(r"\\end\{(\w+)\}",
                                                                             tex))


def test_a_heading_is_an_unnumbered_section() -> None:
    assert r"\section*{Answer}" in render_latex(DOC)


def test_inline_code_and_bold() -> None:
    assert inline("`pca/emb` beats **raw**.") == r"\texttt{pca/emb} beats \textbf{raw}."


def test_a_bold_cell_with_its_mark() -> None:
    assert r"\textbf{0.9500}$^{\blacktriangle}$" in render_table(TABLE)


def test_a_table_uses_booktabs_rules() -> None:
    tex = render_table(TABLE)
    assert [r for r in (r"\toprule", r"\midrule", r"\bottomrule") if r not in tex] == []


def test_the_report_pins_tables_in_place() -> None:
    assert r"\begin{table}[H]" in render_latex(DOC)


def test_a_table_fragment_floats() -> None:
    assert render_table(TABLE).startswith(r"\begin{table}[htbp]")


def test_detail_tables_are_left_out() -> None:
    assert "hidden-cell" not in render_latex(DOC)


def test_figures_include_the_pdf() -> None:
    assert r"\includegraphics[width=0.9\linewidth]{figures/cd_diagram.pdf}" in render_latex(DOC)


def test_verbatim_text_spells_out_symbols() -> None:
    assert "alpha = 0.05 x 2" in render_latex(DOC)


def test_a_formula_is_displayed_math() -> None:
    assert "\\[\nt = \\frac{a}{b}\n\\]" in render_latex(DOC)


def test_a_narrow_table_keeps_the_body_size() -> None:
    assert layout(TABLE) == ("", [TABLE])


def test_an_unknown_character_falls_back_to_its_base_letter() -> None:
    assert escape("Málaga ñ ☃") == "Malaga n ?"


def test_latex_escapes_specials() -> None:
    assert escape("a_b & 50% #1 {x} ~ ^") == (r"a\_b \& 50\% \#1 \{x\} \textasciitilde{} "
                                              r"\textasciicircum{}")


def test_latex_escapes_unicode() -> None:
    assert escape("χ²_F ± α ≥ Demšar") == r"$\chi$$^2$\_F $\pm$ $\alpha$ $\geq$ Dem\v{s}ar"


def test_latex_escapes_anything_to_ascii() -> None:
    assert escape("données ☃").isascii()


def test_wide_latex_table_is_split_not_shrunk() -> None:
    cols = (Column("dataset"), *[Column(f"method {i}", "r") for i in range(12)])
    rows = ((Cell("d0"), *[Cell("0.8512 ± 0.0123") for _ in range(12)]),)
    tex = render_table(Table("wide", "A wide table", cols, rows))
    parts = tex.count(r"\begin{table}")
    assert parts >= 2
    assert tex.count("d0 & ") == parts  # the label column repeats in each part
