"""Read a suite file and check all of it: structure (``bench.config``), OpenML suite entries
expanded into their shipped task lists, and every encoder's parameters (torch-free).

This is what ``bench run``, ``bench check``, ``bench datasets`` and the Python API call; it sits
above the encoders and data layers because it asks both about the suite.
"""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bench.config import OpenMLSpec, Suite, resolve_suite_path
from bench.data.openml_suites import expand_suite_spec
from bench.encoders import check_encoder_params
from bench.errors import ConfigError


def load_suite(name_or_path: str | Path) -> Suite:
    """Load and validate a suite by name (``quick``) or path (``my_suite.toml``)."""
    path = resolve_suite_path(name_or_path)
    return load_suite_data(_read(path), where=str(path))


def load_suite_problems(name_or_path: str | Path) -> tuple[Suite | None, list[str]]:
    """Every problem of a suite file, not just the first, and the suite without the keys at
    fault (their defaults instead; a broken dataset entry left out) so that its data can still
    be checked (``bench check``). ``None`` when even that does not validate."""
    path = resolve_suite_path(name_or_path)
    data = _read(path)
    problems: list[str] = []
    for _ in range(MAX_REPAIRS):
        try:
            return load_suite_data(data, where=str(path)), problems
        except _Invalid as exc:
            problems += [f"{path}: {_describe_one(err)}" for err in exc.errors]
            data = _without(data, [err["loc"] for err in exc.errors])
        except ConfigError as exc:  # encoder parameters or OpenML suites: check the data anyway
            problems.append(str(exc))
            try:
                return _expand_openml_suites(Suite.model_validate(data)), problems
            except (ValidationError, ConfigError):
                return None, problems
    return None, problems


#: How many rounds of leaving out faulty keys :func:`load_suite_problems` tries.
MAX_REPAIRS = 5


def _read(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}", where=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read: {exc}", where=str(path)) from None
    data.setdefault("name", path.stem)
    data["base_dir"] = path.parent
    return data


class _Invalid(ConfigError):
    """A structural validation failure, with every pydantic error (for :func:`load_suite_problems`)."""

    def __init__(self, message: str, *, where: str, errors: list[Any]) -> None:
        super().__init__(message, where=where)
        self.errors = errors


def _without(data: dict[str, Any], locations: list[tuple[Any, ...]]) -> dict[str, Any]:
    """``data`` without the keys at ``locations`` (a dataset entry goes whole)."""
    out = copy.deepcopy(data)
    drop_entries = set()
    for loc in locations:
        if len(loc) >= 2 and loc[0] == "datasets" and isinstance(loc[1], int):
            drop_entries.add(loc[1])
            continue
        parent: Any = out
        for part in loc[:-1]:
            parent = parent.get(part, {}) if isinstance(parent, dict) else {}
        if isinstance(parent, dict):
            parent.pop(loc[-1] if loc else None, None)
    if drop_entries and isinstance(out.get("datasets"), list):
        out["datasets"] = [d for i, d in enumerate(out["datasets"]) if i not in drop_entries]
    return out


def load_suite_data(data: Mapping[str, Any], *, where: str) -> Suite:
    """Validate a suite given as data (e.g. a run manifest's ``config``)."""
    try:
        suite = Suite.model_validate(data)
        suite = _expand_openml_suites(suite)
        _check_encoders(suite)
    except ValidationError as exc:
        raise _Invalid(_describe(exc), where=where, errors=exc.errors(include_url=False)) from None
    except ConfigError as exc:
        raise ConfigError(exc.message, where=where) from None
    return suite


def with_overrides(suite: Suite, **changes: Any) -> Suite:
    """A copy of ``suite`` with ``[run]`` fields replaced (``None`` values are ignored)."""
    run = {k: v for k, v in changes.items() if v is not None}
    if not run:
        return suite
    data = suite.model_dump()
    data["run"].update(run)
    data["base_dir"] = suite.base_dir
    return load_suite_data(data, where=f"suite {suite.name!r} with command-line overrides")


def _expand_openml_suites(suite: Suite) -> Suite:
    """Replace each OpenML suite entry by its tasks (from the shipped list: no network)."""
    if not any(isinstance(s, OpenMLSpec) and s.suite is not None for s in suite.datasets):
        return suite
    out: list[Any] = []
    for spec in suite.datasets:
        out.extend(expand_suite_spec(spec) if isinstance(spec, OpenMLSpec) and spec.suite
                   is not None else [spec])
    if not out:
        raise ConfigError("datasets: no datasets left after expanding the OpenML suites "
                          "(task_type filtered out every task)")
    return suite.model_copy(update={"datasets": out})


def _check_encoders(suite: Suite) -> None:
    for name in suite.run.encoders:
        check_encoder_params(name, suite.encoders.get(name, {}))
    for name, params in suite.encoders.items():
        check_encoder_params(name, params)


def _describe(exc: ValidationError) -> str:
    """The first validation problem as ``key: expected ..., got ...``."""
    errors = exc.errors(include_url=False)
    more = len(errors) - 1
    return _describe_one(errors[0]) + (
        f" (and {more} more problem{'s' * (more > 1)})" if more else "")  # bench check lists all


#: pydantic error types of a value of the wrong type.
_TYPE_ERRORS = ("int_type", "float_type", "bool_type", "int_parsing", "float_parsing",
                "bool_parsing", "list_type")


def _describe_one(err: Any) -> str:
    loc = ".".join(str(p) for p in err["loc"] if not _is_union_tag(p))
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        msg = "unknown key"
    elif err["type"] == "missing":
        msg = "required key is missing"
    text = f"{loc}: {msg}" if loc else msg
    if err["type"] not in ("missing",) and "input" in err:
        shown = repr(err["input"])
        if len(shown) <= 60 and err["type"] != "extra_forbidden":
            text += f", got {shown}"
        if err["type"] in _TYPE_ERRORS and _is_number_text(err["input"]):
            text += " (a string: write the value without quotes)"
    return text


def _is_number_text(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        float(value)
    except ValueError:
        return value.strip().lower() in ("true", "false")
    return True


def _is_union_tag(part: object) -> bool:
    return part in ("embedded", "sklearn", "synthetic", "local", "openml")
