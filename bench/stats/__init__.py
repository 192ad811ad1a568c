"""Statistics over result rows: data in, frozen result object out."""

from bench.stats.baseline import (
    BaselineComparison,
    MethodComparison,
    compare_to_baseline,
    method_name,
)

__all__ = ["BaselineComparison", "MethodComparison", "compare_to_baseline", "method_name"]
