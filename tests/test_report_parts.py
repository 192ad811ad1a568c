"""The parts a report is rendered from, and their JSON form (``bench.report.parts``)."""

from __future__ import annotations

import json

import pytest

from bench.report.content import RunInfo
from bench.report.parts import ReportParts
from bench.stats import ReportOptions, analyze
from tests.helpers import frame

FAST = ReportOptions(n_bootstrap=100, bayes_samples=1000)
INFO = RunInfo.from_manifest({"run_id": "a", "config_hash": "h"}, suite="s")


@pytest.fixture(scope="module")
def parts() -> ReportParts:
    return ReportParts.build(analyze(frame(4, seed=3), FAST), INFO, figures=True)


def _round_trip(parts: ReportParts) -> ReportParts:
    return ReportParts.from_json(json.loads(json.dumps(parts.to_json(), default=lambda v: v.item())))


def test_the_json_form_gives_the_same_document(parts: ReportParts) -> None:
    assert _round_trip(parts).document == parts.document


def test_the_json_form_gives_the_same_tables(parts: ReportParts) -> None:
    assert _round_trip(parts).csv == parts.csv


def test_the_json_form_gives_the_same_figures(parts: ReportParts) -> None:
    assert _round_trip(parts).figures == parts.figures


def test_figures_are_drawn_only_when_asked() -> None:
    built = ReportParts.build(analyze(frame(4, seed=3), FAST), INFO, figures=False)
    assert built.figures is None


def test_a_csv_table_is_the_text_of_its_file(parts: ReportParts) -> None:
    assert parts.csv["means"].splitlines()[0].startswith("dataset,")


def test_bad_base64_is_a_value_error(parts: ReportParts) -> None:
    data = parts.to_json()
    data["figures"]["cd_diagram"]["png"] = "not base64!"
    with pytest.raises(ValueError):
        ReportParts.from_json(data)
