"""What a run will do, known before any data is loaded (for ``--dry-run`` and progress).

Each dataset has ``repeats x folds`` splits: the suite's ``[run]`` values for our own K-fold, or,
for an OpenML task with official splits, the task's own design capped by ``max_official_repeats``
/ ``max_official_folds``. The design is read from the cached ``task.xml`` (no data needed);
when it is not cached, both caps set give the grid offline (a load then checks the task really
has that many splits), else it is fetched from OpenML (online) or reported as missing (offline).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from bench.config import DatasetSpec, OpenMLSpec, RunConfig, Suite
from bench.data import OpenMLOptions, spec_label
from bench.encoders import restricts_rows
from bench.errors import ConfigError
from bench.schema import NO_ENCODER, FeatureSet, RowKey

#: Items of a dataset prepared and fit together at most (one batched encoder program, one
#: Dask task); bounds memory for large datasets.
CHUNK_SIZE = 16


@dataclass(frozen=True)
class WorkItem:
    """One (dataset, repeat, fold, seed): raw once, then every encoder on the same split.

    ``restricted`` lists the encoders with which XGBoost trains on part of the training fold only
    (``mlp`` in ``holdout`` mode), when the suite asks for ``raw`` rows: each of them gets a
    ``raw`` row of its own, trained on exactly those rows (key ``(..., encoder, "raw")``), for a
    fair comparison. That row belongs to the encoder, not to ``feature_sets``: a unit job of the
    encoder (:meth:`DatasetJob.units`) leaves the shared ``raw`` out of ``feature_sets`` but keeps it.
    """

    dataset: str
    spec_index: int
    repeat: int
    fold: int
    seed: int
    encoders: tuple[str, ...]
    feature_sets: tuple[str, ...]
    restricted: tuple[str, ...] = ()

    def row_keys(self) -> list[RowKey]:
        keys: list[RowKey] = []
        if FeatureSet.RAW in self.feature_sets:
            keys.append(self.key(NO_ENCODER, FeatureSet.RAW))
        for enc in self.encoders:
            keys.extend(self.encoder_keys(enc))
        return keys

    def encoder_keys(self, encoder: str) -> list[RowKey]:
        """The rows encoder ``encoder`` produces for this item."""
        own_raw = [FeatureSet.RAW] if encoder in self.restricted else []
        sets = own_raw + [fs for fs in self.feature_sets if fs != FeatureSet.RAW]
        return [self.key(encoder, fs) for fs in sets]

    def key(self, encoder: str, feature_set: str) -> RowKey:
        return RowKey(self.dataset, self.repeat, self.fold, self.seed, encoder, str(feature_set))

    @property
    def n_units(self) -> int:
        """Encoder fits, plus one for the encoder-free raw model (the progress bar's unit)."""
        return len(self.encoders) + (FeatureSet.RAW in self.feature_sets)


@dataclass(frozen=True)
class DatasetJob:
    """The unfinished items of one dataset: the grain executors schedule.

    Items of a dataset share its loading, and their encoder fits can be trained together in one
    batched program, so they travel together.
    """

    dataset: str
    spec_index: int
    items: tuple[WorkItem, ...]

    @property
    def n_units(self) -> int:
        return sum(item.n_units for item in self.items)

    def chunks(self, size: int = CHUNK_SIZE) -> list[DatasetJob]:
        """The job cut into jobs of at most ``size`` items, in order."""
        return [DatasetJob(self.dataset, self.spec_index, self.items[i:i + size])
                for i in range(0, len(self.items), size)]

    def units(self, skip: set[RowKey] | frozenset[RowKey] = frozenset()) -> Iterator[DatasetJob]:
        """Each unfinished unit as a one-item job: ``raw``, then each encoder.

        The item of a unit job lists a single encoder (or only ``raw``), so the runner computes
        exactly that unit's rows (``--unit-timeout`` then blames one unit, not its item).
        """
        for item in self.items:
            emb_sets = tuple(fs for fs in item.feature_sets if fs != FeatureSet.RAW)
            units = []
            if FeatureSet.RAW in item.feature_sets:
                units.append(replace(item, encoders=(), feature_sets=(FeatureSet.RAW,)))
            units += [replace(item, encoders=(enc,), feature_sets=emb_sets)
                      for enc in item.encoders]
            for unit in units:
                if any(key not in skip for key in unit.row_keys()):
                    yield DatasetJob(self.dataset, self.spec_index, (unit,))


@dataclass(frozen=True)
class Plan:
    suite: Suite
    datasets: tuple[str, ...]
    items: tuple[WorkItem, ...]

    def jobs(self, done: set[RowKey] | frozenset[RowKey] = frozenset()) -> list[DatasetJob]:
        """One job per dataset with the items that still miss at least one row."""
        jobs = []
        for index, name in enumerate(self.datasets):
            todo = tuple(i for i in self.items
                         if i.spec_index == index and not set(i.row_keys()) <= done)
            if todo:
                jobs.append(DatasetJob(name, index, todo))
        return jobs

    def chunks(self, done: set[RowKey] | frozenset[RowKey] = frozenset()) -> list[DatasetJob]:
        """The unfinished work cut into chunks (:meth:`DatasetJob.chunks`)."""
        return [chunk for job in self.jobs(done) for chunk in job.chunks()]

    def units(self, done: set[RowKey] | frozenset[RowKey] = frozenset()) -> list[DatasetJob]:
        """The unfinished work as one job per unit (:meth:`DatasetJob.units`)."""
        return [unit for job in self.jobs(done) for unit in job.units(done)]

    @property
    def n_rows(self) -> int:
        return sum(len(item.row_keys()) for item in self.items)

    @property
    def n_units(self) -> int:
        return sum(item.n_units for item in self.items)


def make_plan(suite: Suite, *, options: OpenMLOptions | None = None) -> Plan:
    """Every (dataset, repeat, fold, seed) item of the suite, in a deterministic order.

    ``options`` locate the OpenML cache (and allow or forbid the network) for the split designs
    of OpenML tasks; default: online, ``$BENCH_CACHE_DIR``.
    """
    labels = [spec_label(spec) for spec in suite.datasets]
    duplicated = sorted({x for x in labels if labels.count(x) > 1})
    if duplicated:
        raise ConfigError(f"datasets listed more than once: {duplicated}", where=suite.name)
    run = suite.run
    grids = split_grids(suite, options)
    needs_encoder = any(fs != "raw" for fs in run.feature_sets)
    encoders = tuple(run.encoders) if needs_encoder else ()
    restricted = tuple(e for e in encoders if FeatureSet.RAW in run.feature_sets
                       and restricts_rows(e, suite.encoders.get(e, {})))
    items = tuple(
        WorkItem(label, i, r, f, s, encoders, tuple(run.feature_sets), restricted)
        for i, label in enumerate(labels)
        for r in range(grids[i][0])
        for f in range(grids[i][1])
        for s in run.seeds
    )
    plan = Plan(suite, tuple(labels), items)
    if plan.n_rows == 0:
        raise ConfigError(
            f"the plan has no result rows: feature_sets must include 'raw', or name encoders for "
            f"{[str(fs) for fs in run.feature_sets]}, however: run.encoders = {list(run.encoders)}",
            where=suite.name)
    return plan


def split_grids(suite: Suite, options: OpenMLOptions | None = None) -> list[tuple[int, int]]:
    """(repeats, folds) of every dataset of the suite; one error lists every unknown design."""
    grids: list[tuple[int, int] | None] = []
    unknown: list[int] = []
    for spec in suite.datasets:
        grid = _grid(spec, suite.run, options)
        grids.append(grid)
        if grid is None:
            assert isinstance(spec, OpenMLSpec) and spec.task is not None
            unknown.append(spec.task)
    if unknown:
        raise ConfigError(
            f"the official split design of OpenML task(s) {unknown} is not in the cache and "
            f"--offline forbids fetching it; run `bench fetch {suite.name}` first, or set both "
            f"[run] max_official_repeats and max_official_folds", where=suite.name)
    return [g for g in grids if g is not None]


def _grid(spec: DatasetSpec, run: RunConfig, options: OpenMLOptions | None) -> tuple[int, int] | None:
    if not (isinstance(spec, OpenMLSpec) and spec.task is not None and run.use_official_splits):
        return run.repeats, run.folds
    from bench.data.openml import cached_task_info, split_design

    options = options or OpenMLOptions.from_env()
    caps = run.max_official_repeats, run.max_official_folds
    cached = cached_task_info(spec.task, options)
    if cached is not None:
        design: tuple[int, int] | None = (cached.repeats, cached.folds)
    elif caps[0] is not None and caps[1] is not None:
        return caps[0], caps[1]
    else:
        design = split_design(spec.task, options)
    if design is None:
        return None
    return min(design[0], caps[0] or design[0]), min(design[1], caps[1] or design[1])
