"""``bench datasets``: what a suite contains (name, rows, features, classes, task)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from bench.cli._common import DEBUG_HELP, console, user_errors

if TYPE_CHECKING:
    from bench.config import OpenMLSpec, Suite
    from bench.data import OpenMLOptions

UNKNOWN = "?"


@user_errors
def datasets(
    suite: Annotated[str, typer.Argument(help="A shipped suite name or a suite TOML path.")] = "quick",
    offline: Annotated[bool, typer.Option(
        "--offline", help="Never touch the network (OpenML sizes from the cache only).")] = False,
    cache_dir: Annotated[Path | None, typer.Option(
        help="Cache directory for OpenML data (default: $BENCH_CACHE_DIR or the user cache dir).")
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help=DEBUG_HELP)] = False,
) -> None:
    """List a suite's datasets with their size and task.

    OpenML entries are never downloaded here: their sizes come from the cache (`bench fetch`
    fills it); entries not cached show `?`.
    """
    from rich.table import Table

    from bench.data import OpenMLOptions
    from bench.suite_loader import load_suite

    loaded = load_suite(suite)
    options = OpenMLOptions.from_env(cache_dir=cache_dir, offline=offline)
    table = Table(title=f"suite {loaded.name}")
    columns = ("dataset", "source", "openml", "task", "rows", "features", "categorical", "classes")
    for col in columns:
        table.add_column(col, justify="left" if col in ("dataset", "source", "openml", "task")
                         else "right")
    not_cached = 0
    for spec in loaded.datasets:
        row = _row(spec, loaded, options)
        not_cached += row["rows"] == UNKNOWN
        table.add_row(*(str(row[c]) for c in columns))
    con = console()
    con.print(table)
    if not_cached:
        con.print(f"{not_cached} OpenML entr{'y is' if not_cached == 1 else 'ies are'} not cached "
                  f"(sizes shown as {UNKNOWN}); fill the cache with: bench fetch {suite}"
                  + (f" --cache-dir {cache_dir}" if cache_dir else ""))


def _row(spec: Any, suite: Suite, options: OpenMLOptions) -> dict[str, object]:
    from bench.config import OpenMLSpec
    from bench.data import load_dataset, spec_label

    if not isinstance(spec, OpenMLSpec):
        info = load_dataset(spec, base_dir=suite.base_dir).summary()
        return {**info, "dataset": info["name"], "openml": _ids(info), "classes": info["classes"]
                or "—"}
    from dataclasses import replace

    from bench.data.openml import cached_summary, load_openml, missing_from_cache

    info = cached_summary(spec, options) or {}
    offline = replace(options, offline=True)
    if not info.get("complete") and not missing_from_cache(spec, offline):
        # The OpenML files are cached but not yet normalized: normalize them now (no network).
        info = load_openml(spec, options=offline, seed=suite.seed, splits=False).dataset.summary()
    info = _capped(info, spec)
    task = info.get("task") or spec.task_type or _listed_task_type(spec) or UNKNOWN
    classes = info.get("classes")
    return {
        "dataset": spec_label(spec), "source": "openml",
        "openml": _ids({"openml_task_id": spec.task,
                        "openml_dataset_id": info.get("openml_dataset_id", spec.dataset)}),
        "task": task,
        **{k: UNKNOWN if info.get(k) is None else info[k] for k in ("rows", "features",
                                                                    "categorical")},
        "classes": UNKNOWN if classes is None else (classes or "—"),
    }


def _capped(info: dict[str, Any], spec: OpenMLSpec) -> dict[str, Any]:
    """Sizes as a run sees them: after the suite's ``max_rows`` / ``max_features``."""
    out = dict(info)
    for key, cap in (("rows", spec.max_rows), ("features", spec.max_features)):
        if cap is not None and isinstance(out.get(key), int):
            out[key] = min(out[key], cap)
    return out


def _listed_task_type(spec: OpenMLSpec) -> str | None:
    """The task type of the shipped suite list the task comes from, if any."""
    from bench.data.openml_suites import shipped_suite_lists

    for listed in shipped_suite_lists().values():
        if spec.task in listed.tasks:
            return listed.task_type
    return None


def _ids(info: dict[str, Any]) -> str:
    parts = []
    if info.get("openml_task_id"):
        parts.append(f"t{info['openml_task_id']}")
    if info.get("openml_dataset_id"):
        parts.append(f"d{info['openml_dataset_id']}")
    return "/".join(parts) or "—"
