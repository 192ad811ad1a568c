"""``bench.report.sections.cite``: the citation block — result-set hash, design, software and a
copy-pasteable command that regenerates the report."""

from __future__ import annotations

import pytest

from bench.report.document import Heading, Preformatted
from bench.report.info import RunInfo
from bench.report.sections.cite import cite_blocks, cite_text
from bench.stats import ReportOptions, analyze
from tests.helpers import analysis_of, frame

INFO = RunInfo(suite="quick", run_id="quick-1", config_hash="abc123", device="cpu (test)",
               versions={"embedbench": "0.1.0", "xgboost": "2.1"},
               report_versions={"scipy": "1.14"})


@pytest.fixture(scope="module")
def text() -> str:
    """The citation with its wrapped lines joined (long lines wrap with a 4-space indent)."""
    return cite_text(analysis_of(6), INFO).replace("\n    ", " ")


def test_first_line_names_version_suite_and_run(text: str) -> None:
    assert text.splitlines()[0] == "EmbedBench 0.1.0, suite quick, run quick-1"


def test_the_result_set_hash_is_quoted(text: str) -> None:
    assert f"result-set hash (SHA-256 of the result rows): {analysis_of(6).result_hash}" in text


def test_the_config_hash_is_quoted(text: str) -> None:
    assert "config hash: abc123" in text


def test_rows_are_counted(text: str) -> None:
    assert "3 methods; 108 result rows, 0 failed" in text


def test_software_of_the_run(text: str) -> None:
    assert "software of the run: embedbench 0.1.0, xgboost 2.1" in text


def test_software_of_the_report(text: str) -> None:
    assert "report computed with: scipy 1.14" in text


def test_the_command_carries_the_options(text: str) -> None:
    assert cite_text(analysis_of(6), INFO).splitlines()[-1] == (
        "regenerate: bench report RUN_DIR --baseline raw --alpha 0.05 --rope 0.01")


def test_the_command_carries_chosen_metrics() -> None:
    options = ReportOptions(metrics={"regression": "mae"}, n_bootstrap=100, bayes_samples=1000)
    rows = frame(3).assign(mae=lambda f: f["rmse"] * 0.8)
    text = cite_text(analyze(rows, options), RunInfo())
    assert "--metric mae" in text.replace(" \\\n    ", " ")


def test_without_facts_their_lines_are_left_out() -> None:
    assert "config hash" not in cite_text(analysis_of(6), RunInfo())


def test_blocks_end_with_the_preformatted_citation() -> None:
    blocks = cite_blocks(analysis_of(6), INFO)
    assert (blocks[0], blocks[-1]) == (Heading("How to cite these numbers"),
                                       Preformatted(cite_text(analysis_of(6), INFO)))
