"""bench.plan: work items, their row keys, jobs, chunks and units (no data is loaded)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.config import Suite
from bench.errors import ConfigError
from bench.plan import CHUNK_SIZE, DatasetJob, Plan, WorkItem, make_plan, split_grids
from bench.schema import NO_ENCODER, RowKey
from bench.suite_loader import load_suite
from tests.helpers import write_suite

SETS = ("raw", "emb", "raw+emb")


def _suite(tmp_path: Path, *, encoders: str = '["ae", "mlp_holdout"]', feature_sets: str = "",
           datasets: tuple[str, ...] = ("iris",), folds: int = 2, seeds: str = "[0, 1]") -> Suite:
    blocks = "".join(f'[[datasets]]\nsource = "embedded"\nname = "{d}"\n' for d in datasets)
    return load_suite(write_suite(tmp_path, f"""
name = "plan"
[run]
folds = {folds}
seeds = {seeds}
encoders = {encoders}
{feature_sets}
[encoders.mlp_holdout]
type = "mlp"
mode = "holdout"
{blocks}"""))


def _item(**changes) -> WorkItem:
    fields = dict(dataset="d", spec_index=0, repeat=0, fold=1, seed=2, encoders=("ae", "h"),
                  feature_sets=SETS, restricted=("h",))
    fields.update(changes)
    return WorkItem(**fields)


def _unit_keys(units: list[DatasetJob]) -> list[RowKey]:
    return [key for unit in units for item in unit.items for key in item.row_keys()]


# -- WorkItem ---------------------------------------------------------------------------------

def test_key_is_a_row_key_with_the_item_coordinates() -> None:
    assert _item().key("ae", "emb") == RowKey("d", 0, 1, 2, "ae", "emb")


def test_row_keys_shared_raw_then_each_encoder() -> None:
    assert [k[4:] for k in _item().row_keys()] == [
        (NO_ENCODER, "raw"), ("ae", "emb"), ("ae", "raw+emb"),
        ("h", "raw"), ("h", "emb"), ("h", "raw+emb")]


def test_an_unrestricted_encoder_has_no_raw_row() -> None:
    assert [k.feature_set for k in _item().encoder_keys("ae")] == ["emb", "raw+emb"]


def test_a_restricted_encoder_has_its_own_raw_row() -> None:
    assert [k.feature_set for k in _item().encoder_keys("h")] == ["raw", "emb", "raw+emb"]


def test_no_raw_feature_set_means_no_raw_rows_at_all() -> None:
    item = _item(feature_sets=("emb",), restricted=())
    assert [k[4:] for k in item.row_keys()] == [("ae", "emb"), ("h", "emb")]


def test_n_units_counts_encoder_fits_and_the_raw_model() -> None:
    assert _item().n_units == 3


def test_n_units_without_raw_counts_encoder_fits_only() -> None:
    assert _item(feature_sets=("emb",)).n_units == 2


# -- make_plan ------------------------------------------------------------------------------

def test_make_plan_has_one_item_per_dataset_fold_and_seed(tmp_path: Path) -> None:
    plan = make_plan(_suite(tmp_path, datasets=("iris", "230_machine_cpu")))
    assert [(i.spec_index, i.repeat, i.fold, i.seed) for i in plan.items] == [
        (d, 0, f, s) for d in (0, 1) for f in (0, 1) for s in (0, 1)]


def test_make_plan_marks_the_holdout_encoder_restricted(tmp_path: Path) -> None:
    assert make_plan(_suite(tmp_path)).items[0].restricted == ("mlp_holdout",)


def test_without_raw_rows_no_encoder_is_restricted(tmp_path: Path) -> None:
    plan = make_plan(_suite(tmp_path, feature_sets='feature_sets = ["emb", "raw+emb"]'))
    assert plan.items[0].restricted == ()


def test_make_plan_counts_rows(tmp_path: Path) -> None:
    # per item: raw + ae (emb, raw+emb) + mlp_holdout (raw, emb, raw+emb); 2 folds x 2 seeds
    assert make_plan(_suite(tmp_path)).n_rows == 6 * 4


def test_make_plan_counts_units(tmp_path: Path) -> None:
    assert make_plan(_suite(tmp_path)).n_units == 3 * 4


def test_raw_only_plan_fits_no_encoder(tmp_path: Path) -> None:
    plan = make_plan(_suite(tmp_path, feature_sets='feature_sets = ["raw"]'))
    assert plan.items[0].encoders == ()


def test_duplicated_datasets_are_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"datasets listed more than once: \['iris'\]"):
        make_plan(_suite(tmp_path, datasets=("iris", "iris")))


def test_split_grids_of_own_kfold_come_from_the_run_section(tmp_path: Path) -> None:
    assert split_grids(_suite(tmp_path, folds=3)) == [(1, 3)]


# -- jobs, chunks, units --------------------------------------------------------------------

def test_jobs_group_items_by_dataset(tmp_path: Path) -> None:
    plan = make_plan(_suite(tmp_path, datasets=("iris", "230_machine_cpu")))
    assert [(j.dataset, len(j.items)) for j in plan.jobs()] == [("iris", 4), ("230_machine_cpu", 4)]


def test_jobs_leave_out_finished_items(tmp_path: Path) -> None:
    plan = make_plan(_suite(tmp_path))
    done = frozenset(plan.items[0].row_keys())
    assert plan.jobs(done)[0].items == plan.items[1:]


def test_an_item_missing_one_row_stays_in_its_job(tmp_path: Path) -> None:
    plan = make_plan(_suite(tmp_path))
    done = frozenset(plan.items[0].row_keys()[1:])
    assert plan.jobs(done)[0].items == plan.items


def test_a_finished_plan_has_no_jobs(tmp_path: Path) -> None:
    plan = make_plan(_suite(tmp_path))
    assert plan.jobs(frozenset(k for i in plan.items for k in i.row_keys())) == []


def test_chunks_cut_a_job_in_order() -> None:
    items = tuple(_item(seed=s) for s in range(5))
    chunks = DatasetJob("d", 0, items).chunks(2)
    assert [c.items for c in chunks] == [items[0:2], items[2:4], items[4:5]]


def test_chunks_default_to_chunk_size(tmp_path: Path) -> None:
    plan = make_plan(_suite(tmp_path, folds=10, seeds="[0, 1]"))
    assert [len(c.items) for c in plan.chunks()] == [CHUNK_SIZE, 20 - CHUNK_SIZE]


def test_chunks_hold_every_row_key_once(tmp_path: Path) -> None:
    plan = make_plan(_suite(tmp_path))
    assert sorted(_unit_keys(plan.chunks())) == sorted(k for i in plan.items for k in i.row_keys())


def test_units_hold_every_row_key_once(tmp_path: Path) -> None:
    """Including a holdout encoder's own raw row (method ``<encoder>/raw``)."""
    plan = make_plan(_suite(tmp_path))
    assert sorted(_unit_keys(plan.units())) == sorted(k for i in plan.items for k in i.row_keys())


def test_a_holdout_encoder_unit_holds_its_own_raw_row() -> None:
    unit = list(DatasetJob("d", 0, (_item(),)).units())[2]
    assert [k[4:] for k in unit.items[0].row_keys()] == [("h", "raw"), ("h", "emb"), ("h", "raw+emb")]


def test_the_raw_unit_fits_no_encoder() -> None:
    unit = next(DatasetJob("d", 0, (_item(),)).units())
    assert unit.items[0].encoders == ()


def test_each_unit_is_one_raw_model_or_one_encoder_fit() -> None:
    units = list(DatasetJob("d", 0, (_item(),)).units())
    assert [u.n_units for u in units] == [1, 1, 1]


def test_units_without_raw_feature_set_hold_every_row_key_once(tmp_path: Path) -> None:
    plan = make_plan(_suite(tmp_path, feature_sets='feature_sets = ["emb"]'))
    assert sorted(_unit_keys(plan.units())) == sorted(k for i in plan.items for k in i.row_keys())


def test_units_skip_finished_units() -> None:
    item = _item()
    done = frozenset(item.encoder_keys("h"))
    units = list(DatasetJob("d", 0, (item,)).units(done))
    assert [u.items[0].encoders for u in units] == [(), ("ae",)]


def test_a_unit_missing_only_its_own_raw_row_is_still_scheduled() -> None:
    item = _item()
    done = frozenset(k for k in item.row_keys() if k != item.key("h", "raw"))
    units = list(DatasetJob("d", 0, (item,)).units(done))
    assert [u.items[0].encoders for u in units] == [("h",)]


def test_plan_units_of_a_finished_plan_are_empty(tmp_path: Path) -> None:
    plan = make_plan(_suite(tmp_path))
    assert plan.units(frozenset(k for i in plan.items for k in i.row_keys())) == []


def test_plan_n_units_sums_the_items(tmp_path: Path) -> None:
    plan = make_plan(_suite(tmp_path))
    assert Plan(plan.suite, plan.datasets, plan.items[:1]).n_units == 3
