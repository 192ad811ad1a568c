"""Run a dataset job: load once, then per (dataset, repeat, fold, seed) item raw once and
every encoder on the same split.

Learning happens on the training rows of the split only: the tree preprocessing, the encoders'
own preprocessing and the encoders are fit on them; XGBoost early-stops on a validation part of
them; the test rows are only ever transformed and predicted.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from bench.arrays import to_device
from bench.config import OpenMLSpec
from bench.context import RunContext, SplitView, prepare
from bench.data import Dataset, load_dataset
from bench.device import DeviceInfo
from bench.encoders import make_encoder, registry_entry
from bench.encoders.base import Encoder
from bench.encoders.many import FitOutcome, fit_transform_many
from bench.features import build_features
from bench.metrics import classification_metrics, regression_metrics
from bench.models import booster_params, fit_predict
from bench.oom import (
    free_device_memory,
    is_cuda_oom,
    peak_mib,
    reason,
    reset_peak,
    smaller_batch,
)
from bench.plan import DatasetJob, WorkItem
from bench.schema import NO_ENCODER, FeatureSet, RowKey
from bench.shift import shift_auc
from bench.splits import Split, make_splits, official_splits
from bench.threads import fit_threads, limited_threads

#: ``reserve(n)``: a context that holds ``n`` threads of the executor's budget.
Reserve = Callable[[int], contextlib.AbstractContextManager[object]]


def _no_reservation(n: int) -> contextlib.AbstractContextManager[object]:
    return contextlib.nullcontext()


@dataclass(frozen=True)
class EncoderOutput:
    """Embeddings of one split's training and test rows, and the time the fit took.

    ``rows``: positions of the training rows XGBoost may train on (``None``: all of them); the
    ``holdout`` mode of ``mlp`` keeps back the rows its network trained on. ``shift_auc``: the
    shift diagnostic (:mod:`bench.shift`) between those rows' embeddings and the test rows'.
    """

    mode: str
    train: np.ndarray
    test: np.ndarray
    fit_s: float
    rows: np.ndarray | None = None
    shift_auc: float | None = None
    device: DeviceInfo | None = None  # where a unit retried after a CUDA OOM ran (None: the run's)
    peak_mib: float | None = None  # torch's peak device memory during the fit (None on the CPU)


@dataclass(frozen=True)
class ItemResult:
    """The rows one work item produced (failures included, as rows).

    ``dataset_info`` (summary, content hash, provenance) comes with the first item of a job, for
    the run manifest.
    """

    item: WorkItem
    rows: list[dict[str, Any]]
    dataset_info: dict[str, Any] | None = None


def run_job(
    job: DatasetJob,
    ctx: RunContext,
    *,
    skip: frozenset[RowKey] | set[RowKey] = frozenset(),
    on_unit: Callable[[str], None] = lambda description: None,
    reserve: Reserve = _no_reservation,
) -> Iterator[ItemResult]:
    """Load the job's dataset once, then yield each item's rows as soon as they are ready.

    Every fit of the job runs on :func:`~bench.threads.fit_threads` threads (from the data's
    shape); ``reserve(n)`` holds them from the executor's budget while the job computes.
    """
    yield from _run_job(job, ctx, skip, on_unit, reserve)


def _run_job(job: DatasetJob, ctx: RunContext, skip: frozenset[RowKey] | set[RowKey],
             on_unit: Callable[[str], None], reserve: Reserve) -> Iterator[ItemResult]:
    """Every exception while loading the dataset, preparing a split or running a chunk becomes
    error rows for exactly the keys it affects; only interrupts (not ``Exception``) get out."""
    try:
        dataset, splits = load_job_data(job, ctx)
        threads = fit_threads(n_rows=dataset.n_rows, n_features=dataset.n_features,
                              override=ctx.nthread)
        ctx = dataclasses.replace(ctx, nthread=threads)
        info: dict[str, Any] | None = {
            **dataset.summary(), "content_hash": dataset.content_hash,
            "provenance": list(dataset.provenance), "fit_threads": threads,
            "xgboost_params": _xgboost_params(dataset, ctx)}
    except Exception as exc:  # noqa: BLE001 - one dataset's failure becomes its rows
        for item in job.items:
            yield _failed_item(item, ctx, exc, skip, on_unit, "failed to load")
        return
    with reserve(threads), limited_threads(threads):
        yield from _run_chunks(job, dataset, splits, ctx, skip, on_unit, info)


def _run_chunks(job: DatasetJob, dataset: Dataset, splits: dict[tuple[int, int], Split],
                ctx: RunContext, skip: frozenset[RowKey] | set[RowKey],
                on_unit: Callable[[str], None], info: dict[str, Any] | None,
                ) -> Iterator[ItemResult]:
    """The job's chunks in order; a split or chunk that fails fails only its own items."""
    for chunk in job.chunks():
        views: list[SplitView] = []
        for item in chunk.items:
            try:
                views.append(prepare(item, dataset, splits[(item.repeat, item.fold)], ctx.suite,
                                     ctx.device.kind))
            except Exception as exc:  # noqa: BLE001 - this split's keys fail, the rest go on
                yield _failed_item(item, ctx, exc, skip, on_unit, "failed to split", info)
                info = None
        done: set[WorkItem] = set()
        try:
            for result in _run_chunk(views, ctx, skip, on_unit) if views else ():
                done.add(result.item)
                yield ItemResult(result.item, result.rows, info)
                info = None
        except Exception as exc:  # noqa: BLE001 - a bug below: the chunk's other items fail
            for view in views:
                if view.item not in done:
                    yield _failed_item(view.item, ctx, exc, skip, on_unit, "failed", info)
                    info = None


def _failed_item(item: WorkItem, ctx: RunContext, exc: BaseException,
                 skip: frozenset[RowKey] | set[RowKey], on_unit: Callable[[str], None],
                 what: str, info: dict[str, Any] | None = None) -> ItemResult:
    """Error rows for every key of ``item`` still to do (message: one line; traceback aside)."""
    rows = [ctx.error_row(key, exc) for key in item.row_keys() if key not in skip]
    for _ in range(item.n_units):
        on_unit(f"{item.dataset} ({what})")
    return ItemResult(item, rows, info)


def _xgboost_params(dataset: Dataset, ctx: RunContext) -> dict[str, Any]:
    """The booster parameters every fit on ``dataset`` uses (the manifest records them); only
    the seed differs between fits: it derives from (suite seed, dataset, repeat, fold, seed)."""
    params = booster_params(ctx.suite.xgboost, task=dataset.task, n_classes=dataset.n_classes,
                            seed=0, device=ctx.device.kind, nthread=ctx.nthread)
    params["seed"] = "derived per (dataset, repeat, fold, seed)"
    return params


def load_job_data(job: DatasetJob, ctx: RunContext) -> tuple[Dataset, dict[tuple[int, int], Split]]:
    """The dataset and its splits by (repeat, fold): OpenML's official ones for an OpenML task
    (unless ``use_official_splits = false``), else our deterministic K-fold."""
    suite, run = ctx.suite, ctx.suite.run
    spec = suite.datasets[job.spec_index]
    if isinstance(spec, OpenMLSpec):
        from bench.data.openml import load_openml

        official = spec.task is not None and run.use_official_splits
        loaded = load_openml(spec, options=ctx.openml_options(), name=job.dataset,
                             seed=suite.seed, splits=official,
                             max_repeats=run.max_official_repeats, max_folds=run.max_official_folds)
        if loaded.official is not None:
            pairs = {(item.repeat, item.fold) for item in job.items}
            splits = official_splits(loaded.dataset, loaded.row_ids, loaded.official, pairs)
            return loaded.dataset, {(s.repeat, s.fold): s for s in splits}
        dataset = loaded.dataset
    else:
        dataset = load_dataset(spec, base_dir=suite.base_dir)
    splits = make_splits(dataset, folds=run.folds, repeats=run.repeats, suite_seed=suite.seed)
    return dataset, {(s.repeat, s.fold): s for s in splits}


def _run_chunk(views: list[SplitView], ctx: RunContext, skip, on_unit) -> Iterator[ItemResult]:
    """Fit each encoder for every view of the chunk, then evaluate item by item."""
    outputs: dict[str, list[EncoderOutput | BaseException | None]] = {}
    for name in views[0].item.encoders:
        wanted = [any(k not in skip for k in v.item.encoder_keys(name)) for v in views]
        outputs[name] = fit_encoders(name, views, wanted, ctx)
        free_device_memory(ctx.device.kind)
    for i, view in enumerate(views):
        item, desc = view.item, f"{view.item.dataset} r{view.item.repeat} f{view.item.fold} s{view.item.seed}"
        rows: list[dict[str, Any]] = []
        if FeatureSet.RAW in item.feature_sets:
            if item.key(NO_ENCODER, FeatureSet.RAW) not in skip:
                rows.append(_evaluate(view, ctx, item.key(NO_ENCODER, FeatureSet.RAW), None))
            on_unit(desc)
        for name, results in outputs.items():
            rows.extend(_encoder_rows(view, ctx, name, results[i], skip))
            free_device_memory(ctx.device.kind)
            on_unit(desc)
        yield ItemResult(item, rows)


def fit_encoders(
    name: str, views: list[SplitView], wanted: list[bool], ctx: RunContext
) -> list[EncoderOutput | BaseException | None]:
    """Fit encoder ``name`` on the training rows of each wanted view and embed train and test.

    All wanted fits of the chunk go to :func:`~bench.encoders.many.fit_transform_many`, which trains
    their networks (for ``mlp`` in ``crossfit``/``oof-proba`` mode, the k + 1 of each) in one
    batched torch program where the architectures agree, and one by one otherwise. Returns, per
    view, the embeddings, the exception that stopped the fit (recorded later as error rows; the
    rest of the suite goes on), or ``None`` where nothing was wanted.
    """
    params = ctx.suite.encoders.get(name, {})
    # Variants of one registered encoder share its seeds: paired comparisons (e.g. the leak
    # audit's mlp vs mlp_naive) then differ only in what the variant changes.
    kind = registry_entry(name, params).name
    out: list[EncoderOutput | BaseException | None] = [None] * len(views)
    encoders: dict[int, Encoder] = {}
    for i, (view, want) in enumerate(zip(views, wanted, strict=True)):
        if want:
            try:
                encoders[i] = make_encoder(name, params, random_state=view.seed(kind, ctx.suite.seed),
                                           device=ctx.device.torch_device)
            except Exception as exc:  # noqa: BLE001 - becomes error rows
                out[i] = exc
    todo = list(encoders)
    reset_peak(ctx.device.kind)
    try:
        fits = fit_transform_many([encoders[i] for i in todo], [views[i].X_train for i in todo],
                                  [views[i].y_train for i in todo], task=views[0].dataset.task)
    except Exception as exc:  # noqa: BLE001 - the encoder's rows of this chunk fail
        for i in todo:
            out[i] = (_retry_after_oom(name, params, kind, encoders[i], views[i], ctx, exc)
                      if is_cuda_oom(exc) else exc)
        return out
    peak = peak_mib(ctx.device.kind)
    for i, fit in zip(todo, fits, strict=True):
        out[i] = _embed_test(name, encoders[i], views[i], fit, ctx)
        if isinstance(out[i], EncoderOutput):
            out[i] = dataclasses.replace(out[i], peak_mib=peak)
        if isinstance(out[i], BaseException) and is_cuda_oom(out[i]):
            out[i] = _retry_after_oom(name, params, kind, encoders[i], views[i], ctx, out[i])
    return out


def _retry_after_oom(name: str, params: dict[str, Any], kind: str, encoder: Encoder,
                     view: SplitView, ctx: RunContext,
                     error: BaseException) -> EncoderOutput | BaseException:
    """A fit that ran out of CUDA memory, again: alone with half the encoder batch on the same
    device, then on the CPU. The output records where it ran and why; the last error if none
    worked."""
    attempts: list[tuple[dict[str, Any], DeviceInfo]] = []
    smaller = smaller_batch(params, getattr(encoder, "batch_size", None))
    if smaller is not None:
        attempts.append((smaller, ctx.device.retried(
            ctx.device.kind, reason(f"retried with batch_size {smaller['batch_size']}"))))
    attempts.append((params, ctx.device.retried("cpu", reason("retried on cpu"))))
    for attempt_params, device in attempts:
        free_device_memory(ctx.device.kind)
        reset_peak(device.kind)
        try:
            retry = make_encoder(name, attempt_params, random_state=view.seed(kind, ctx.suite.seed),
                                 device=device.torch_device)
            fit = fit_transform_many([retry], [view.X_train], [view.y_train],
                                     task=view.dataset.task)[0]
        except Exception as exc:  # noqa: BLE001 - becomes error rows
            error = exc
            continue
        result = _embed_test(name, retry, view, fit, ctx)
        if not isinstance(result, BaseException):
            return dataclasses.replace(result, device=device, peak_mib=peak_mib(device.kind))
        error = result
        if not is_cuda_oom(result):
            break
    return error


def _embed_test(name: str, encoder: Encoder, view: SplitView, fit: FitOutcome,
                ctx: RunContext) -> EncoderOutput | BaseException:
    if fit.error is not None:
        return fit.error
    try:
        start = time.perf_counter()
        emb_test = encoder.transform(view.X_test)
        fit_s = fit.fit_s + time.perf_counter() - start
        rows = encoder.downstream_rows_
        emb_train = fit.embedding
        used = emb_train if rows is None else emb_train[rows]
        if not (np.isfinite(used).all() and np.isfinite(emb_test).all()):
            raise FloatingPointError(f"encoder {name!r} produced non-finite embeddings")
        shift = shift_auc(used, emb_test, seed=view.seed("shift", ctx.suite.seed),
                          nthread=ctx.nthread)
        # Uploaded once per fit to where XGBoost reads it (NumPy stays as it is on the CPU).
        device = view.tree_train.device
        return EncoderOutput(encoder.mode, to_device(emb_train, device),
                             to_device(emb_test, device), fit_s, rows, shift)
    except Exception as exc:  # noqa: BLE001 - becomes error rows
        return exc


def _encoder_rows(view: SplitView, ctx: RunContext, name: str,
                  result: EncoderOutput | BaseException | None, skip) -> list[dict[str, Any]]:
    wanted = [key for key in view.item.encoder_keys(name) if key not in skip]
    if result is None or not wanted:
        return []
    if isinstance(result, BaseException):
        return [ctx.error_row(key, result, **view.fields()) for key in wanted]
    if result.device is not None:  # retried after a CUDA OOM: its XGBoost models run there too
        ctx, view = dataclasses.replace(ctx, device=result.device), view.on(result.device.kind)
    if result.rows is not None:
        # XGBoost trains (and early-stops) only on the rows the encoder kept back, and so does
        # this encoder's own raw row: the fair baseline for it.
        view = dataclasses.replace(view, fit=np.intersect1d(view.fit, result.rows),
                                   val=np.intersect1d(view.val, result.rows))
    return [_evaluate(view, ctx, key, None if key.feature_set == FeatureSet.RAW else result)
            for key in wanted]


def _evaluate(view: SplitView, ctx: RunContext, key: RowKey,
              emb: EncoderOutput | None) -> dict[str, Any]:
    """Train XGBoost on one feature set and return its result row; after a CUDA OOM, once
    more on the CPU (the row says so)."""
    row = _evaluate_on(view, ctx, key, emb)
    if ctx.device.kind == "cuda" and row.get("_oom"):
        free_device_memory("cuda")
        cpu = ctx.device.retried("cpu", reason("xgboost retried on cpu"))
        row = _evaluate_on(view.on("cpu"), dataclasses.replace(ctx, device=cpu), key, emb)
    row.pop("_oom", None)
    return row


def _evaluate_on(view: SplitView, ctx: RunContext, key: RowKey,
                 emb: EncoderOutput | None) -> dict[str, Any]:
    feature_set = key.feature_set
    try:
        train = build_features(view.tree_train, None if emb is None else emb.train, feature_set)
        test = build_features(view.tree_test, None if emb is None else emb.test, feature_set)
        result = fit_predict(
            train.take(view.fit), view.y_train[view.fit],
            train.take(view.val), view.y_train[view.val], test,
            config=ctx.suite.xgboost, task=view.dataset.task, n_classes=view.dataset.n_classes,
            seed=view.seed("xgb", ctx.suite.seed), device=ctx.device.kind, nthread=ctx.nthread,
        )
        if view.dataset.is_classification:
            metrics = classification_metrics(view.y_test, result.prediction)
        else:
            metrics = regression_metrics(view.y_test, result.prediction)
    except Exception as exc:  # noqa: BLE001 - this key fails, the rest go on
        return {**ctx.error_row(key, exc, **view.fields()), "_oom": is_cuda_oom(exc)}
    return ctx.new_row(
        key, **view.fields(), **metrics,
        n_features=train.shape[1], n_embedding=0 if emb is None else emb.train.shape[1],
        shift_auc=None if emb is None else emb.shift_auc,
        device_peak_mib=None if emb is None else emb.peak_mib,
        encoder_fit_s=0.0 if emb is None else emb.fit_s, xgb_fit_s=result.fit_s, predict_s=result.predict_s,
        best_iteration=result.best_iteration,
    )

