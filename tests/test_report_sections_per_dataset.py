"""``bench.report.sections.per_dataset``: means, relative differences, Bayesian decisions and all
per-dataset tests, rendered from the analysis."""

from __future__ import annotations

import numpy as np
import pytest

from bench.report import formatting as fmt
from bench.report.document import Figure, Heading, Table
from bench.report.sections.per_dataset import per_dataset_blocks
from bench.stats import ReportOptions, analyze
from tests.helpers import analysis_of, frame


@pytest.fixture(scope="module")
def tables() -> dict[str, Table]:
    return {b.key: b for b in per_dataset_blocks(analysis_of(12, 3)) if isinstance(b, Table)}


def test_the_section_has_its_heading() -> None:
    assert per_dataset_blocks(analysis_of(12, 3))[0] == Heading("Per dataset")


def test_the_section_ends_with_the_delta_figure() -> None:
    assert per_dataset_blocks(analysis_of(12, 3))[-1].key == "delta_vs_baseline"


def test_means_row_names_dataset_and_metric(tables) -> None:
    row = next(r for r in tables["means"].rows if r[0].text == "d2")
    assert row[1].text == "rmse ↓"


def test_means_cell_is_mean_and_sd(tables) -> None:
    a = analysis_of(12, 3)
    assert tables["means"].rows[0][2].text == fmt.mean_sd(a.means.loc["d0", "raw"],
                                                         a.stds.loc["d0", "raw"])


def test_the_best_mean_of_a_row_is_bold(tables) -> None:
    a = analysis_of(12, 3)
    best = (a.means.loc["d0"] * a.scores.sign("d0")).idxmax()
    bold = [col.title for col, cell in zip(tables["means"].columns, tables["means"].rows[0],
                                           strict=True) if cell.bold]
    assert bold == [f"`{best}`"]


def test_delta_cells_are_marked_by_their_verdict(tables) -> None:
    a = analysis_of(12, 3)
    marks = [row[1].mark for row in tables["per_dataset_delta"].rows]
    verdicts = [c.significant for c in a.per_dataset if c.method == "ae/emb"]
    assert marks == [{"win": "win", "loss": "loss"}.get(v, "") for v in verdicts]


def test_all_tests_table_is_a_detail(tables) -> None:
    assert tables["per_dataset_tests"].detail


def test_all_tests_table_has_a_row_per_comparison(tables) -> None:
    assert len(tables["per_dataset_tests"].rows) == 12 * 2


def test_a_mean_over_fewer_runs_says_how_many() -> None:
    f = frame(3)
    f.loc[(f["dataset"] == "d0") & (f["encoder"] == "ae") & (f["fold"] == 1), "accuracy"] = np.nan
    a = analyze(f, ReportOptions(n_bootstrap=100, bayes_samples=1000))
    means = next(b for b in per_dataset_blocks(a) if isinstance(b, Table))
    assert means.rows[0][3].text.endswith("(n=4)")


def test_only_the_baseline_gives_only_the_means() -> None:
    a = analyze(frame(3, methods=(("none", "raw", 0.0),)),
                ReportOptions(n_bootstrap=100, bayes_samples=1000))
    assert [type(b) for b in per_dataset_blocks(a)] == [Heading, Table]


def test_figures_are_never_missing_their_caption() -> None:
    figure = per_dataset_blocks(analysis_of(12, 3))[-1]
    assert isinstance(figure, Figure)
