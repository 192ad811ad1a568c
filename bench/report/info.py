"""Facts about a run that are not in its result rows (from ``manifest.json``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

from bench.version import DISTRIBUTION

REPORT_PACKAGES = (DISTRIBUTION, "numpy", "pandas", "scipy", "baycomp", "matplotlib")


@dataclass(frozen=True)
class RunInfo:
    """Facts about the run that are not in the result rows (from ``manifest.json``)."""

    suite: str = ""
    run_id: str = ""
    config_hash: str = ""
    device: str = ""
    versions: dict[str, str] = field(default_factory=dict)  # when the run ran
    report_versions: dict[str, str] = field(default_factory=dict)  # when the report was made
    # dataset -> task guessed for an ambiguous target (--infer-tasks; manifest datasets.*)
    inferred_tasks: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_manifest(cls, manifest: dict[str, Any], *, suite: str = "",
                      device: str = "") -> RunInfo:
        """Identity and versions from a run manifest (any key may be missing)."""
        dev = manifest.get("device") or {}
        if not device and dev:
            device = f"{dev.get('kind', '')} ({dev.get('name', '')})"
        env_versions = (manifest.get("environment") or {}).get("versions") or {}
        return cls(suite=str(manifest.get("suite") or suite), run_id=str(manifest.get("run_id", "")),
                   config_hash=str(manifest.get("config_hash", "")), device=device,
                   versions={k: str(v) for k, v in env_versions.items() if v},
                   report_versions=report_versions(),
                   inferred_tasks={name: str(d.get("task")) for name, d in
                                   (manifest.get("datasets") or {}).items()
                                   if isinstance(d, dict) and d.get("task_inferred")})


def report_versions() -> dict[str, str]:
    """Versions of the libraries that compute the statistics and draw the figures."""
    out = {}
    for name in REPORT_PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return out

