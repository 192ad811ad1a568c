"""``bench.report.formatting``: the numbers of every table, formatted in one place."""

from __future__ import annotations

import math

import pytest

from bench.report import formatting as fmt


@pytest.mark.parametrize(("value", "text"), [(0.851234, "0.8512"), (123.456, "123.46"),
                                             (12345.6, "12346"), (math.nan, "—")])
def test_metric_decimals_follow_the_magnitude(value: float, text: str) -> None:
    assert fmt.metric(value) == text


def test_mean_sd_uses_the_means_decimals() -> None:
    assert fmt.mean_sd(0.85, 0.0123) == "0.8500 ± 0.0123"


def test_mean_sd_without_a_sd_is_the_mean() -> None:
    assert fmt.mean_sd(123.456, math.nan) == "123.46"


def test_mean_sd_without_a_mean_is_a_dash() -> None:
    assert fmt.mean_sd(math.nan, 0.1) == fmt.DASH


@pytest.mark.parametrize(("value", "signed", "text"), [(0.0123, True, "+1.23%"),
                                                       (-0.5, True, "-50.00%"),
                                                       (0.0123, False, "1.23%")])
def test_percent(value: float, signed: bool, text: str) -> None:
    assert fmt.percent(value, signed=signed) == text


def test_percent_ci() -> None:
    assert fmt.percent_ci(0.01, -0.02, 0.03) == "+1.00% [-2.00%, +3.00%]"


def test_percent_ci_without_an_interval_is_the_value() -> None:
    assert fmt.percent_ci(0.01, math.nan, 0.03) == "+1.00%"


@pytest.mark.parametrize(("fraction", "text"), [(0.95, "95%"), (0.01, "1%"), (0.005, "0.5%")])
def test_level(fraction: float, text: str) -> None:
    assert fmt.level(fraction) == text


@pytest.mark.parametrize(("p", "text"), [(0.0164, "p = 0.016"), (0.0004, "p < 0.001")])
def test_p_equals(p: float, text: str) -> None:
    assert fmt.p_equals(p) == text


def test_p_value_of_nothing_is_a_dash() -> None:
    assert fmt.p_value(math.nan) == fmt.DASH


def test_probability_has_two_decimals() -> None:
    assert fmt.probability(0.125) == "0.12"


@pytest.mark.parametrize(("value", "text"), [(math.inf, "∞"), (-math.inf, "−∞"),
                                             (math.nan, "—"), (2.345, "2.35")])
def test_number(value: float, text: str) -> None:
    assert fmt.number(value) == text


@pytest.mark.parametrize(("n", "noun", "plural", "text"), [
    (1, "dataset", "", "1 dataset"), (3, "dataset", "", "3 datasets"),
    (2, "loss", "losses", "2 losses")])
def test_count(n: int, noun: str, plural: str, text: str) -> None:
    assert fmt.count(n, noun, plural) == text
