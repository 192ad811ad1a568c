"""``bench compare BASELINE NEW``: is NEW worse than BASELINE beyond a tolerance? (CI gate)

Rows are paired by key (dataset, repeat, fold, seed, encoder, feature set). For every method
(``raw``, ``ae/emb``, ...) and dataset the primary metric's relative change, oriented so that
positive is better, is ``d = ±(new − base) / |mean(base)|``. NEW is a regression when it is
*significantly worse than −tolerance*, a one-sided non-inferiority question:

* per dataset: Nadeau–Bengio corrected resampled t-test of ``d + tolerance`` (H1: mean < 0),
  with ``d`` first averaged over the seeds of each (repeat, fold) split (seeds reuse the split,
  so they are not independent resamples) and the method's own n_test/n_train; p-values adjusted
  for the number of (dataset, method) tests (Benjamini–Hochberg);
* across datasets, per method: Wilcoxon signed-rank test of the per-dataset mean ``d +
  tolerance`` (H1: median < 0);
* a key that was ``ok`` in BASELINE and failed in NEW;
* timing (opt-in, ``time_tolerance``): total fit+predict seconds of a method grew by more than
  that fraction. Off by default: CI machines differ in speed.

Methods are named as in the report (``bench.stats.scores.method_name``): a ``holdout`` encoder's
own raw rows are the method ``<encoder>/raw``, never part of the shared ``raw`` baseline. Where a
fixed-scale metric's baseline is near 0 (R² ≈ 0) ``d`` is the absolute change, not a relative one.

Runs of different results schema versions compare on the columns both have (the store reads an
older run's missing columns as NULL; none of them is compared). Two runs are comparable only if
they ran the same config (hash) on the same data (content hashes) and have the same keys;
otherwise the verdict is "not comparable", with the reasons.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from bench.schema import HIGHER_IS_BETTER, KEY_COLUMNS
from bench.stats.resampled import corrected_resampled_ttest
from bench.stats.scores import method_name, relative_scale
from bench.store import RunStore, load
from bench.version import is_own_distribution

Verdict = Literal["ok", "regression", "not comparable"]
EXIT_CODES = {"ok": 0, "regression": 1, "not comparable": 2}
TIME_COLUMNS = ("encoder_fit_s", "xgb_fit_s", "predict_s")
VALUE_COLUMNS = ("accuracy", "balanced_accuracy", "log_loss", "roc_auc", "rmse", "mae", "r2",
                 "best_iteration", "n_features", "n_embedding")


@dataclass(frozen=True)
class DatasetCheck:
    """One method on one dataset: the paired relative change and the inferiority test."""

    dataset: str
    method: str
    metric: str
    n_pairs: int
    n_splits: int  # (repeat, fold) splits: the t-test sees one seed-averaged change per split
    baseline: float
    new: float
    change: float  # mean relative change, positive = NEW better
    p_value: float  # H1: change < −tolerance
    p_adjusted: float
    regression: bool


@dataclass(frozen=True)
class MethodCheck:
    """One method across datasets (Wilcoxon signed-rank on the per-dataset mean change)."""

    method: str
    n_datasets: int
    median_change: float
    worst_dataset: str
    worst_change: float
    p_value: float
    regression: bool


@dataclass(frozen=True)
class TimingCheck:
    method: str
    baseline_s: float
    new_s: float
    ratio: float
    regression: bool


@dataclass(frozen=True)
class Comparison:
    """Everything ``bench compare`` decided, for markdown, JSON and the exit code."""

    baseline: str
    new: str
    verdict: Verdict
    reasons: tuple[str, ...]
    tolerance: float
    time_tolerance: float | None
    alpha: float
    n_pairs: int = 0
    n_identical: int = 0
    new_failures: tuple[str, ...] = ()
    datasets: tuple[DatasetCheck, ...] = ()
    methods: tuple[MethodCheck, ...] = ()
    timings: tuple[TimingCheck, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.verdict]

    def to_json(self) -> dict[str, Any]:
        return _finite(asdict(self) | {"exit_code": self.exit_code})


def compare_runs(baseline_dir: Path, new_dir: Path, *, tolerance: float = 0.01,
                 time_tolerance: float | None = None, alpha: float = 0.05) -> Comparison:
    """Compare two run directories (see the module docstring for the decision rules)."""
    if tolerance < 0 or (time_tolerance is not None and time_tolerance < 0) or not 0 < alpha < 1:
        raise ValueError("tolerance and time tolerance must be >= 0 and alpha in (0, 1), "
                         f"however: {tolerance}, {time_tolerance}, {alpha}")
    base, new = load(baseline_dir), load(new_dir)  # each a run directory, or a clear error
    base_m, new_m = RunStore(baseline_dir).read_manifest(), RunStore(new_dir).read_manifest()
    head = {"baseline": str(baseline_dir), "new": str(new_dir), "tolerance": tolerance,
            "time_tolerance": time_tolerance, "alpha": alpha}
    reasons = _incomparable(base_m, new_m, base, new)
    if reasons:
        return Comparison(**head, verdict="not comparable", reasons=tuple(reasons))
    pairs = base.merge(new, on=list(KEY_COLUMNS), suffixes=("_base", "_new"))
    failures = pairs[(pairs["status_base"] == "ok") & (pairs["status_new"] != "ok")]
    ok = pairs[(pairs["status_base"] == "ok") & (pairs["status_new"] == "ok")].copy()
    ok["method"] = [method_name(e, f) for e, f in zip(ok["encoder"], ok["feature_set"],
                                                        strict=True)]
    metrics = base_m["config"]["run"]["metrics"]
    datasets = _dataset_checks(ok, metrics, tolerance, alpha)
    methods = _method_checks(datasets, tolerance, alpha)
    timings = _timing_checks(ok, time_tolerance)
    failed = tuple(f"{r.dataset} r{r.repeat} f{r.fold} s{r.seed} {method_name(r.encoder, r.feature_set)}"
                   f": {r.error_new}" for r in failures.itertuples())
    regression = (failed or any(c.regression for c in datasets)
                  or any(c.regression for c in methods) or any(t.regression for t in timings))
    notes = _notes(base_m, new_m)
    return Comparison(**head, verdict="regression" if regression else "ok", reasons=(),
                      n_pairs=len(ok), n_identical=_identical(ok), new_failures=failed,
                      datasets=datasets, methods=methods, timings=timings, notes=notes)


def _incomparable(base_m: dict, new_m: dict, base: pd.DataFrame, new: pd.DataFrame) -> list[str]:
    reasons = []
    if base_m.get("config_hash") != new_m.get("config_hash"):
        ignored = ("name", "description")  # not part of the config hash
        diff = _config_diff({k: v for k, v in base_m.get("config", {}).items() if k not in ignored},
                            {k: v for k, v in new_m.get("config", {}).items() if k not in ignored})
        reasons.append(f"different configs (hash {base_m.get('config_hash')} vs "
                       f"{new_m.get('config_hash')}): {'; '.join(diff[:8]) or 'see manifests'}")
    for name, info in sorted(base_m.get("datasets", {}).items()):
        other = new_m.get("datasets", {}).get(name)
        if other and other.get("content_hash") != info.get("content_hash"):
            reasons.append(f"dataset {name} has different content (hash "
                           f"{str(info.get('content_hash'))[:12]} vs "
                           f"{str(other.get('content_hash'))[:12]})")
    base_keys = set(base[list(KEY_COLUMNS)].itertuples(index=False, name=None))
    new_keys = set(new[list(KEY_COLUMNS)].itertuples(index=False, name=None))
    for missing, where in ((base_keys - new_keys, "NEW"), (new_keys - base_keys, "BASELINE")):
        if missing:
            example = " ".join(map(str, sorted(missing)[0]))
            reasons.append(f"{len(missing)} rows have no match in {where} (e.g. {example}); "
                           f"is a run unfinished?")
    return reasons


def _config_diff(a: Any, b: Any, prefix: str = "") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in sorted(set(a) | set(b)):
            out += _config_diff(a.get(key), b.get(key), f"{prefix}{key}.")
        return out
    return [] if a == b else [f"{prefix.rstrip('.')} {_short(a)} → {_short(b)}"]


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _dataset_checks(ok: pd.DataFrame, metrics: dict[str, str], tolerance: float,
                    alpha: float) -> tuple[DatasetCheck, ...]:
    raw: list[dict[str, Any]] = []
    for (dataset, method), rows in ok.groupby(["dataset", "method"], sort=True):
        task = rows["task_base"].iloc[0]
        metric = metrics["regression" if task == "regression" else "classification"]
        b, n = rows[f"{metric}_base"].to_numpy(float), rows[f"{metric}_new"].to_numpy(float)
        sign = 1.0 if HIGHER_IS_BETTER[metric] else -1.0
        scale = relative_scale(metric, b.mean()).value
        d = pd.Series(sign * (n - b) / (scale if math.isfinite(scale) else 1.0), index=rows.index)
        per_split = d.groupby([rows["repeat"], rows["fold"]], sort=True).mean().to_numpy()
        p = _inferiority_p(per_split + tolerance, float(rows["n_train_base"].mean()),
                           float(rows["n_test_base"].mean()))
        raw.append({"dataset": dataset, "method": method, "metric": metric, "n_pairs": len(d),
                    "n_splits": len(per_split), "baseline": float(b.mean()),
                    "new": float(n.mean()), "change": float(per_split.mean()), "p_value": p})
    if not raw:
        return ()
    adjusted = stats.false_discovery_control([r["p_value"] for r in raw], method="bh")
    return tuple(DatasetCheck(**r, p_adjusted=float(q), regression=bool(q < alpha))
                 for r, q in zip(raw, adjusted, strict=True))


def _inferiority_p(shifted: np.ndarray, n_train: float, n_test: float) -> float:
    """p-value of H1: mean(shifted) < 0 (certain when all values are equal)."""
    if np.ptp(shifted) == 0:
        return 0.0 if shifted[0] < 0 else 1.0
    if len(shifted) < 2:
        return 1.0
    test = corrected_resampled_ttest(shifted, n_train=max(n_train, 1.0), n_test=max(n_test, 1.0),
                                     alternative="less")
    return float(test.p_value)


def _method_checks(datasets: tuple[DatasetCheck, ...], tolerance: float,
                   alpha: float) -> tuple[MethodCheck, ...]:
    out = []
    for method in sorted({c.method for c in datasets}):
        checks = [c for c in datasets if c.method == method]
        shifted = np.array([c.change + tolerance for c in checks])
        if np.all(shifted == 0) or len(shifted) < 2:
            p = 1.0
        else:
            p = float(stats.wilcoxon(shifted, alternative="less").pvalue)
        worst = min(checks, key=lambda c: c.change)
        out.append(MethodCheck(method, len(checks), float(np.median([c.change for c in checks])),
                               worst.dataset, worst.change, p, p < alpha))
    return tuple(out)


def _timing_checks(ok: pd.DataFrame, time_tolerance: float | None) -> tuple[TimingCheck, ...]:
    base_s = ok[[f"{c}_base" for c in TIME_COLUMNS]].sum(axis=1)
    new_s = ok[[f"{c}_new" for c in TIME_COLUMNS]].sum(axis=1)
    frame = pd.DataFrame({"method": ok["method"], "base": base_s, "new": new_s})
    groups = [(m, g) for m, g in frame.groupby("method", sort=True)] + [("all methods", frame)]
    out = []
    for method, g in groups:
        b, n = float(g["base"].sum()), float(g["new"].sum())
        ratio = n / b if b > 0 else math.nan
        slow = time_tolerance is not None and ratio > 1 + time_tolerance
        out.append(TimingCheck(method, b, n, ratio, bool(slow)))
    return tuple(out)


def _identical(ok: pd.DataFrame) -> int:
    same = np.ones(len(ok), dtype=bool)
    for col in VALUE_COLUMNS:
        a, b = ok[f"{col}_base"].to_numpy(float), ok[f"{col}_new"].to_numpy(float)
        same &= (a == b) | (np.isnan(a) & np.isnan(b))
    return int(same.sum())


def _notes(base_m: dict, new_m: dict) -> tuple[str, ...]:
    notes = []
    schemas = (base_m.get("schema_version"), new_m.get("schema_version"))
    if schemas[0] != schemas[1]:
        notes.append(f"results schema versions differ ({schemas[0]} vs {schemas[1]}): compared on "
                     f"the columns both have (a column one lacks reads as NULL)")
    kinds = (base_m.get("device", {}).get("kind"), new_m.get("device", {}).get("kind"))
    if kinds[0] != kinds[1]:
        notes.append(f"devices differ ({kinds[0]} vs {kinds[1]}): values may differ slightly")
    versions = [(name, v, new_m.get("environment", {}).get("versions", {}).get(name))
                for name, v in base_m.get("environment", {}).get("versions", {}).items()]
    changed = [f"{name} {a} → {b}" for name, a, b in versions if a != b and not is_own_distribution(name)]
    if changed:
        notes.append("versions differ: " + ", ".join(changed))
    return tuple(notes)


def _finite(value: Any) -> Any:
    """JSON has no NaN/inf: use null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


# -- markdown --------------------------------------------------------------------------------

_TITLE = {"ok": "✅ no regression", "regression": "❌ regression",
          "not comparable": "⚠️ not comparable"}


def render_markdown(cmp: Comparison) -> str:
    """A summary for a terminal or a CI step summary (``$GITHUB_STEP_SUMMARY``)."""
    lines = [f"## bench compare: {_TITLE[cmp.verdict]}", "",
             f"baseline `{cmp.baseline}` · new `{cmp.new}`", ""]
    if cmp.verdict == "not comparable":
        lines += [f"- {reason}" for reason in cmp.reasons]
        return "\n".join(lines) + "\n"
    lines += [f"NEW is a regression where it is significantly worse (α = {cmp.alpha}) than "
              f"BASELINE minus a tolerance of {cmp.tolerance:.2%} (relative change of the primary "
              f"metric, positive = better). {cmp.n_pairs} paired rows, {cmp.n_identical} "
              f"identical.", ""]
    lines += [f"> {note}" for note in cmp.notes] + ([""] if cmp.notes else [])
    if cmp.new_failures:
        lines += [f"**{len(cmp.new_failures)} rows ok in BASELINE failed in NEW:**", ""]
        lines += [f"- {f}" for f in cmp.new_failures[:20]] + [""]
    lines += ["| method | datasets | median Δ | worst dataset (Δ) | Wilcoxon p | |",
              "|---|---:|---:|---|---:|:---:|"]
    for m in cmp.methods:
        lines.append(f"| `{m.method}` | {m.n_datasets} | {m.median_change:+.2%} | "
                     f"{m.worst_dataset} ({m.worst_change:+.2%}) | {m.p_value:.4f} | "
                     f"{'❌' if m.regression else '✅'} |")
    flagged = [c for c in cmp.datasets if c.regression]
    lines += ["", f"**Datasets worse beyond the tolerance:** {len(flagged)}", ""]
    if flagged:
        lines += ["| dataset | method | metric | baseline | new | Δ | p (BH) |",
                  "|---|---|---|---:|---:|---:|---:|"]
        lines += [f"| {c.dataset} | `{c.method}` | {c.metric} | {c.baseline:.4f} | {c.new:.4f} | "
                  f"{c.change:+.2%} | {c.p_adjusted:.4f} |" for c in flagged] + [""]
    gate = ("gated" if cmp.time_tolerance is not None else
            "informational; gate with --time-tolerance")
    limit = f" (limit ×{1 + cmp.time_tolerance:.2f})" if cmp.time_tolerance is not None else ""
    lines += [f"Timing: fit + predict seconds of the paired rows ({gate}){limit}", "",
              "| method | baseline s | new s | ratio | |", "|---|---:|---:|---:|:---:|"]
    lines += [f"| {t.method} | {t.baseline_s:.1f} | {t.new_s:.1f} | ×{t.ratio:.2f} | "
              f"{'❌' if t.regression else ''} |" for t in cmp.timings]
    return "\n".join(lines) + "\n"
