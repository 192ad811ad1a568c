"""Number formatting shared by the report tables (one place, so md/tex/html agree)."""

from __future__ import annotations

import math

DASH = "—"


def metric(value: float, decimals: int | None = None) -> str:
    if not math.isfinite(value):
        return DASH
    return f"{value:.{decimals if decimals is not None else metric_decimals(value)}f}"


def metric_decimals(value: float) -> int:
    """4 decimals below 10 (accuracy, AUC, log-loss), fewer for large errors (RMSE in dollars)."""
    magnitude = abs(value)
    if magnitude < 10:
        return 4
    if magnitude < 1000:
        return 2
    return 0


def mean_sd(mean: float, sd: float) -> str:
    if not math.isfinite(mean):
        return DASH
    decimals = metric_decimals(mean)
    if not math.isfinite(sd):
        return metric(mean, decimals)
    return f"{metric(mean, decimals)} ± {metric(sd, decimals)}"


def percent(value: float, *, signed: bool = True) -> str:
    if not math.isfinite(value):
        return DASH
    return f"{value * 100:+.2f}%" if signed else f"{value * 100:.2f}%"


def percent_ci(value: float, low: float, high: float) -> str:
    if not math.isfinite(value):
        return DASH
    if not (math.isfinite(low) and math.isfinite(high)):
        return percent(value)
    return f"{percent(value)} [{percent(low)}, {percent(high)}]"


def level(fraction: float) -> str:
    """0.95 -> "95%", 0.01 -> "1%", 0.005 -> "0.5%" (confidence levels, ROPE widths)."""
    return f"{fraction * 100:.6g}%"


def p_equals(value: float) -> str:
    """"p = 0.016" or "p < 0.001" (for running text)."""
    text = p_value(value)
    return f"p {text[0]} {text[1:]}" if text.startswith("<") else f"p = {text}"


def p_value(value: float) -> str:
    if not math.isfinite(value):
        return DASH
    return "<0.001" if value < 0.001 else f"{value:.3f}"


def probability(value: float) -> str:
    return DASH if not math.isfinite(value) else f"{value:.2f}"


def number(value: float, decimals: int = 2) -> str:
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    return DASH if not math.isfinite(value) else f"{value:.{decimals}f}"


def count(n: int, noun: str, plural: str = "") -> str:
    """3, "dataset" -> "3 datasets"; 1 -> "1 dataset" (plural defaults to noun + "s")."""
    return f"{n} {noun if n == 1 else (plural or noun + 's')}"
