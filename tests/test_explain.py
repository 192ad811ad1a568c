"""`bench explain` end to end: a planted structure found stably, a linear autoencoder that is PCA,
encoders that cannot be explained say why, and the command line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from bench.cli import app
from bench.config import EmbeddedSpec
from bench.data import load_dataset
from bench.data.normalize import normalize
from bench.errors import EncoderError
from bench.explain import Design, explain

FAST = Design(folds=2, seeds=2, max_rows=100)


@pytest.fixture(scope="module")
def iris():
    return load_dataset(EmbeddedSpec(source="embedded", name="iris"))


@pytest.fixture(scope="module")
def planted():
    """Two inputs share a signal; four are independent noise."""
    rng = np.random.default_rng(0)
    signal = rng.normal(size=600)
    frame = pd.DataFrame({**{f"noise{i}": rng.normal(size=600) for i in range(2)},
                          "a": signal + 0.1 * rng.normal(size=600),
                          **{f"noise{i}": rng.normal(size=600) for i in range(2, 4)},
                          "b": signal + 0.1 * rng.normal(size=600),
                          "target": (signal > 0).astype(int)})
    ds = normalize(frame, target="target", name="planted", source="local")
    params = {"latent": 1, "hidden": [16], "activation": "tanh", "epochs": 40, "lr": 1e-2,
              "batch_size": 64}
    return explain(ds, "ae", params, design=Design(folds=2, seeds=3, max_rows=150))


def test_planted_pair_comes_first(planted) -> None:
    assert set(planted.ranking.table.index[:2]) == {"a", "b"}


def test_planted_pair_is_always_in_the_top_two(planted) -> None:
    np.testing.assert_allclose(planted.ranking.table.loc[["a", "b"], "top_k"], 1.0)


def test_planted_pair_is_separable_from_the_noise(planted) -> None:
    table = planted.ranking.table
    assert table.loc[["a", "b"], "group"].max() < table["group"].iloc[2]


def test_planted_pair_carries_most_importance(planted) -> None:
    assert planted.ranking.table.loc[["a", "b"], "mean"].sum() > 0.8


def test_every_fit_is_in_the_long_frame(planted) -> None:
    frame = planted.to_frame()
    assert sorted(set(zip(frame["split"], frame["seed"], strict=True))) == [
        (s, k) for s in range(2) for k in range(3)]


@pytest.fixture(scope="module")
def linear_ae():
    """A linear autoencoder (no hidden layer) on Gaussian data learns PCA's subspace."""
    rng = np.random.default_rng(1)
    basis = np.linalg.qr(rng.normal(size=(5, 5)))[0]
    X = rng.normal(size=(800, 5)) * np.array([3.0, 2.0, 0.5, 0.3, 0.2]) @ basis
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(5)]).assign(target=rng.normal(size=800))
    ds = normalize(frame, target="target", name="gauss", source="local")
    return explain(ds, "ae", {"latent": 2, "hidden": [], "epochs": 150, "lr": 1e-2,
                              "batch_size": 64, "patience": 150}, design=FAST)


def test_linear_autoencoder_has_the_pca_subspace(linear_ae) -> None:
    assert linear_ae.angle.mean < 5.0


def test_linear_autoencoder_cka_with_pca_is_one(linear_ae) -> None:
    assert linear_ae.cka.mean > 0.95


def test_linear_autoencoder_is_linear(linear_ae) -> None:
    assert linear_ae.linearity_all.mean > 0.999


def test_pca_against_itself_has_no_reference(iris) -> None:
    assert explain(iris, "pca", {"latent": 2}, design=FAST).reference is None


def test_random_projection_is_linear_and_compared_with_pca(iris) -> None:
    e = explain(iris, "rp", {"latent": 2}, design=FAST)
    assert (e.linear, e.reference) == (True, "pca")


def test_oof_proba_is_refused(iris) -> None:
    with pytest.raises(EncoderError, match="oof-proba embeds predictions"):
        explain(iris, "mlp", {"mode": "oof-proba", "epochs": 2}, design=FAST)


def test_learned_categorical_embeddings_are_refused(iris) -> None:
    with pytest.raises(EncoderError, match="categoricals = 'onehot'"):
        explain(iris, "ae", {"categoricals": "embedding", "epochs": 2}, design=FAST)


def test_cli_explains_and_writes(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, [
        "explain", "iris", "--encoder", "ae", "--latent", "2", "--seeds", "2", "--folds", "2",
        "--rows", "20", "--device", "cpu", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Is it PCA?" in result.output
    text = (tmp_path / "explain.md").read_text(encoding="utf-8")
    assert text.splitlines()[2].startswith("**Reads:**")
    frame = pd.read_csv(tmp_path / "explain.csv")
    assert {"split", "seed", "method", "measure", "value"} <= set(frame.columns)
    assert sorted(p.name for p in tmp_path.glob("*.png")) == [
        "explain-importance.png", "explain-latent.png", "explain-units.png"]


def test_cli_takes_a_suite_variant(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, [
        "explain", "credit_g", "--suite", "quick", "--encoder", "mlp", "--seeds", "1",
        "--folds", "2", "--rows", "30", "--device", "cpu", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(("args", "needle"), [
    (("explain", "no_such_data"), "no embedded dataset named 'no_such_data'"),
    (("explain", "iris", "--suite", "quick2"), "unknown suite"),
    (("explain", "letter", "--suite", "quick"), "suite 'quick' has no dataset 'letter'"),
    (("explain", "iris", "--encoder", "transformer"), "unknown encoder 'transformer'"),
])
def test_cli_bad_input_is_one_line(args: tuple[str, ...], needle: str) -> None:
    result = CliRunner().invoke(app, list(args))
    assert (result.exit_code, len(result.stderr.strip().splitlines())) == (2, 1), result.stderr
    assert needle in result.stderr
