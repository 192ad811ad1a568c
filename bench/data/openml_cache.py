"""What the OpenML cache holds, read without openml-python and without the network.

:func:`missing_from_cache` (what a load would download), :func:`cached_task_info` (``task.xml``),
:func:`cached_summary` (sizes for listings), :func:`require_cached` (``--offline``'s one error).
Loading lives in :mod:`bench.data.openml`.
"""

from __future__ import annotations

import hashlib
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import xmltodict

from bench.config import OpenMLSpec
from bench.data.cache import CorruptCacheError, NormalizedStore
from bench.data.openml_client import OfflineMissing, OpenMLOptions

CLASSIFICATION_TASK = "Supervised Classification"
REGRESSION_TASK = "Supervised Regression"


@dataclass(frozen=True)
class TaskInfo:
    """What ``task.xml`` says, read without openml-python (so it is safe offline)."""

    task_id: int
    dataset_id: int
    target: str
    task_type: str
    repeats: int
    folds: int


def spec_label(spec: OpenMLSpec) -> str:
    """The dataset name used in plans and results: ``name``, else ``task-ID`` / ``dataset-ID``."""
    if spec.name:
        return spec.name
    return f"task-{spec.task}" if spec.task is not None else f"dataset-{spec.dataset}"


def describe(spec: OpenMLSpec) -> str:
    return f"OpenML task {spec.task}" if spec.task is not None else f"OpenML dataset {spec.dataset}"


def store_key(dataset_id: int, target: str, kind: str | None) -> str:
    digest = hashlib.sha256(f"{target}\0{kind}".encode()).hexdigest()[:10]
    return f"d{dataset_id}-{digest}"


def task_dir(task_id: int, options: OpenMLOptions) -> Path:
    return options.server_dir / "tasks" / str(task_id)


def dataset_dir(dataset_id: int, options: OpenMLOptions) -> Path:
    return options.server_dir / "datasets" / str(dataset_id)


def read_xml(path: Path, root: str, *, required: bool = True) -> dict[str, Any] | None:
    if not path.is_file():
        return None
    try:
        return xmltodict.parse(path.read_text(encoding="utf-8"))[root]
    except Exception as exc:  # noqa: BLE001 - any failure: the file is damaged
        if not required:
            return None
        raise CorruptCacheError(f"unreadable cached OpenML file ({type(exc).__name__})",
                                path=path) from None


def cached_task_info(task_id: int, options: OpenMLOptions) -> TaskInfo | None:
    """Parse the cached ``task.xml`` (no openml-python, no network), or ``None``."""
    xml = read_xml(task_dir(task_id, options) / "task.xml", "oml:task")
    if xml is None:
        return None
    inputs = xml["oml:input"] if isinstance(xml["oml:input"], list) else [xml["oml:input"]]
    by_name = {i["@name"]: i for i in inputs}
    source = by_name["source_data"]["oml:data_set"]
    params: dict[str, str] = {}
    if "estimation_procedure" in by_name:
        raw = by_name["estimation_procedure"]["oml:estimation_procedure"].get("oml:parameter", [])
        for p in raw if isinstance(raw, list) else [raw]:
            params[p["@name"]] = p.get("#text") or ""
    return TaskInfo(task_id=task_id, dataset_id=int(source["oml:data_set_id"]),
                    target=str(source.get("oml:target_feature") or ""),
                    task_type=str(xml.get("oml:task_type", "")),
                    repeats=int(params.get("number_repeats") or 1),
                    folds=int(params.get("number_folds") or 1))


def has_source_data(dataset_id: int, options: OpenMLOptions) -> bool:
    d = dataset_dir(dataset_id, options)
    return (d / "description.xml").is_file() and (
        (d / "dataset.arff").is_file() or (d / f"dataset_{dataset_id}.pq").is_file())


def missing_from_cache(spec: OpenMLSpec, options: OpenMLOptions) -> list[str]:
    """What a load of ``spec`` would have to download (empty: it works offline).

    Raises :class:`CorruptCacheError` naming a cached XML file that cannot be parsed.
    """
    if spec.task is None:
        assert spec.dataset is not None
        description = read_xml(dataset_dir(spec.dataset, options) / "description.xml",
                                "oml:data_set_description")
        target = spec.target or (description or {}).get("oml:default_target_attribute")
        if target and _store_exists(spec.dataset, str(target), spec.task_type, options):
            return []
        return _missing_dataset_files(spec.dataset, options)
    info = cached_task_info(spec.task, options)
    if info is None:
        return [f"task {spec.task} description"]
    kind = {CLASSIFICATION_TASK: "classification", REGRESSION_TASK: "regression"}.get(
        info.task_type)
    missing = _missing_dataset_files(info.dataset_id, options)
    if _store_exists(info.dataset_id, info.target, kind, options):
        missing = [m for m in missing if not m.endswith(" data")]
    t = task_dir(spec.task, options)
    if not ((t / "datasplits.arff").is_file() or (t / "datasplits.pkl.py3").is_file()):
        missing.append(f"task {spec.task} splits")
    return missing


def _missing_dataset_files(dataset_id: int, options: OpenMLOptions) -> list[str]:
    missing = []
    d = dataset_dir(dataset_id, options)
    for needed, root in (("description.xml", "oml:data_set_description"),
                         ("features.xml", "oml:data_features")):
        if read_xml(d / needed, root) is None:  # raises naming the file if it is damaged
            missing.append(f"dataset {dataset_id} {needed}")
    if not has_source_data(dataset_id, options):
        missing.append(f"dataset {dataset_id} data")
    return missing


def _store_exists(dataset_id: int, target: str, kind: str | None, options: OpenMLOptions) -> bool:
    store = NormalizedStore(options.cache_dir, options.namespace)
    return store.exists(store_key(dataset_id, target, kind))


def cached_summary(spec: OpenMLSpec, options: OpenMLOptions) -> dict[str, Any] | None:
    """Sizes of a cached entry for listings, from our metadata or OpenML's qualities; no parsing."""
    if spec.task is not None:
        info = cached_task_info(spec.task, options)
        if info is None:
            return None
        dataset_id, target = info.dataset_id, info.target
    else:
        assert spec.dataset is not None
        dataset_id, target = spec.dataset, spec.target
    store = NormalizedStore(options.cache_dir, options.namespace)
    for key in store.keys(f"d{dataset_id}-"):
        try:
            meta = store.read_meta(key)
        except CorruptCacheError:
            continue
        if meta and (target is None or meta.get("target") == target):
            return {**meta["summary"], "openml_task_id": spec.task, "complete": True}
    return _qualities_summary(dataset_id, spec, options)


def _qualities_summary(dataset_id: int, spec: OpenMLSpec,
                       options: OpenMLOptions) -> dict[str, Any] | None:
    qualities = read_xml(dataset_dir(dataset_id, options) / "qualities.xml", "oml:data_qualities",
                          required=False)
    if qualities is None:
        return None
    values = {q["oml:name"]: q.get("oml:value") for q in qualities.get("oml:quality", [])}

    def num(key: str) -> int | None:
        try:
            return int(float(values[key]))
        except (KeyError, TypeError, ValueError):
            return None

    n_features = num("NumberOfFeatures")
    return {"rows": num("NumberOfInstances"),
            "features": None if n_features is None else n_features - 1,
            "categorical": num("NumberOfSymbolicFeatures"), "classes": num("NumberOfClasses"),
            "openml_task_id": spec.task, "openml_dataset_id": dataset_id, "complete": False}


def fetch_command(suite_arg: str, options: OpenMLOptions) -> str:
    """The exact ``bench fetch`` command that fills the cache for a suite."""
    return f"bench fetch {shlex.quote(suite_arg)} --cache-dir {shlex.quote(str(options.cache_dir))}"


def require_cached(specs: list[Any], options: OpenMLOptions, *, suite_arg: str) -> None:
    """Offline: one error listing every OpenML entry missing from the cache, and the fix."""
    missing: list[str] = []
    for spec in specs:
        if isinstance(spec, OpenMLSpec) and missing_from_cache(spec, options):
            missing.append(describe(spec).removeprefix("OpenML "))
    if missing:
        shown = ", ".join(missing[:20]) + (f" and {len(missing) - 20} more" if len(missing) > 20
                                            else "")
        entries = "entry is" if len(missing) == 1 else "entries are"
        raise OfflineMissing(f"--offline: {len(missing)} OpenML {entries} not in the cache "
                             f"{options.cache_dir}: {shown}; fill it with: "
                             f"{fetch_command(suite_arg, options)}", missing=missing)
