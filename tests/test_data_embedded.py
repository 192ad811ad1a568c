"""bench.data.embedded: the shipped PMLB copies load as their manifest lists, checksum verified."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bench.data import embedded_manifest
from bench.data.embedded import load_embedded
from bench.errors import DataError


@pytest.mark.parametrize("name", sorted(embedded_manifest()))
def test_every_embedded_dataset_loads_as_listed(name: str) -> None:
    entry = embedded_manifest()[name]
    ds = load_embedded(name)
    assert ds.n_rows == entry.n_rows
    assert ds.n_features <= entry.n_features  # constant columns may be dropped (recorded)
    assert ds.X.dtypes.map(lambda t: t == "float64" or isinstance(t, pd.CategoricalDtype)).all()
    if entry.task == "regression":
        assert ds.task == "regression"
        assert ds.y.dtype == np.float64
    else:
        assert ds.n_classes == entry.n_classes
        assert set(np.unique(ds.y)) == set(range(entry.n_classes))
    assert ds.openml_dataset_id == entry.openml_id
    assert ds.provenance[0].startswith("PMLB copy of OpenML dataset")


def test_embedded_categoricals_follow_pmlb_metadata() -> None:
    ds = load_embedded("credit_g")
    assert "checking_status" in ds.categorical
    assert "duration" not in ds.categorical
    assert isinstance(ds.X["checking_status"].dtype, pd.CategoricalDtype)


def test_embedded_checksum_is_verified(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    from bench.data import embedded

    folder = tmp_path / "embedded"
    shutil.copytree(embedded.embedded_dir(), folder)
    with gzip.open(folder / "iris.tsv.gz", "ab") as fh:
        fh.write(b"5.0\t3.0\t1.0\t0.2\t0\n")
    monkeypatch.setattr(embedded, "embedded_dir", lambda: folder)
    with pytest.raises(DataError, match="checksum mismatch"):
        embedded.load_embedded("iris")


def test_unknown_embedded_name() -> None:
    with pytest.raises(DataError, match="no embedded dataset named 'irsi'"):
        load_embedded("irsi")
