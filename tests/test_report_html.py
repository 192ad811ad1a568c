"""``bench.report.html``: one self-contained page — inline CSS, figures as base64 PNG, a table of
contents, the answer boxed, escaped text."""

from __future__ import annotations

import base64
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
from bench.report.html import render_html, section_id

PNG = b"\x89PNG\r\n\x1a\nfake"
DOC = Document("Report <quick>", (
    Heading("Answer"), Paragraph("`pca/emb` beats **raw** & more."),
    Heading("Against `raw` across datasets"), Bullets(("a < b",)),
    Table("means", "Mean accuracy", (Column("dataset"), Column("raw", "r")),
          ((Cell("iris"), Cell("0.95", bold=True, mark="loss")),)),
    Table("long", "A detail table", (Column("x"),), ((Cell("y"),),), detail=True),
    Figure("cd_diagram", "Critical differences"), Figure("missing", "Not drawn"),
    Preformatted("x <= 1"), Formula(r"\frac{a}{b}", "a / b")))


def _page() -> str:
    return render_html(DOC, {"cd_diagram": PNG})


def test_section_id_is_a_slug() -> None:
    assert section_id("Against `raw` across datasets") == "sec-against-raw-across-datasets"


def test_a_figure_is_embedded_as_base64() -> None:
    encoded = base64.b64encode(PNG).decode("ascii")
    assert f'src="data:image/png;base64,{encoded}"' in _page()


def test_a_figure_without_bytes_is_skipped() -> None:
    assert 'id="fig-missing"' not in _page()


def test_nothing_is_loaded_from_elsewhere() -> None:
    assert re.findall(r"""(?:src|href)=["'](?!data:|#)""", _page()) == []


def test_the_answer_is_boxed_with_its_paragraph() -> None:
    assert ('<section class="answer"><h2 id="sec-answer">Answer</h2>\n<p><code>pca/emb</code> '
            "beats <strong>raw</strong> &amp; more.</p></section>") in _page()


def test_contents_link_every_level_two_heading() -> None:
    links = re.findall(r'<a href="#([^"]+)">', _page())
    assert links == ["sec-answer", "sec-against-raw-across-datasets"]


def test_the_title_is_escaped() -> None:
    assert "<title>Report &lt;quick&gt;</title>" in _page()


def test_bullets_are_escaped() -> None:
    assert "<li>a &lt; b</li>" in _page()


def test_a_bold_cell_carries_its_mark() -> None:
    assert '<td class="r"><strong>0.95</strong> <span class="loss">▼</span></td>' in _page()


def test_a_detail_table_is_collapsed() -> None:
    assert "<details><summary>A detail table</summary>" in _page()


def test_a_table_has_its_id() -> None:
    assert '<table id="tab-means">' in _page()


def test_preformatted_text_is_escaped() -> None:
    assert "<pre>x &lt;= 1</pre>" in _page()


def test_a_formula_shows_its_plain_text() -> None:
    assert '<div class="formula">a / b</div>' in _page()
