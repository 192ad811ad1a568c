"""`bench explain`: integrated gradients against closed forms, PCA against scikit-learn, and a
planted structure the autoencoder must find."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.decomposition import PCA

from bench.config import EmbeddedSpec
from bench.data import load_dataset
from bench.data.normalize import normalize
from bench.errors import EncoderError
from bench.explain import explain, integrated_gradients
from bench.splits import make_splits


def test_integrated_gradients_of_a_linear_map_is_weight_times_offset() -> None:
    rng = np.random.default_rng(0)
    W = torch.as_tensor(rng.normal(size=(5, 3)), dtype=torch.float64)
    x = torch.as_tensor(rng.normal(size=(7, 5)), dtype=torch.float64)
    b = torch.as_tensor(rng.normal(size=(1, 5)), dtype=torch.float64)
    ig = integrated_gradients(lambda v: v @ W, x, b, steps=3)
    expected = W.T.unsqueeze(0) * (x - b).unsqueeze(1)  # (rows, outputs, inputs)
    torch.testing.assert_close(ig, expected, rtol=1e-12, atol=1e-12)


def test_integrated_gradients_are_complete_for_a_smooth_network() -> None:
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.Tanh(), torch.nn.Linear(16, 2))
    net = net.double()
    x, b = torch.randn(10, 4, dtype=torch.float64), torch.zeros(1, 4, dtype=torch.float64)
    ig = integrated_gradients(net, x, b, steps=256)
    with torch.no_grad():
        change = net(x) - net(b)
    torch.testing.assert_close(ig.sum(dim=2), change, rtol=0, atol=1e-4)


@pytest.fixture(scope="module")
def credit():
    ds = load_dataset(EmbeddedSpec(source="embedded", name="credit_g"))
    return ds, explain(ds, "ae", {"latent": 3, "hidden": [16], "epochs": 20}, max_rows=200)


def test_shares_cover_every_original_input_once(credit) -> None:
    ds, e = credit
    assert e.inputs == tuple(ds.X.columns.drop(list(ds.categorical))) + ds.categorical
    for table in (e.attribution, e.pca_attribution, e.pca_loadings):
        assert list(table.columns) == list(e.inputs)
        np.testing.assert_allclose(table.sum(axis=1), 1.0, rtol=1e-9)
        assert (table.to_numpy() >= 0).all()
    assert e.completeness_error < 0.05
    assert e.n_explained == 200 and e.n_train == len(make_splits(ds, folds=5, repeats=1,
                                                                 suite_seed=0)[0].train)
    frame = e.to_frame()
    assert set(frame["method"]) == {"ae", "pca", "pca loadings"}
    assert len(frame) == 3 * 3 * len(e.inputs)


def test_pca_loadings_match_scikit_learn(credit) -> None:
    ds, e = credit
    split = make_splits(ds, folds=5, repeats=1, suite_seed=0)[0]
    from bench.preprocess import NetworkInputs

    inputs = NetworkInputs().fit(ds.X.iloc[split.train])
    pca = PCA(3, svd_solver="full").fit(inputs.transform(ds.X.iloc[split.train]))
    groups = inputs.column_groups()
    grouped = np.stack([np.abs(pca.components_[:, groups == g]).sum(axis=1)
                        for g in range(groups.max() + 1)], axis=1)
    np.testing.assert_allclose(e.pca_loadings.to_numpy(),
                               grouped / grouped.sum(axis=1, keepdims=True), rtol=1e-6)


def test_the_autoencoder_finds_a_planted_correlated_pair() -> None:
    rng = np.random.default_rng(0)
    signal = rng.normal(size=1500)
    frame = pd.DataFrame({"a": signal + 0.1 * rng.normal(size=1500),
                          "b": signal + 0.1 * rng.normal(size=1500),
                          **{f"noise{i}": rng.normal(size=1500) for i in range(4)},
                          "target": (signal > 0).astype(int)})
    ds = normalize(frame, target="target", name="planted", source="local")
    e = explain(ds, "ae", {"latent": 1, "hidden": [16], "epochs": 80, "lr": 3e-3}, max_rows=300)
    imp = e.importance
    # One unit can only keep one direction: the shared signal explains the most variance.
    assert imp.loc[["a", "b"], "ae"].sum() > 0.6
    assert imp.loc[["a", "b"], "pca"].sum() > 0.9
    assert imp.index[0] in ("a", "b")


def test_unsupported_encoders_are_refused() -> None:
    ds = load_dataset(EmbeddedSpec(source="embedded", name="iris"))
    with pytest.raises(EncoderError, match="oof-proba embeds predictions"):
        explain(ds, "mlp", {"mode": "oof-proba", "epochs": 2})
    with pytest.raises(EncoderError, match="categoricals = 'onehot'"):
        explain(ds, "ae", {"categoricals": "embedding", "epochs": 2})


def _bench(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from bench.cli import main; main()", *args],
                          capture_output=True, text=True, timeout=300)


def test_cli_writes_the_explanation(tmp_path: Path) -> None:
    proc = _bench("explain", "iris", "--encoder", "pca", "--latent", "2", "--out",
                  str(tmp_path / "x"))
    assert proc.returncode == 0, proc.stderr
    assert "input importance" in proc.stdout
    text = (tmp_path / "x" / "explain.md").read_text()
    assert "petal-length" in text and "## Top inputs of each latent unit" in text
    assert (tmp_path / "x" / "explain.png").stat().st_size > 1000
    assert len(pd.read_csv(tmp_path / "x" / "explain.csv")) == 3 * 2 * 4
    proc = _bench("explain", "credit_g", "--suite", "quick", "--encoder", "mlp", "--rows", "50",
                  "--out", str(tmp_path / "y"))
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize(("args", "needle"), [
    (("explain", "no_such_data"), "no embedded dataset named 'no_such_data'"),
    (("explain", "iris", "--suite", "quick2"), "unknown suite"),
    (("explain", "letter", "--suite", "quick"), "suite 'quick' has no dataset 'letter'"),
    (("explain", "iris", "--encoder", "transformer"), "unknown encoder 'transformer'"),
])
def test_cli_bad_input_is_one_line(args: tuple[str, ...], needle: str) -> None:
    proc = _bench(*args)
    assert proc.returncode == 2, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and needle in proc.stderr
