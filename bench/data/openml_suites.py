"""OpenML benchmark suites whose task lists ship with the package (``suites/openml/*.toml``).

A suite entry ``source = "openml", suite = "cc18"`` (or ``99``, ``"OpenML-CC18"``) expands into
one task entry per task of the shipped list, so a plan never needs the network. Each file
records where its list was taken from.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bench.config import OpenMLSpec, suite_dirs
from bench.errors import ConfigError


@dataclass(frozen=True)
class SuiteList:
    """The shipped task list of one OpenML suite."""

    id: int
    alias: str
    aliases: tuple[str, ...]
    title: str
    task_type: str
    tasks: tuple[int, ...]
    names: dict[int, str]
    provenance: tuple[str, ...]
    path: Path

    def name_of(self, task_id: int) -> str | None:
        return self.names.get(task_id)


def _suite_list_dirs() -> list[Path]:
    return [d / "openml" for d in suite_dirs() if (d / "openml").is_dir()]


@cache
def shipped_suite_lists() -> dict[str, SuiteList]:
    """Every shipped suite list, by lower-case alias, id and extra aliases."""
    out: dict[str, SuiteList] = {}
    for folder in _suite_list_dirs():
        for path in sorted(folder.glob("*.toml")):
            entry = _read(path)
            for key in (entry.alias, str(entry.id), *entry.aliases):
                out.setdefault(key.lower(), entry)
    return out


def _read(path: Path) -> SuiteList:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return SuiteList(
            id=int(data["id"]),
            alias=str(data["alias"]),
            aliases=tuple(str(a) for a in data.get("aliases", [])),
            title=str(data.get("title", "")),
            task_type=str(data["task_type"]),
            tasks=tuple(int(t) for t in data["tasks"]),
            names={int(k): str(v) for k, v in data.get("names", {}).items()},
            provenance=tuple(str(p) for p in data.get("provenance", [])),
            path=path,
        )
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"invalid shipped suite list ({type(exc).__name__}: {exc})",
                          where=str(path)) from None


def find_suite_list(key: int | str) -> SuiteList:
    """The shipped list for a suite id or alias, or a clear error naming the known ones."""
    found = shipped_suite_lists().get(str(key).lower())
    if found is None:
        known = sorted({f"{s.alias} ({s.id})" for s in shipped_suite_lists().values()})
        raise ConfigError(
            f"no shipped task list for OpenML suite {key!r}; known: {', '.join(known)}. "
            f"List its tasks explicitly ([[datasets]] source = \"openml\", task = ID) instead")
    return found


def expand_suite_spec(spec: object) -> list[object]:
    """One task spec per task of the suite (filtered by ``task_type``), keeping the filters."""
    assert isinstance(spec, OpenMLSpec) and spec.suite is not None
    listed = find_suite_list(spec.suite)
    if spec.task_type is not None and spec.task_type != listed.task_type:
        return []
    return [
        OpenMLSpec(source="openml", task=task_id, name=listed.name_of(task_id),
                   max_rows=spec.max_rows, max_features=spec.max_features)
        for task_id in listed.tasks
    ]
