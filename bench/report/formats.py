"""The report's output formats (light: the command line's ``--help`` reads them)."""

from __future__ import annotations

from collections.abc import Iterable

from bench.errors import ConfigError

FORMATS = ("md", "latex", "csv", "html")
ALIASES = {"markdown": "md", "tex": "latex"}


def parse_formats(text: str | Iterable[str]) -> tuple[str, ...]:
    """``"md,latex"`` -> ("md", "latex"); unknown names are a :class:`ConfigError`."""
    items = text.split(",") if isinstance(text, str) else list(text)
    chosen = []
    for item in (i.strip().lower() for i in items):
        if not item:
            continue
        name = ALIASES.get(item, item)
        if name not in FORMATS:
            raise ConfigError(f"--format: unknown format {item!r}; expected a comma-separated "
                              f"subset of {', '.join(FORMATS)}")
        if name not in chosen:
            chosen.append(name)
    if not chosen:
        raise ConfigError(f"--format: expected at least one of {', '.join(FORMATS)}")
    return tuple(chosen)
