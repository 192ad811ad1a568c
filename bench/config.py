"""Typed suite files: the pydantic models of a suite, where shipped suites live, the config hash.

A suite file is data (TOML), never code. It is validated with pydantic models that reject
unknown keys, and every problem is reported as ``FILE: KEY: what was expected, got what``
(:mod:`bench.suite_loader` reads files, expands OpenML suites and checks encoder parameters;
this module sits at the bottom of the layers and imports nothing above ``schema``).
"""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    field_validator,
    model_validator,
)

from bench.errors import ConfigError
from bench.schema import FeatureSet


class _Strict(BaseModel):
    """Unknown keys are errors, and so are wrong types: ``folds = "3"`` is refused, not coerced
    (only paths and the feature-set names are read from strings)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


#: Seeds are 32-bit unsigned integers (NumPy's, XGBoost's and torch's seeding all accept them).
SEED_LIMIT = 2**32
Seed = Annotated[int, Field(ge=0, lt=SEED_LIMIT)]


class MetricsConfig(_Strict):
    classification: Literal["accuracy", "balanced_accuracy", "log_loss", "roc_auc"] = "accuracy"
    regression: Literal["rmse", "mae", "r2"] = "rmse"


class RunConfig(_Strict):
    folds: int = Field(3, ge=2, le=100)
    repeats: int = Field(1, ge=1, le=100)
    seeds: list[Seed] = Field(default_factory=lambda: [0], min_length=1)
    encoders: list[str] = Field(default_factory=lambda: ["ae", "mlp", "pca"])
    feature_sets: list[Annotated[FeatureSet, Strict(False)]] = Field(
        default_factory=lambda: list(FeatureSet))
    metrics: MetricsConfig = Field(default_factory=MetricsConfig)
    validation_fraction: float = Field(0.2, gt=0.0, lt=0.5)
    # OpenML tasks come with official splits (e.g. 10 x 10-fold CV); they are used unless
    # use_official_splits = false. The two caps keep only the first repeats / folds of them.
    use_official_splits: bool = True
    max_official_repeats: int | None = Field(None, ge=1)
    max_official_folds: int | None = Field(None, ge=1)

    @field_validator("seeds", "encoders", "feature_sets")
    @classmethod
    def _unique(cls, v: list[Any]) -> list[Any]:
        if len(set(v)) != len(v):
            raise ValueError(f"entries must be unique, got {v}")
        return v


class XGBoostConfig(BaseModel):
    """Parameters passed to XGBoost; any XGBoost parameter is accepted (checked at load time).

    ``device``, ``seed``/``random_state`` and ``nthread``/``n_jobs`` are set by the harness.
    """

    model_config = ConfigDict(extra="allow", frozen=True, strict=True)

    n_estimators: int = Field(300, ge=1)
    learning_rate: float = Field(0.1, gt=0.0)
    max_depth: int = Field(6, ge=0)
    early_stopping_rounds: int | None = Field(20, ge=1)
    tree_method: Literal["hist", "approx", "exact"] = "hist"

    @model_validator(mode="after")
    def _check_extra(self) -> XGBoostConfig:
        reserved = {"device", "seed", "random_state", "nthread", "n_jobs", "num_class"}
        extra = set(self.model_extra or {})
        bad = extra & reserved
        if bad:
            raise ValueError(f"{sorted(bad)} are set by the harness and cannot be configured")
        unknown = extra - _xgboost_parameter_names() if extra else set()
        if unknown:
            raise ValueError(f"unknown XGBoost parameters {sorted(unknown)}")
        quoted = sorted(k for k, v in (self.model_extra or {}).items() if _is_quoted_number(v))
        if quoted:
            raise ValueError(f"{quoted} must be numbers, however: they are strings holding "
                             f"numbers (write the values without quotes)")
        return self


def _is_quoted_number(value: object) -> bool:
    """``"256"`` where 256 was meant (XGBoost would quietly parse it)."""
    if not isinstance(value, str):
        return False
    try:
        float(value)
    except ValueError:
        return False
    return True


def _xgboost_parameter_names() -> set[str]:
    import xgboost

    names = set(xgboost.XGBModel().get_params())
    # Booster parameters that the sklearn wrapper passes through as **kwargs.
    names |= {"eta", "lambda", "alpha", "max_leaves", "max_bin", "grow_policy",
              "colsample_bynode", "colsample_bylevel", "min_split_loss", "sampling_method",
              "max_cat_to_onehot", "max_delta_step", "scale_pos_weight"}
    return names


class EmbeddedSpec(_Strict):
    source: Literal["embedded"]
    name: str


class SklearnSpec(_Strict):
    source: Literal["sklearn"]
    name: str


class SyntheticSpec(_Strict):
    """A table drawn by scikit-learn's ``make_classification`` or ``make_regression``: the same
    numbers for the same entry on every machine (``seed``), for scale tests on any device.

    ``informative`` of the ``features`` columns carry the signal (the rest are noise);
    ``classes`` applies to ``make_classification`` only (2 when unset).
    """

    source: Literal["synthetic"]
    name: str
    generator: Literal["make_classification", "make_regression"]
    rows: int = Field(ge=20, le=50_000_000)
    features: int = Field(ge=1, le=10_000)
    informative: int = Field(ge=1)
    classes: int | None = Field(None, ge=2, le=1000)
    seed: Seed = 0

    @model_validator(mode="after")
    def _consistent(self) -> SyntheticSpec:
        if self.informative > self.features:
            raise ValueError(f"informative must be <= features ({self.features}), however: "
                             f"{self.informative}")
        if self.generator == "make_regression" and self.classes is not None:
            raise ValueError("classes applies to make_classification only, however: it is set "
                             "for make_regression")
        # make_classification puts 2 clusters per class on the vertices of a hypercube.
        if self.generator == "make_classification" and 2 * self.n_classes > 2**min(self.informative, 30):
            raise ValueError(f"make_classification needs 2 * classes <= 2 ** informative, however: "
                             f"classes = {self.n_classes}, informative = {self.informative}")
        return self

    @property
    def n_classes(self) -> int:
        return self.classes or 2


class LocalSpec(_Strict):
    source: Literal["local"]
    path: Path = Field(strict=False)
    target: str = "target"
    name: str | None = None
    # None: inferred when the target is unambiguous (bench.data.task_inference), else an error;
    # "infer": take the guess even for an ambiguous target (what --infer-tasks sets).
    task: Literal["classification", "regression", "infer"] | None = None
    categorical: list[str] | None = None


class OpenMLSpec(_Strict):
    """An OpenML task (official splits), dataset (our splits) or shipped suite (many tasks).

    Exactly one of ``task``, ``dataset`` or ``suite`` is given. A suite entry expands, when the
    suite file is loaded, into one task entry per task of its shipped list (``suites/openml/``);
    ``task_type`` then keeps only tasks of that type. ``max_rows`` keeps a deterministic
    stratified subsample of rows and ``max_features`` a deterministic subset of feature columns,
    both recorded in the dataset's provenance.
    """

    source: Literal["openml"]
    task: int | None = Field(None, ge=1)
    dataset: int | None = Field(None, ge=1)
    suite: int | str | None = None
    name: str | None = None
    target: str | None = None
    task_type: Literal["classification", "regression"] | None = None
    max_rows: int | None = Field(None, ge=10)
    max_features: int | None = Field(None, ge=1)

    @model_validator(mode="after")
    def _one_id(self) -> OpenMLSpec:
        given = [k for k in ("task", "dataset", "suite") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of task, dataset or suite, got {given or 'none'}")
        if self.target is not None and self.dataset is None:
            raise ValueError("target applies to `dataset` entries only (a task names its target)")
        if self.name is not None and self.suite is not None:
            raise ValueError("name does not apply to a suite entry (its tasks are named for you)")
        return self


DatasetSpec = Annotated[
    EmbeddedSpec | SklearnSpec | SyntheticSpec | LocalSpec | OpenMLSpec,
    Field(discriminator="source")
]


class Suite(_Strict):
    """A benchmark suite: which datasets, which encoders, how to evaluate."""

    name: str
    description: str = ""
    seed: Seed = 0
    run: RunConfig = Field(default_factory=RunConfig)
    xgboost: XGBoostConfig = Field(default_factory=XGBoostConfig)
    encoders: dict[str, dict[str, Any]] = Field(default_factory=dict)
    datasets: list[DatasetSpec] = Field(min_length=1)
    base_dir: Path = Field(Path("."), exclude=True, strict=False)

    def config_hash(self, *, threads: int = 0) -> str:
        """Hash of everything that changes results (not the name or description).

        ``threads``: ``bench run --threads N`` (> 0), which fixes every fit's thread count and so
        may change XGBoost's trees; 0 (the thread counts follow from the data) leaves the hash
        as it was.
        """
        payload = self.model_dump(mode="json", exclude={"name", "description", "base_dir"})
        if threads:
            payload["threads"] = threads
        text = json.dumps(payload, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def suite_dirs() -> list[Path]:
    """Folders searched for named suites: the packaged copy, then the source checkout's."""
    dirs = [Path(str(resources.files("bench") / "suites"))]
    checkout = Path(__file__).resolve().parent.parent / "suites"
    if checkout not in dirs:
        dirs.append(checkout)
    return [d for d in dirs if d.is_dir()]


def available_suites() -> list[str]:
    return sorted({p.stem for d in suite_dirs() for p in d.glob("*.toml")})


def resolve_suite_path(name_or_path: str | Path) -> Path:
    """A path to an existing file, or the name of a shipped suite."""
    path = Path(name_or_path)
    if path.suffix == ".toml" or path.exists():
        if not path.is_file():
            raise ConfigError("suite file not found", where=str(path))
        return path
    for d in suite_dirs():
        candidate = d / f"{name_or_path}.toml"
        if candidate.is_file():
            return candidate
    raise ConfigError(
        f"unknown suite {str(name_or_path)!r}; shipped suites: {', '.join(available_suites())}"
    )
