"""``bench.report.tables``: the CSV tables hold the analysis's numbers at full precision, one
tidy table per topic, taken from the analysis objects (nothing re-derived)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from bench.report.tables import FLOAT_FORMAT, csv_tables
from bench.stats import ReportOptions, analyze
from tests.helpers import frame

FAST = ReportOptions(n_bootstrap=200, bayes_samples=2000)


@pytest.fixture(scope="module")
def analysis():
    return analyze(frame(12, seed=3), FAST)


@pytest.fixture(scope="module")
def tables(analysis) -> dict[str, pd.DataFrame]:
    return csv_tables(analysis)


def test_every_topic_has_a_table(tables) -> None:
    assert set(tables) == {"means", "per_dataset_tests", "summary", "aggregate", "ranks",
                           "friedman", "wilcoxon_pairwise", "nemenyi", "cliques",
                           "performance_profile", "power_per_dataset", "power_across",
                           "failures", "no_value"}


def test_power_tables_hold_the_power_analysis(analysis, tables) -> None:
    detectable = [p.detectable for p in analysis.power.per_dataset]
    assert list(tables["power_per_dataset"]["detectable"]) == detectable


def test_power_across_has_one_row_per_method(analysis, tables) -> None:
    assert list(tables["power_across"]["method"]) == [w.method for w in analysis.power.across]


def test_means_has_one_row_per_dataset_and_method(analysis, tables) -> None:
    assert len(tables["means"]) == len(analysis.scores.datasets) * len(analysis.scores.methods)


def test_means_baseline_is_zero_relative_to_itself(tables) -> None:
    means = tables["means"]
    assert (means.loc[means["method"] == "raw", "relative_to_baseline"] == 0).all()


def test_means_values_trace_to_the_analysis(analysis, tables) -> None:
    row = tables["means"].query("dataset == 'd4' and method == 'ae/emb'").iloc[0]
    assert row["mean"] == analysis.means.loc["d4", "ae/emb"]


def test_summary_rows_are_the_method_summaries(analysis, tables) -> None:
    summary = tables["summary"]
    assert list(summary["method"]) == [s.method for s in analysis.summaries]


@pytest.mark.parametrize("column, attribute", [
    ("wilcoxon_p_holm", "p_holm"), ("median_relative_improvement", "median_relative_improvement"),
    ("n_datasets", "n_datasets"), ("wins", "wins"), ("losses", "losses")])
def test_summary_numbers_come_from_method_summary(analysis, tables, column: str,
                                                  attribute: str) -> None:
    values = [getattr(s, attribute) for s in analysis.summaries]
    assert list(tables["summary"][column]) == values


def test_summary_verdict_columns_keep_the_string_vocabulary(analysis, tables) -> None:
    summary = tables["summary"].set_index("method")
    for s in analysis.summaries:
        assert summary.loc[s.method, "verdict"] == s.verdict.value


def test_summary_per_dataset_counts_add_up(analysis, tables) -> None:
    summary = tables["summary"]
    counted = summary[["significant_win", "significant_tie", "significant_loss",
                       "significant_na"]].sum(axis=1)
    assert list(counted) == [len(analysis.scores.datasets)] * len(summary)


def test_summary_names_its_holm_family(analysis, tables) -> None:
    summary = tables["summary"]
    assert set(summary["holm_family"]) == {"versus_baseline"}
    assert set(summary["holm_family_size"]) == {len(analysis.scores.methods) - 1}


def test_pairwise_table_holds_every_pair(analysis, tables) -> None:
    k = len(analysis.scores.methods)
    assert len(tables["wilcoxon_pairwise"]) == k * (k - 1) // 2


def test_ranks_end_with_the_average(analysis, tables) -> None:
    last = tables["ranks"].iloc[-1]
    assert last["dataset"] == "average"
    assert last["raw"] == analysis.ranks.average_ranks["raw"]


def test_friedman_carries_the_critical_difference(analysis, tables) -> None:
    assert tables["friedman"]["critical_difference"].iloc[0] == \
        analysis.ranks.critical_difference


def test_cliques_list_each_member_once_per_clique(analysis, tables) -> None:
    assert len(tables["cliques"]) == sum(len(g) for g in analysis.ranks.cliques)


def test_aggregate_median_interval_contains_the_point(tables) -> None:
    agg = tables["aggregate"]
    assert ((agg["median_low"] <= agg["median"]) & (agg["median"] <= agg["median_high"])).all()


def test_float_format_keeps_full_precision(tables) -> None:
    value = tables["summary"]["wilcoxon_p"].iloc[0]
    text = FLOAT_FORMAT % value
    assert math.isclose(float(text), value, rel_tol=1e-11)
