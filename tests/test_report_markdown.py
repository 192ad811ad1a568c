"""bench.report.markdown: rendering helpers read back by the CLI."""

from __future__ import annotations

from bench.report.markdown import answer_section


def test_answer_section_undoes_the_html_escaping_for_the_terminal() -> None:
    text = "# r\n\n## Answer\n\n`a&lt;b&gt;/emb` beats `raw`.\n\n## Run\n"
    assert answer_section(text) == "`a<b>/emb` beats `raw`."


def test_answer_section_is_empty_without_the_heading() -> None:
    assert answer_section("# r\n\n## Run\n") == ""
