"""Check a suite's data before any work: ``bench check``, ``bench run --dry-run`` and the task
check that starts every ``bench run``.

Every dataset is looked at (a local file's header and target column; embedded and scikit-learn
datasets whole, they are small; OpenML entries from the cache only, never the network), and
every problem is collected, so one run of ``bench check`` lists them all: a missing or unreadable
file, a wrong target column, unknown categorical columns, an ambiguous task
(:mod:`bench.data.task_inference`), classes with fewer rows than folds, an OpenML entry missing
from the cache under ``--offline``, and a plan with no rows. A rough memory estimate per work
unit warns when a unit will not fit in the memory available now.

Like :mod:`bench.suite_loader`, this never imports torch.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from bench.config import EmbeddedSpec, LocalSpec, OpenMLSpec, SklearnSpec, Suite, SyntheticSpec
from bench.data import Dataset, OpenMLOptions, load_dataset, spec_label
from bench.data.columns import missing_column_message, unknown_columns_message
from bench.data.local import read_target_column
from bench.data.task_inference import TaskGuess, ambiguity_message, infer_task
from bench.encoders import encoder_params
from bench.errors import BenchError
from bench.plan import CHUNK_SIZE, make_plan
from bench.splits import check_splittable

#: Bytes per value of the tables a unit holds at once: the frame, the tree inputs, the network
#: inputs and the feature matrices (float64), counted four times over.
TABLE_COPIES = 4
#: torch keeps a parameter, its gradient and two AdamW moments (float32).
BYTES_PER_PARAMETER = 4 * 4


class Problem(NamedTuple):
    """One thing to fix before the suite can run."""

    dataset: str
    message: str

    def __str__(self) -> str:
        return f"{self.dataset}: {self.message}"


class Shape(NamedTuple):
    rows: int
    columns: int  # feature columns (the target excluded)


@dataclass(frozen=True)
class CheckResult:
    """What :func:`check_suite` found; ``suite`` has ``task = "infer"`` on every ambiguous local
    dataset when the guesses were asked for (``--infer-tasks``)."""

    suite: Suite
    problems: tuple[Problem, ...] = ()
    guesses: dict[str, TaskGuess] = field(default_factory=dict)
    shapes: dict[str, Shape] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _Found:
    problems: list[str] = field(default_factory=list)
    ambiguous: str = ""  # the ambiguous-task problem, apart: `bench run` stops on it alone
    guess: TaskGuess | None = None
    shape: Shape | None = None


def check_suite(suite: Suite, *, options: OpenMLOptions, infer_tasks: bool = False,
                tasks_only: bool = False) -> CheckResult:
    """Look at every dataset of ``suite`` and collect every problem (nothing raises for data).

    ``tasks_only`` (what ``bench run`` does before it starts) looks only for ambiguous tasks of
    local files, leaving other data problems to the run's error rows; ``infer_tasks`` takes the
    guess for ambiguous tasks instead of reporting them.
    """
    problems: list[Problem] = []
    guesses: dict[str, TaskGuess] = {}
    shapes: dict[str, Shape] = {}
    specs = list(suite.datasets)
    for index, spec in enumerate(suite.datasets):
        label = spec_label(spec)
        if tasks_only and not (isinstance(spec, LocalSpec) and spec.task is None):
            continue
        found = _check_spec(spec, suite, options, infer_tasks=infer_tasks)
        reported = ([] if tasks_only else found.problems) + [found.ambiguous] * bool(found.ambiguous)
        problems += [Problem(label, p) for p in reported]
        if found.shape is not None:
            shapes[label] = found.shape
        if found.guess is not None:  # --infer-tasks, or `task = "infer"` in the suite
            guesses[label] = found.guess
            specs[index] = spec.model_copy(update={"task": "infer"})
    checked = suite.model_copy(update={"datasets": specs}) if guesses else suite
    warnings: tuple[str, ...] = ()
    if not tasks_only:
        try:
            make_plan(checked, options=options)
        except BenchError as exc:
            problems.append(Problem(suite.name, exc.message))
        warnings = memory_warnings(checked, shapes)
    return CheckResult(checked, tuple(problems), guesses, shapes, warnings)


def _check_spec(spec: object, suite: Suite, options: OpenMLOptions, *,
                infer_tasks: bool) -> _Found:
    if isinstance(spec, LocalSpec):
        return _check_local(spec, suite, infer_tasks=infer_tasks)
    if isinstance(spec, OpenMLSpec):
        return _check_openml(spec, suite, options)
    if isinstance(spec, SyntheticSpec):
        # Valid by construction (the suite model checked it); its shape is the spec's, so a
        # large table is not drawn just to be checked.
        return _Found(shape=Shape(spec.rows, spec.features))
    assert isinstance(spec, EmbeddedSpec | SklearnSpec)
    found = _Found()
    try:
        dataset = load_dataset(spec, base_dir=suite.base_dir)
    except BenchError as exc:
        found.problems.append(exc.message)
        return found
    _check_loaded(dataset, suite.run.folds, found)
    return found


def _check_loaded(dataset: Dataset, folds: int, found: _Found) -> None:
    found.shape = Shape(dataset.n_rows, dataset.n_features)
    try:
        check_splittable(dataset, folds)
    except BenchError as exc:
        found.problems.append(exc.message)


def _check_local(spec: LocalSpec, suite: Suite, *, infer_tasks: bool) -> _Found:
    found = _Found()
    path = spec.path if spec.path.is_absolute() else suite.base_dir / spec.path
    try:
        table = read_target_column(path, spec.target)
    except BenchError as exc:
        found.problems.append(str(exc))
        return found
    unknown = sorted(set(spec.categorical or ()) - set(table.columns))
    if unknown:
        found.problems.append(unknown_columns_message("categorical", unknown, table.columns))
    if table.values is None:
        found.problems.append(missing_column_message("target column", spec.target, table.columns))
        return found
    found.shape = Shape(len(table.values), len(table.columns) - 1)
    y = table.values.dropna()
    if y.empty:
        found.problems.append(f"target column {spec.target!r} has no values")
        return found
    task = spec.task
    if task in (None, "infer"):
        guess = infer_task(y)
        if guess.ambiguous and task is None and not infer_tasks:
            found.ambiguous = ambiguity_message(guess)
            return found  # class sizes depend on the task the user will choose
        if guess.ambiguous:
            found.guess = guess
        task = guess.task
    folds = suite.run.folds
    if len(y) < folds:
        found.problems.append(f"{len(y)} rows cannot be split into {folds} folds")
    elif task == "classification" and y.nunique() < 2:
        found.problems.append(f"target has a single class ({str(y.iloc[0])!r}); classification "
                              f"needs two or more")
    elif task == "classification" and _small_classes(y, folds):
        found.problems.append(_small_classes(y, folds))
    return found


def _small_classes(y: pd.Series, folds: int) -> str:
    """The message of :func:`bench.splits.check_splittable`, from the target column alone."""
    counts = y.astype(str).value_counts()
    small = sorted(counts.index[counts < folds])
    if not small:
        return ""
    shown = ", ".join(f"{c!r} ({counts[c]})" for c in small[:10])
    more = f" and {len(small) - 10} more" if len(small) > 10 else ""
    return (f"classes {shown}{more} have fewer than {folds} rows, so stratified {folds}-fold CV "
            f"cannot put one in every test fold; lower `folds` or drop those classes")


def _check_openml(spec: OpenMLSpec, suite: Suite, options: OpenMLOptions) -> _Found:
    from bench.data.openml import describe, load_openml, missing_from_cache

    found = _Found()
    cache_only = replace(options, offline=True)
    try:
        missing = missing_from_cache(spec, cache_only)
        if missing and options.offline:
            found.problems.append(f"{describe(spec)} is not in the cache ({'; '.join(missing)}) "
                                  f"and --offline forbids downloading it; run `bench fetch` first")
        if missing:
            return found  # online: downloaded when the run starts
        dataset = load_openml(spec, options=cache_only, seed=suite.seed, splits=False).dataset
    except BenchError as exc:
        found.problems.append(exc.message)
        return found
    official = spec.task is not None and suite.run.use_official_splits
    if official:
        found.shape = Shape(dataset.n_rows, dataset.n_features)
    else:
        _check_loaded(dataset, suite.run.folds, found)
    return found


# -- memory -------------------------------------------------------------------------------------


def memory_warnings(suite: Suite, shapes: dict[str, Shape], *,
                    available: int | None = None) -> tuple[str, ...]:
    """One warning per dataset whose work, as it runs at once, is estimated not to fit in the
    memory available now (``available`` bytes; default: :func:`available_memory`)."""
    available = available if available is not None else available_memory()
    if available is None:
        return ()
    out = []
    for name, shape in shapes.items():
        need = unit_memory(suite, shape)
        if need > available:
            out.append(f"{name}: its work units need about {size_text(need)} at once "
                       f"({shape.rows} rows × {shape.columns} columns, up to {CHUNK_SIZE} splits "
                       f"whose encoder networks train together), but only "
                       f"{size_text(available)} of memory is available")
    return tuple(out)


def unit_memory(suite: Suite, shape: Shape) -> int:
    """A rough upper estimate of the bytes a dataset's work holds at once: up to
    :data:`~bench.plan.CHUNK_SIZE` splits, each with its tables (rows × columns × 8 bytes,
    :data:`TABLE_COPIES` times) and its encoder's embeddings and networks (parameters,
    gradients, AdamW moments and a batch of activations per network); encoders run one after
    the other, so the largest counts."""
    at_once = min(CHUNK_SIZE, suite.run.repeats * suite.run.folds * len(suite.run.seeds))
    table = shape.rows * max(shape.columns, 1) * 8 * TABLE_COPIES
    encoders = [_encoder_bytes(name, suite.encoders.get(name, {}), shape)
                for name in suite.run.encoders]
    return int(at_once * (table + max(encoders, default=0)))


def _encoder_bytes(name: str, params: dict[str, object], shape: Shape) -> int:
    described = encoder_params(name, params)
    latent = int(getattr(described, "latent", 8))
    hidden = [int(h) for h in getattr(described, "hidden", ())]
    embeddings = shape.rows * latent * 8 * 2
    if not hidden:  # pca, rp: a projection matrix
        return embeddings + shape.columns * latent * 8
    widths = [shape.columns, *hidden, latent, *reversed(hidden), shape.columns]
    parameters = sum(a * b + b for a, b in zip(widths, widths[1:], strict=False))
    networks = 1 + int(getattr(described, "crossfit_folds", 0) or 0)
    batch = int(getattr(described, "batch_size", 256))
    activations = batch * sum(widths) * 4 * 2
    return embeddings + networks * (parameters * BYTES_PER_PARAMETER + activations)


def available_memory() -> int | None:
    """Bytes of memory available now: psutil if installed, else ``/proc/meminfo``."""
    try:
        import psutil
    except ImportError:
        return _meminfo_available(Path("/proc/meminfo"))
    return int(psutil.virtual_memory().available)


def _meminfo_available(path: Path) -> int | None:
    try:
        text = path.read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) * 1024
    return None


def size_text(n: float) -> str:
    """``1.5 GiB``, ``12 MiB``, ``< 1 MiB``."""
    if n < 2**20:
        return "< 1 MiB"
    return f"{n / 2**30:.1f} GiB" if n >= 2**30 else f"{n / 2**20:.0f} MiB"

