"""``bench.report.sections.answer``: 3–5 sentences that name the winners and losers, with the
effect, the evidence and what the design can detect."""

from __future__ import annotations

import re

import pytest

from bench.report.document import Heading, Paragraph
from bench.report.sections.answer import answer_blocks, answer_text
from bench.stats import ReportOptions, analyze
from tests.helpers import analysis_of, frame

FAST = ReportOptions(n_bootstrap=200, bayes_samples=2000)


@pytest.fixture(scope="module")
def analysis():
    return analysis_of(12, 3)


def test_answer_blocks_are_the_heading_and_the_paragraph(analysis) -> None:
    assert answer_blocks(analysis) == [Heading("Answer"), Paragraph(answer_text(analysis))]


def test_answer_names_the_winner(analysis) -> None:
    assert "1 of 2 methods beats `raw`" in answer_text(analysis)


def test_answer_names_the_loser(analysis) -> None:
    assert "Significantly worse than `raw` (same test): `ae/emb`" in answer_text(analysis)


def test_answer_without_other_methods_says_so() -> None:
    text = answer_text(analyze(frame(3, methods=(("none", "raw", 0.0),)), FAST))
    assert text.startswith("Only `raw` has results")


def test_answer_is_three_to_five_sentences(analysis) -> None:
    sentences = re.split(r"(?<=\.)\s+(?=[A-Z0-9`])", answer_text(analysis))
    assert 3 <= len(sentences) <= 5


@pytest.mark.parametrize("needle", [
    "median relative improvement", "95% CI", "Holm over the 2 comparisons with `raw`",
    "Bayesian P(worse / equivalent / better)", "2 degrees of freedom", "critical t = 4.30"])
def test_answer_states_effect_evidence_and_design(analysis, needle: str) -> None:
    assert needle in answer_text(analysis)


def test_answer_on_one_dataset_says_there_is_no_test_across() -> None:
    assert "With a single dataset there is no test across datasets." in answer_text(
        analysis_of(1))


def test_answer_says_when_no_method_can_be_declared_better() -> None:
    assert "more datasets are needed" in answer_text(analysis_of(4))
