"""bench.runner: one dataset job on real data, real encoders and real XGBoost (tiny settings)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import torch

from bench.config import Suite
from bench.context import RunContext, prepare
from bench.device import resolve_device
from bench.plan import DatasetJob, make_plan
from bench.runner import load_job_data, run_job
from bench.schema import NO_ENCODER, TIMING_COLUMNS, Status, row_key
from bench.suite_loader import load_suite
from tests.helpers import PCA_AND_HOLDOUT_MLP, cpu_context, registered_encoder, write_suite


@pytest.fixture(scope="module")
def suite(tmp_path_factory: pytest.TempPathFactory) -> Suite:
    return load_suite(write_suite(tmp_path_factory.mktemp("runner"), PCA_AND_HOLDOUT_MLP))


@pytest.fixture(scope="module")
def ctx(suite: Suite) -> RunContext:
    return cpu_context(suite)


@pytest.fixture(scope="module")
def job(suite: Suite) -> DatasetJob:
    return replace(make_plan(suite).jobs()[0], items=make_plan(suite).items[:1])


@pytest.fixture(scope="module")
def rows(job: DatasetJob, ctx: RunContext) -> dict:
    """The one item's rows by key (the whole item in one job)."""
    return {row_key(r): r for result in run_job(job, ctx) for r in result.rows}


def _same(a: dict, b: dict) -> dict:
    """Every column except the timings."""
    return {c: (a[c], b[c]) for c in a if c not in TIMING_COLUMNS and a[c] != b[c]
            and not (isinstance(a[c], float) and np.isnan(a[c]) and np.isnan(b[c]))}


# -- loading a job's data -------------------------------------------------------------------

def test_load_job_data_keys_splits_by_repeat_and_fold(job: DatasetJob, ctx: RunContext) -> None:
    _, splits = load_job_data(job, ctx)
    assert sorted(splits) == [(0, 0), (0, 1)]


# -- running a job ---------------------------------------------------------------------------

def test_run_job_yields_every_row_key_of_the_item(rows: dict, job: DatasetJob) -> None:
    assert sorted(rows) == sorted(job.items[0].row_keys())


def test_run_job_rows_are_ok(rows: dict) -> None:
    assert {r["status"] for r in rows.values()} == {Status.OK}


def test_the_holdout_raw_row_trains_on_fewer_rows_than_the_shared_raw(rows: dict, job: DatasetJob) -> None:
    item = job.items[0]
    own, shared = rows[item.key("mlp_holdout", "raw")], rows[item.key(NO_ENCODER, "raw")]
    assert own["n_train"] < shared["n_train"]


def test_the_holdout_raw_row_trains_on_the_rows_of_its_encoder_rows(rows: dict, job: DatasetJob) -> None:
    item = job.items[0]
    assert rows[item.key("mlp_holdout", "raw")]["n_train"] == rows[item.key("mlp_holdout", "emb")]["n_train"]


def test_run_job_skips_finished_rows(job: DatasetJob, ctx: RunContext) -> None:
    item = job.items[0]
    skip = frozenset(k for k in item.row_keys() if k.encoder != "pca")
    got = [row_key(r) for result in run_job(job, ctx, skip=skip) for r in result.rows]
    assert sorted(got) == sorted(item.encoder_keys("pca"))


def test_run_job_reports_each_unit(job: DatasetJob, ctx: RunContext) -> None:
    seen: list[str] = []
    list(run_job(job, ctx, skip=frozenset(job.items[0].row_keys()), on_unit=seen.append))
    assert seen == ["iris r0 f0 s0"] * job.items[0].n_units


def test_the_first_result_of_a_job_carries_the_dataset_info(job: DatasetJob, ctx: RunContext) -> None:
    first = next(run_job(job, ctx, skip=frozenset(job.items[0].row_keys())))
    assert first.dataset_info["content_hash"]


@pytest.fixture(scope="module")
def unit_rows(job: DatasetJob, ctx: RunContext) -> dict:
    """The same item run as ``--unit-timeout`` runs it: one job per unit."""
    return {row_key(r): r for unit in job.units() for result in run_job(unit, ctx) for r in result.rows}


def test_unit_jobs_give_every_row_key_of_the_item(rows: dict, unit_rows: dict) -> None:
    """The holdout encoder's own raw row included."""
    assert sorted(unit_rows) == sorted(rows)


def test_unit_jobs_give_the_rows_of_the_whole_item(rows: dict, unit_rows: dict) -> None:
    assert {k: _same(rows[k], unit_rows[k]) for k in rows} == {k: {} for k in rows}


# -- torch threads ---------------------------------------------------------------------------


# -- CUDA out of memory: retried with a smaller batch, then on the CPU -------------------------

OOM_SUITE = """
    name = "oom"
    [run]
    folds = 2
    seeds = [0]
    encoders = ["oom_ae"]
    [xgboost]
    n_estimators = 5
    max_depth = 2
    [encoders.oom_ae]
    latent = 2
    hidden = [4]
    epochs = 1
    batch_size = 32
    fails_from = {fails_from}
    [[datasets]]
    source = "embedded"
    name = "iris"
    """


@pytest.fixture
def oom_registered():
    from tests.oom_encoder import OOMParams

    with registered_encoder(OOMParams, "tests.oom_encoder:OutOfMemoryAE"):
        yield


def _oom_rows(tmp_path, fails_from: int) -> list[dict]:
    suite = load_suite(write_suite(tmp_path, OOM_SUITE.format(fails_from=fails_from)))
    plan = make_plan(suite)
    job = replace(plan.jobs()[0], items=plan.items[:1])
    ctx = RunContext(suite, run_id="r", config_hash="h", device=resolve_device("cpu"), nthread=1)
    return [r for result in run_job(job, ctx) for r in result.rows if r["encoder"] == "oom_ae"]


def test_an_oom_unit_is_retried_with_half_the_batch(oom_registered, tmp_path) -> None:
    rows = _oom_rows(tmp_path, fails_from=32)
    assert {r["fallback_reason"] for r in rows} == {"cuda-oom: retried with batch_size 16"}


def test_an_oom_unit_retried_with_half_the_batch_is_ok(oom_registered, tmp_path) -> None:
    assert {r["status"] for r in _oom_rows(tmp_path, fails_from=32)} == {Status.OK}


def _cuda_oom_fit(tmp_path) -> tuple:
    """A run on CUDA whose encoder runs out of device memory at any batch size: its fit is
    redone on the CPU (no GPU is touched: the encoder fails before it would use one)."""
    from bench.device import DeviceInfo
    from bench.runner import fit_encoders

    suite = load_suite(write_suite(tmp_path, OOM_SUITE.format(fails_from=0)))
    plan = make_plan(suite)
    job = replace(plan.jobs()[0], items=plan.items[:1])
    ctx = RunContext(suite, run_id="r", config_hash="h", nthread=1,
                     device=DeviceInfo("cuda", "a GPU", "cuda: CUDA available"))
    dataset, splits = load_job_data(job, ctx)
    view = prepare(job.items[0], dataset, splits[(0, 0)], suite)
    [out] = fit_encoders("oom_ae", [view], [True], ctx)
    return ctx, view, out


def test_a_cuda_run_retries_an_oom_fit_on_the_cpu(oom_registered, tmp_path) -> None:
    _, _, out = _cuda_oom_fit(tmp_path)
    assert (out.device.kind, out.device.fallback_reason) == ("cpu", "cuda-oom: retried on cpu")


def test_the_rows_of_a_unit_retried_on_the_cpu_say_so(oom_registered, tmp_path) -> None:
    from bench.runner import _encoder_rows

    ctx, view, out = _cuda_oom_fit(tmp_path)
    rows = _encoder_rows(view, ctx, "oom_ae", out, set())
    assert {(r["status"], r["device"], r["fallback_reason"]) for r in rows} == {
        (Status.OK, "cpu", "cuda-oom: retried on cpu")}


def test_an_xgboost_fit_out_of_cuda_memory_is_retried_on_the_cpu(
        suite: Suite, job: DatasetJob, monkeypatch: pytest.MonkeyPatch) -> None:
    """XGBoost's own device-memory error (planted in the real fit_predict for device="cuda";
    no GPU is touched): the row is trained again on the CPU and says so."""
    import xgboost as xgb

    import bench.runner
    from bench.device import DeviceInfo
    from bench.runner import _evaluate

    real = bench.runner.fit_predict

    def fit_predict(*args, device: str = "cpu", **kwargs):
        if device == "cuda":
            raise xgb.core.XGBoostError("cudaErrorMemoryAllocation: out of memory")
        return real(*args, device=device, **kwargs)

    monkeypatch.setattr(bench.runner, "fit_predict", fit_predict)
    ctx = RunContext(suite, run_id="r", config_hash="h", nthread=1,
                     device=DeviceInfo("cuda", "a GPU", "cuda: CUDA available"))
    dataset, splits = load_job_data(job, ctx)
    view = prepare(job.items[0], dataset, splits[(0, 0)], suite)
    row = _evaluate(view, ctx, job.items[0].key(NO_ENCODER, "raw"), None)
    assert (row["status"], row["device"], row["fallback_reason"]) == (
        Status.OK, "cpu", "cuda-oom: xgboost retried on cpu")


CAPPED_SUITE = """
    name = "capped"
    [run]
    folds = 2
    seeds = [0]
    encoders = ["ae"]
    [xgboost]
    n_estimators = 5
    max_depth = 2
    [encoders.ae]
    latent = 4
    hidden = [256]
    epochs = 1
    batch_size = 4096
    [[datasets]]
    source = "synthetic"
    name = "big"
    generator = "make_classification"
    rows = 40000
    features = 50
    informative = 10
    """


@pytest.fixture
def capped_cuda_memory():
    """torch may use about 1 MiB of the GPU: the encoder's training rows (16 MB) do not fit.
    XGBoost and CuPy allocate outside torch's caching allocator, so only torch is capped."""
    total = torch.cuda.get_device_properties(0).total_memory
    torch.cuda.empty_cache()
    torch.cuda.set_per_process_memory_fraction(2**20 / total)
    yield
    torch.cuda.set_per_process_memory_fraction(1.0)
    torch.cuda.empty_cache()


def _capped_rows(tmp_path) -> list[dict]:
    from bench.device import resolve_device as resolve

    suite = load_suite(write_suite(tmp_path, CAPPED_SUITE))
    plan = make_plan(suite)
    job = replace(plan.jobs()[0], items=plan.items[:1])
    ctx = RunContext(suite, run_id="r", config_hash="h", device=resolve("cuda"), nthread=1)
    return [r for result in run_job(job, ctx) for r in result.rows]


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_a_memory_cap_sends_the_encoder_unit_to_the_fallback(capped_cuda_memory, tmp_path) -> None:
    rows = [r for r in _capped_rows(tmp_path) if r["encoder"] == "ae"]
    assert {r["fallback_reason"].split(":")[0] for r in rows} == {"cuda-oom"}


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_the_units_after_a_memory_fallback_are_ok(capped_cuda_memory, tmp_path) -> None:
    assert {r["status"] for r in _capped_rows(tmp_path)} == {Status.OK}


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_the_raw_rows_stay_on_the_gpu_under_a_memory_cap(capped_cuda_memory, tmp_path) -> None:
    rows = [r for r in _capped_rows(tmp_path) if r["encoder"] == NO_ENCODER]
    assert {(r["device"], r["fallback_reason"]) for r in rows} == {("cuda", "")}
