"""bench.pipeline: RunOptions and run_suite end to end on one tiny real suite (resume, manifest,
--max-failures, interruption)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.config import Suite
from bench.device import resolve_device
from bench.errors import ConfigError
from bench.pipeline import RunOptions, RunOutcome, run_suite
from bench.plan import make_plan
from bench.suite_loader import load_suite
from tests.helpers import write_suite

SUITE = """
name = "pipe"
[run]
folds = 2
seeds = [0]
encoders = ["pca", "pca_wide"]
[xgboost]
n_estimators = 5
max_depth = 2
early_stopping_rounds = 2
[encoders.pca]
latent = 2
[encoders.pca_wide]
type = "pca"
latent = 8
clip_latent = {clip}
[[datasets]]
source = "embedded"
name = "iris"
"""


class _Count:
    """A progress display that remembers what it was told."""

    def __init__(self, interrupt_after: int | None = None) -> None:
        self.total = self.resumed = -1
        self.advanced = 0
        self.interrupt_after = interrupt_after

    def start(self, total: int, resumed: int) -> None:
        self.total, self.resumed = total, resumed

    def advance(self, description: str) -> None:
        self.advanced += 1
        if self.advanced == self.interrupt_after:
            raise KeyboardInterrupt


def _suite(tmp_path: Path, *, clip: str = "true") -> Suite:
    return load_suite(write_suite(tmp_path, SUITE.format(clip=clip), name="pipe"))


def _options(out: Path, **kw) -> RunOptions:
    return RunOptions(out_dir=out, device=resolve_device("cpu"), threads=1, **kw)


@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory) -> tuple[Suite, RunOutcome, _Count]:
    tmp = tmp_path_factory.mktemp("pipeline")
    suite, progress = _suite(tmp), _Count()
    return suite, run_suite(suite, _options(tmp / "run"), progress=progress), progress


@pytest.fixture(scope="module")
def again(first) -> tuple[RunOutcome, _Count]:
    suite, outcome, _ = first
    progress = _Count()
    return run_suite(suite, _options(outcome.run_dir), progress=progress), progress


# -- RunOptions ------------------------------------------------------------------------------

def test_max_failures_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="--max-failures must be >= 1, got 0"):
        _options(tmp_path, max_failures=0)


def test_threads_must_not_be_negative(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="--threads must be >= 0, got -1"):
        RunOptions(out_dir=tmp_path, device=resolve_device("cpu"), threads=-1)


# -- a run -----------------------------------------------------------------------------------

def test_a_run_finishes(first) -> None:
    assert first[1].status == "finished"


def test_a_run_has_every_row_of_the_plan(first) -> None:
    suite, outcome, _ = first
    assert len(outcome.results) == make_plan(suite).n_rows


def test_every_row_is_ok(first) -> None:
    assert first[1].n_ok == len(first[1].results)


def test_a_new_run_is_not_resumed(first) -> None:
    assert first[1].resumed is False


def test_progress_starts_with_every_unit_of_the_plan(first) -> None:
    suite, _, progress = first
    assert progress.total == make_plan(suite).n_units


def test_progress_of_a_new_run_starts_with_nothing_resumed(first) -> None:
    assert first[2].resumed == 0


def test_progress_advances_once_per_unit(first) -> None:
    suite, _, progress = first
    assert progress.advanced == make_plan(suite).n_units


def test_the_report_is_written(first) -> None:
    assert first[1].report_path.is_file()


def _manifest(outcome: RunOutcome) -> dict:
    return json.loads((outcome.run_dir / "manifest.json").read_text(encoding="utf-8"))


def test_the_manifest_expects_the_plan_rows(first) -> None:
    suite, outcome, _ = first
    assert _manifest(outcome)["expected_rows"] == make_plan(suite).n_rows


def test_the_manifest_records_the_xgboost_parameters_per_dataset(first) -> None:
    assert _manifest(first[1])["datasets"]["iris"]["xgboost_params"]["objective"] == "multi:softprob"


def test_the_manifest_says_finished(first) -> None:
    assert _manifest(first[1])["status"] == "finished"


def test_the_run_id_is_the_folder_name(first) -> None:
    assert set(first[1].results["run_id"]) == {"run"}


# -- resume ----------------------------------------------------------------------------------

def test_a_rerun_resumes(again) -> None:
    assert again[0].resumed is True


def test_a_rerun_of_a_finished_run_computes_nothing(again) -> None:
    assert again[1].advanced == 0


def test_a_rerun_counts_every_unit_as_resumed(again) -> None:
    assert again[1].resumed == again[1].total


def test_a_rerun_keeps_the_rows(first, again) -> None:
    assert again[0].results.equals(first[1].results)


def test_force_new_sets_the_old_run_aside(first, tmp_path: Path) -> None:
    suite, outcome, _ = first
    out = run_suite(suite, _options(tmp_path / "run"))
    assert run_suite(suite, _options(out.run_dir, force_new=True)).set_aside.is_dir()


# -- failures and interruption -----------------------------------------------------------------

def test_max_failures_stops_the_run(tmp_path: Path) -> None:
    """pca_wide with clip_latent = false fails on iris (8 > 4 inputs): each item adds one failed unit."""
    outcome = run_suite(_suite(tmp_path, clip="false"), _options(tmp_path / "run", max_failures=1))
    assert outcome.status == "stopped"


def test_failed_units_become_error_rows(tmp_path: Path) -> None:
    outcome = run_suite(_suite(tmp_path, clip="false"), _options(tmp_path / "run"))
    assert set(outcome.failures["encoder"]) == {"pca_wide"}


@pytest.fixture
def interrupted(tmp_path: Path) -> RunOutcome:
    """Ctrl-C while the second item runs (each item: raw, pca and pca_wide, i.e. 3 units)."""
    return run_suite(_suite(tmp_path), _options(tmp_path / "run"), progress=_Count(interrupt_after=4))


def test_an_interrupted_run_says_so(interrupted: RunOutcome) -> None:
    assert interrupted.status == "interrupted"


def test_an_interrupted_run_keeps_the_items_it_finished(interrupted: RunOutcome) -> None:
    assert len(interrupted.results) == 5


def test_an_interrupted_run_writes_no_report(interrupted: RunOutcome) -> None:
    assert interrupted.report_path is None
