"""The baseline comparison agrees with scipy and handles metric direction and edge cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from bench.stats import compare_to_baseline


def _rows(values: dict[tuple[str, str, str], list[float]], task: str, metric: str):
    rows = []
    for (dataset, encoder, fs), vals in values.items():
        for i, v in enumerate(vals):
            rows.append({"dataset": dataset, "task": task, "repeat": 0, "fold": i, "seed": 0,
                         "encoder": encoder, "feature_set": fs, "status": "ok", "error": "",
                         metric: v})
    return rows


def _frame(rng: np.random.Generator, n: int = 8) -> pd.DataFrame:
    values = {}
    for d in range(n):
        base = rng.uniform(0.6, 0.9)
        values[(f"d{d}", "none", "raw")] = list(base + rng.normal(0, 0.01, 3))
        values[(f"d{d}", "ae", "emb")] = list(base + 0.02 + rng.normal(0, 0.01, 3))
    return pd.DataFrame(_rows(values, "binary", "accuracy"))


def test_wilcoxon_on_relative_improvement_matches_scipy() -> None:
    frame = _frame(np.random.default_rng(0))
    result = compare_to_baseline(frame)
    means = frame.groupby(["dataset", "encoder"])["accuracy"].mean().unstack()
    rel = (means["ae"] - means["none"]) / means["none"]
    expected = stats.wilcoxon(rel.to_numpy(), zero_method="pratt")
    (cmp,) = result.comparisons
    assert cmp.method == "ae/emb" and cmp.n_datasets == 8
    assert cmp.p_value == pytest.approx(expected.pvalue, abs=1e-12)
    assert cmp.statistic == pytest.approx(expected.statistic)
    assert cmp.wins == int((rel > 0).sum()) and cmp.losses == int((rel < 0).sum())
    assert cmp.median_improvement == pytest.approx(float(np.median(rel)))


def test_lower_is_better_metrics_flip_the_sign() -> None:
    values = {("r", "none", "raw"): [2.0, 2.0], ("r", "ae", "emb"): [1.0, 1.0],
              ("s", "none", "raw"): [4.0, 4.0], ("s", "ae", "emb"): [5.0, 5.0]}
    result = compare_to_baseline(pd.DataFrame(_rows(values, "regression", "rmse")))
    (cmp,) = result.comparisons
    assert (cmp.wins, cmp.ties, cmp.losses) == (1, 0, 1)
    np.testing.assert_allclose(sorted(result.improvements["ae/emb"]), [-0.25, 0.5])


def test_edge_cases_are_reported_not_crashed() -> None:
    one = {("a", "none", "raw"): [1.0], ("a", "ae", "emb"): [0.5]}
    (cmp,) = compare_to_baseline(pd.DataFrame(_rows(one, "binary", "accuracy"))).comparisons
    assert np.isnan(cmp.p_value) and "too few datasets" in cmp.note
    ties = {(d, e, f): [0.7] for d in "abc" for e, f in [("none", "raw"), ("ae", "emb")]}
    (cmp,) = compare_to_baseline(pd.DataFrame(_rows(ties, "binary", "accuracy"))).comparisons
    assert cmp.ties == 3 and "all differences are zero" in cmp.note


def test_failed_rows_are_listed_and_excluded() -> None:
    frame = _frame(np.random.default_rng(1), n=4)
    frame.loc[frame.index[-3:], "status"] = "error"
    frame.loc[frame.index[-3:], "accuracy"] = np.nan
    result = compare_to_baseline(frame)
    assert len(result.failures) == 3
    (cmp,) = result.comparisons
    assert cmp.n_datasets == 3 and "left out" in cmp.note
