"""bench.cli.datasets: `bench datasets` lists a suite's datasets, OpenML ones from the cache only."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bench.cli import app
from tests.helpers import write_suite
from tests.openml_data import TASK_SUITE

pytest_plugins = ("tests.openml_fixtures",)

runner = CliRunner()


@pytest.mark.parametrize(("suite", "n"), [("cc18", 72), ("ctr23", 35), ("grinsztajn", 59),
                                          ("grinsztajn-num-clf", 16), ("amlb-regression", 33)])
def test_shipped_openml_suites_list_offline_without_cache(tmp_path, suite, n,
                                                          no_network) -> None:
    result = runner.invoke(app, ["datasets", suite, "--offline", "--cache-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    rows = [line for line in result.output.splitlines() if "│ openml" in line]
    assert len(rows) == n
    assert all("?" in line for line in rows)
    assert f"{n} OpenML entries are not cached" in result.output
    assert f"bench fetch {suite}" in result.output


def test_datasets_lists_full_info_from_the_cache(tmp_path, flag_cache, no_network) -> None:
    suite = write_suite(tmp_path, TASK_SUITE + '\n[[datasets]]\nsource = "openml"\ntask = 3\n')
    result = runner.invoke(app, ["datasets", str(suite), "--offline", "--cache-dir", str(flag_cache)])
    assert result.exit_code == 0, result.output
    anneal = next(line for line in result.output.splitlines() if "│ anneal" in line)
    assert "t1882/d2" in anneal
    assert "multiclass" in anneal
    assert "898" in anneal
    assert "31" in anneal
    other = next(line for line in result.output.splitlines() if "task-3 " in line)
    assert "classification" in other
    assert "?" in other  # task 3 is in the cc18 list, not cached
    assert "1 OpenML entry is not cached" in result.output


def test_datasets_lists_an_embedded_suite(tiny_suite: Path) -> None:
    result = runner.invoke(app, ["datasets", str(tiny_suite)])
    assert result.exit_code == 0, result.output
    assert "iris" in result.output
    assert "multiclass" in result.output
    assert "150" in result.output


