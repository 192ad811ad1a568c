"""The registry is the one list of encoders: a new one is one file plus one ``register`` line,
and ``bench run``, ``bench report`` and ``bench explain`` then handle it with no other change."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone
from sklearn.pipeline import Pipeline
from typer.testing import CliRunner

from bench.cli import app
from bench.config import EmbeddedSpec
from bench.data import load_dataset
from bench.encoders import (
    check_encoder_params,
    encoder_mode,
    encoder_names,
    make_encoder,
    registry_entry,
    restricts_rows,
)
from bench.encoders.base import Encoder
from bench.errors import ConfigError, EncoderError
from bench.explain import Design, explain
from tests.helpers import registered_encoder, write_suite
from tests.toy_encoder import ToyEncoder, ToyParams

TOY_SUITE = """
name = "toy"
[run]
folds = 2
seeds = [0]
encoders = ["toy"]
[xgboost]
n_estimators = 10
max_depth = 2
early_stopping_rounds = 3
[encoders.toy]
latent = 2
[[datasets]]
source = "embedded"
name = "iris"
"""


@pytest.fixture
def toy_registered():
    with registered_encoder(ToyParams, "tests.toy_encoder:ToyEncoder"):
        yield


def test_registry_names_are_sorted() -> None:
    assert encoder_names() == ["ae", "dae", "mlp", "pca", "rp", "vae"]


def test_mode_is_known_without_building_the_encoder() -> None:
    assert encoder_mode("mlp", {}) == "crossfit"


def test_variant_mode() -> None:
    assert encoder_mode("mlp_naive", {"type": "mlp", "mode": "naive"}) == "naive"


def test_holdout_restricts_rows() -> None:
    assert restricts_rows("mlp", {"mode": "holdout"})


def test_unsupervised_encoders_do_not_restrict_rows() -> None:
    assert not any(restricts_rows(name) for name in ("ae", "dae", "vae", "pca", "rp"))


def test_epochs_are_bounded() -> None:
    with pytest.raises(ConfigError, match="epochs must be between 1 and 10000"):
        check_encoder_params("ae", {"epochs": 10**6})


def test_hidden_width_is_bounded() -> None:
    with pytest.raises(ConfigError, match="allow_large"):
        check_encoder_params("ae", {"hidden": [100_000_000]})


def test_allow_large_lifts_the_bounds() -> None:
    check_encoder_params("ae", {"hidden": [100_000], "epochs": 20_000, "allow_large": True})


def test_patience_is_bounded() -> None:
    with pytest.raises(ConfigError, match="patience must be between 1 and 1000"):
        check_encoder_params("mlp", {"patience": 5000})


@pytest.mark.parametrize("name", ["ae", "dae", "vae", "mlp", "pca", "rp"])
def test_sklearn_clone_keeps_parameters(name: str) -> None:
    encoder = make_encoder(name, {"latent": 3}, random_state=7)
    assert clone(encoder).get_params(deep=True) == encoder.get_params(deep=True)


def test_encoder_in_a_sklearn_pipeline() -> None:
    X = pd.DataFrame({"a": [0.0, 1.0, 2.0, 3.0, 4.0, 5.0], "b": [1.0, 0.0, 1.0, 0.0, 1.0, 0.0]})
    pipe = Pipeline([("pca", make_encoder("pca", {"latent": 1}))])
    assert pipe.fit_transform(X).shape == (6, 1)


def test_toy_encoder_is_one_file_plus_one_registry_line(toy_registered) -> None:
    assert isinstance(make_encoder("toy", {"latent": 2}), ToyEncoder)


def test_toy_encoder_runs_and_reports(toy_registered, tmp_path: Path) -> None:
    suite = write_suite(tmp_path, TOY_SUITE, name="toy")
    out = tmp_path / "run"
    runner = CliRunner()
    result = runner.invoke(app, ["run", str(suite), "--out", str(out), "--quiet", "--device", "cpu"])
    assert result.exit_code == 0, result.output
    rows = pd.read_parquet(out / "results.parquet")
    assert sorted(rows.loc[rows["encoder"] == "toy", "feature_set"].unique()) == ["emb", "raw+emb"]
    report = runner.invoke(app, ["report", str(out), "--format", "md", "--out", str(tmp_path / "r")])
    assert report.exit_code == 0, report.output
    assert "toy/emb" in (tmp_path / "r" / "report.md").read_text(encoding="utf-8")


def test_toy_encoder_is_explained(toy_registered, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["explain", "iris", "--encoder", "toy", "--seeds", "2",
                                      "--folds", "2", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "explain.md").read_text(encoding="utf-8")
    assert "**Combines:** linearly — `toy` is a linear map of its inputs." in text


def test_toy_encoder_explanation_reads_only_the_picked_inputs(toy_registered) -> None:
    iris = load_dataset(EmbeddedSpec(source="embedded", name="iris"))
    e = explain(iris, "toy", {"latent": 2}, design=Design(folds=2, seeds=1))
    picked = make_encoder("toy", {"latent": 2}).fit(iris.X).columns_
    assert set(e.ranking.table.index[e.ranking.table["mean"] > 0]) == set(picked)


@pytest.fixture(scope="module")
def iris_frame() -> tuple[pd.DataFrame, object]:
    iris = load_dataset(EmbeddedSpec(source="embedded", name="iris"))
    return iris.X, iris.y


@pytest.mark.parametrize("name", ["ae", "dae", "vae", "mlp", "pca", "rp"])
def test_latent_map_reproduces_transform(name: str, iris_frame) -> None:
    """The hook ``bench explain`` reads is the embedding the benchmark uses."""
    X, y = iris_frame
    fast = {"epochs": 2} if "epochs" in registry_entry(name).params.param_names() else {}
    # A cross-fitted mlp is explained through its reference model (the one trained on every
    # training row); its benchmark embeds test rows through drawn fold models instead.
    reference = {"test_embedding": "reference"} if name == "mlp" else {}
    encoder = make_encoder(name, {"latent": 2, **fast, **reference}, random_state=0)
    encoder.fit(X, y, task="multiclass")
    lm = encoder.latent_map()
    with torch.no_grad():
        z = lm.encode(torch.as_tensor(lm.prepare(X), dtype=torch.float32)).numpy()
    np.testing.assert_allclose(z, encoder.transform(X), rtol=1e-5, atol=1e-5)


def test_latent_map_reconstruction_is_the_autoencoders(iris_frame) -> None:
    X, _ = iris_frame
    encoder = make_encoder("ae", {"latent": 2, "epochs": 2}, random_state=0).fit(X)
    lm = encoder.latent_map()
    x = torch.as_tensor(lm.prepare(X), dtype=torch.float32)
    with torch.no_grad():
        error = float(((lm.reconstruct(x) - x) ** 2).mean())
    np.testing.assert_allclose(error, encoder.reconstruction_error(X), rtol=1e-5)


def test_latent_map_names_the_reference(iris_frame) -> None:
    X, _ = iris_frame
    lm = make_encoder("ae", {"latent": 2, "epochs": 2}, random_state=0).fit(X).latent_map()
    assert (lm.reference.name, lm.reference.params) == ("pca", {"latent": 2, "scaling": "standard"})


def test_an_encoder_without_a_latent_map_says_so(toy_registered, iris_frame) -> None:
    X, _ = iris_frame
    encoder = make_encoder("toy", {"latent": 2}).fit(X)
    with pytest.raises(EncoderError, match="cannot be explained"):
        Encoder.latent_map(encoder)
