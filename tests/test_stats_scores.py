"""Scores: the unit of relative differences and paired means."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bench.stats.scores import NEAR_ZERO, Scale, collect_scores, relative_scale
from tests.helpers import frame


@pytest.mark.parametrize(("metric", "mean", "expected"), [
    ("accuracy", 0.8, Scale(0.8, False)),
    ("rmse", 0.001, Scale(0.001, False)),  # a ratio scale: 0 is a perfect fit, not arbitrary
    ("log_loss", 0.02, Scale(0.02, False)),
    ("r2", -0.6, Scale(0.6, False)),
    ("r2", NEAR_ZERO / 2, Scale(1.0, True)),
    ("r2", -NEAR_ZERO / 2, Scale(1.0, True)),
])
def test_relative_scale(metric: str, mean: float, expected: Scale) -> None:
    assert relative_scale(metric, mean) == expected


def test_relative_scale_undefined() -> None:
    assert math.isnan(relative_scale("rmse", 0.0).value)
    assert math.isnan(relative_scale("rmse", math.nan).value)


def test_paired_means_average_seeds_within_splits_on_shared_runs() -> None:
    f = frame(1, folds=3, seeds=2)
    drop = (f["encoder"] == "ae") & (f["fold"] == 1) & (f["seed"] == 0)
    f = f[~drop]
    s = collect_scores(f)
    pm = s.paired_means("d0", ("raw", "ae/emb"))
    assert pm.n_runs == 5
    assert pm.n_dropped == 1  # raw's fold 1, seed 0
    raw = f[(f["encoder"] == "none") & ~((f["fold"] == 1) & (f["seed"] == 0))]
    expected = raw.groupby("fold")["accuracy"].mean().mean()
    assert pm.values[0] == pytest.approx(expected, rel=1e-12)
    assert np.isnan(s.paired_means("d0", ("raw", "nope")).values).all()


def test_by_dataset_lines_up_values_and_sizes_by_run_and_method() -> None:
    f = frame(2, folds=3, seeds=2)
    f = f.assign(n_train=np.arange(len(f)) + 1000, n_test=np.arange(len(f)) + 5000)
    f = f[~((f["encoder"] == "ae") & (f["fold"] == 2) & (f["seed"] == 1))]
    s = collect_scores(f)
    runs = s.by_dataset["d1"]
    position = {key: i for i, key in enumerate(
        s.runs[s.runs["dataset"] == "d1"][["repeat", "fold", "seed"]].drop_duplicates()
        .sort_values(["repeat", "fold", "seed"]).itertuples(index=False, name=None))}
    got = {(r.method, r.fold, r.seed): (runs.values[position[(r.repeat, r.fold, r.seed)],
                                                    runs.columns[r.method]],
                                        runs.n_train[position[(r.repeat, r.fold, r.seed)],
                                                     runs.columns[r.method]],
                                        runs.n_test[position[(r.repeat, r.fold, r.seed)],
                                                    runs.columns[r.method]])
           for r in s.runs[s.runs["dataset"] == "d1"].itertuples()}
    expected = {(r.method, r.fold, r.seed): (r.value, float(r.n_train), float(r.n_test))
                for r in s.runs[s.runs["dataset"] == "d1"].itertuples()}
    assert got == expected


def test_by_dataset_marks_a_missing_run_as_nan() -> None:
    f = frame(1, folds=3, seeds=2)
    f = f[~((f["encoder"] == "ae") & (f["fold"] == 2) & (f["seed"] == 1))]
    runs = collect_scores(f).by_dataset["d0"]
    assert int(np.isnan(runs.n_train[:, runs.columns["ae/emb"]]).sum()) == 1
