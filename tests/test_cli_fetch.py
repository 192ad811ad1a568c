"""bench.cli.fetch: `bench fetch` downloads a suite's OpenML entries, failures in a table, exit 1."""

from __future__ import annotations

from typer.testing import CliRunner

from bench.cli import app
from tests.helpers import write_suite
from tests.openml_data import TASK_SUITE

runner = CliRunner()


def test_fetch_reports_failures_in_a_table_and_exits_1(tmp_path, monkeypatch) -> None:
    from tests.openml_server import FakeOpenML, fake_openml

    suite = write_suite(tmp_path, TASK_SUITE + '\n[[datasets]]\nsource = "openml"\ntask = 999\n')
    with fake_openml(FakeOpenML(busy={"/data/download/2": 1})) as srv:
        monkeypatch.setenv("BENCH_OPENML_SERVER", srv.server)
        result = runner.invoke(app, ["fetch", str(suite), "--cache-dir", str(tmp_path / "c"),
                                     "--backoff", "0.01", "--timeout", "5", "--quiet"])
        assert srv.hits["/data/download/2"] == 2  # the ARFF download was retried once
    assert result.exit_code == 1
    assert "fetched 1 of 2 OpenML entries" in result.output
    assert "task-999" in result.output
    assert "does not exist" in result.output
    offline = runner.invoke(app, ["datasets", str(suite), "--offline",
                                  "--cache-dir", str(tmp_path / "c")])
    assert "898" in offline.output


def test_fetch_of_a_suite_without_openml_entries(tiny_suite) -> None:
    result = runner.invoke(app, ["fetch", str(tiny_suite)])
    assert result.exit_code == 0
    assert "no OpenML entries" in result.output
