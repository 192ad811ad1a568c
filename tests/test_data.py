"""Every source produces the same normalized Dataset; bad files give one-line errors."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bench.data import embedded_manifest, load_dataset
from bench.data.embedded import load_embedded
from bench.data.local import load_local
from bench.data.normalize import normalize
from bench.data.sklearn_source import load_sklearn
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


@pytest.mark.parametrize("name", ["iris", "wine", "breast_cancer", "digits", "diabetes"])
def test_sklearn_sources(name: str) -> None:
    ds = load_sklearn(name)
    assert ds.source == "sklearn"
    assert ds.task == ("regression" if name == "diabetes" else
                       "binary" if name == "breast_cancer" else "multiclass")


def _frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame({
        "x": rng.normal(size=40),
        "city": rng.choice(["paris", "rome", "oslo"], size=40),
        "code": rng.integers(0, 4, size=40),
        "flag": rng.random(40) > 0.5,
        "target": rng.choice(["yes", "no"], size=40),
    })


def _write_arff(frame: pd.DataFrame, path: Path, nominal: dict[str, list[str]]) -> None:
    """Write ``frame`` as ARFF with liac-arff (the library openml-python uses)."""
    import gzip as gz

    import arff

    attributes = [(c, nominal.get(c, "NUMERIC")) for c in frame.columns]
    rows = [[None if pd.isna(v) else (str(v) if c in nominal else float(v))
             for c, v in zip(frame.columns, row, strict=True)] for row in frame.itertuples(index=False)]
    text = arff.dumps({"relation": "table", "attributes": attributes, "data": rows})
    opener = gz.open if path.suffix == ".gz" else open
    with opener(path, "wt", encoding="utf-8") as fh:
        fh.write(text)


@pytest.mark.parametrize("suffix", [".csv", ".tsv.gz", ".parquet", ".arff", ".arff.gz"])
def test_local_formats_round_trip_to_the_same_dataset(tmp_path: Path, suffix: str) -> None:
    frame = _frame()
    path = tmp_path / f"table{suffix}"
    if suffix == ".csv":
        frame.to_csv(path, index=False)
    elif suffix == ".tsv.gz":
        frame.to_csv(path, sep="\t", index=False, compression="gzip")
    elif suffix == ".parquet":
        frame.to_parquet(path)
    else:
        _write_arff(frame.assign(flag=frame["flag"].astype(int)), path,
                    {"city": ["oslo", "paris", "rome"], "code": ["0", "1", "2", "3"],
                     "target": ["no", "yes"]})
    ds = load_local(path, categorical=["code"])
    reference = normalize(frame, target="target", name="table", source="local",
                          categorical=["code"])
    assert ds.name == "table"
    assert ds.task == "binary"
    assert ds.categorical == ("city", "code")
    assert ds.classes == ("no", "yes")
    np.testing.assert_array_equal(ds.y, reference.y)
    as_text = {"city": str, "code": str}
    pd.testing.assert_frame_equal(ds.X.astype(as_text).reset_index(drop=True),
                                  reference.X.astype(as_text), check_dtype=False)
    assert ds.X["flag"].dtype == np.float64  # booleans become numbers


def test_arff_nominal_levels_and_dates(tmp_path: Path) -> None:
    path = tmp_path / "d.arff"
    path.write_text("@relation r\n@attribute when DATE \"yyyy-MM-dd\"\n@attribute c {a,b,z}\n"
                    "@attribute x NUMERIC\n@attribute target {n,y}\n@data\n"
                    + "".join(f"2020-01-{i % 28 + 1:02d},{'ab'[i % 2]},{i},{'ny'[i % 3 == 0]}\n"
                              for i in range(30)))
    ds = load_local(path)
    assert "when" not in ds.X.columns
    assert ds.categorical == ("c",)
    assert any("date/time columns ['when']" in p for p in ds.provenance)


def test_local_reads_pmlb_metadata_beside_the_file(tmp_path: Path) -> None:
    frame = _frame().drop(columns="city")
    frame.to_csv(tmp_path / "t.csv", index=False)
    (tmp_path / "t.metadata.yaml").write_text(
        "features:\n  - name: code\n    type: categorical\n  - name: x\n    type: continuous\n")
    assert load_local(tmp_path / "t.csv").categorical == ("code",)


ARFF_HEAD = "@relation r\n@attribute a NUMERIC\n"


@pytest.mark.parametrize(
    ("suffix", "content", "match"),
    [
        (".csv", "", "empty"),
        (".csv", "a,b,a,target\n1,2,3,0\n", r"duplicate column names: \['a'\]"),
        (".csv", "a,b\n1,2\n", "target column 'target' not found; columns are: a, b"),
        (".arff", "", "empty"),
        (".arff", ARFF_HEAD + "@attribute a NUMERIC\n@data\n1,2\n",
         r"duplicate column names: \['a'\]"),
        (".arff", ARFF_HEAD + "@attribute b NUMERIC\n@data\n1,2\n",
         "target column 'target' not found; columns are: a, b"),
        (".arff", ARFF_HEAD + "@attribute target NUMERIC\n@data\n1,2\nx,3\n",
         r"cannot read \(BadNumericalValue"),
        (".arff", ARFF_HEAD + "@attribute target NUMERIC\n@data\n", "the table is empty"),
    ],
)
def test_local_bad_files(tmp_path: Path, suffix: str, content: str, match: str) -> None:
    path = tmp_path / f"bad{suffix}"
    path.write_text(content)
    with pytest.raises(DataError, match=match) as info:
        load_local(path)
    assert "\n" not in str(info.value)


def test_numeric_column_with_garbage(tmp_path: Path) -> None:
    values = [str(v) for v in np.arange(40.0)]
    values[7] = "n/a?"
    pd.DataFrame({"x": values, "target": [0, 1] * 20}).to_csv(tmp_path / "g.csv", index=False)
    with pytest.raises(DataError, match=r"column 'x' is numeric but holds non-numeric values, "
                                        r"e.g. 'n/a\?' \(row 7\)"):
        load_local(tmp_path / "g.csv")


def test_corrupt_gzip_and_parquet(tmp_path: Path) -> None:
    (tmp_path / "c.tsv.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    with pytest.raises(DataError, match="cannot read"):
        load_local(tmp_path / "c.tsv.gz")
    _frame().to_parquet(tmp_path / "p.parquet")
    data = (tmp_path / "p.parquet").read_bytes()
    (tmp_path / "p.parquet").write_bytes(data[: len(data) // 2])
    with pytest.raises(DataError, match="p.parquet: cannot read"):
        load_local(tmp_path / "p.parquet")


def test_normalize_drops_constant_empty_and_datetime_columns() -> None:
    frame = _frame().assign(const=1.0, empty=np.nan,
                            when=pd.date_range("2020-01-01", periods=40))
    ds = normalize(frame, target="target", name="t", source="local")
    assert {"const", "empty", "when"}.isdisjoint(ds.X.columns)
    notes = " ".join(ds.provenance)
    assert "constant columns ['const']" in notes
    assert "all-missing columns ['empty']" in notes
    assert "date/time columns ['when']" in notes


def test_normalize_task_inference_and_errors() -> None:
    frame = pd.DataFrame({"x": np.arange(30.0), "target": np.linspace(0, 1, 30)})
    assert normalize(frame, target="target", name="r", source="local").task == "regression"
    frame["target"] = [0, 1, 2] * 10  # ambiguous (issue 18): the suite must say, or "infer"
    with pytest.raises(DataError, match="the task is ambiguous"):
        normalize(frame, target="target", name="c", source="local")
    assert normalize(frame, target="target", name="c", source="local",
                     task="infer").task == "multiclass"
    frame["target"] = 1
    with pytest.raises(DataError, match="single class"):
        normalize(frame, target="target", name="c", source="local")
    with pytest.raises(DataError, match="regression target is constant"):
        normalize(frame, target="target", name="c", source="local", task="regression")


def test_normalize_missing_target_rows_and_infinities() -> None:
    frame = pd.DataFrame({"x": [1.0, np.inf, 3.0, 4.0, 5.0, 6.0],
                          "target": [0, 1, None, 1, 0, 1]})
    ds = normalize(frame, target="target", name="t", source="local")
    assert ds.n_rows == 5
    assert np.isnan(ds.X["x"].iloc[1])
    assert any("missing target" in p for p in ds.provenance)
    assert any("infinite" in p for p in ds.provenance)


def test_content_hash_changes_with_data() -> None:
    a = load_embedded("iris")
    b = normalize(pd.concat([a.X, pd.Series(a.y, name="target")], axis=1).iloc[1:],
                  target="target", name="iris", source="local", task="classification")
    assert a.content_hash == load_embedded("iris").content_hash
    assert a.content_hash != b.content_hash


def test_load_dataset_dispatch(tmp_path: Path) -> None:
    from bench.config import EmbeddedSpec, LocalSpec, SklearnSpec

    assert load_dataset(EmbeddedSpec(source="embedded", name="iris")).source == "embedded"
    assert load_dataset(SklearnSpec(source="sklearn", name="wine")).source == "sklearn"
    _frame().to_csv(tmp_path / "f.csv", index=False)
    spec = LocalSpec(source="local", path=Path("f.csv"), name="mine")
    assert load_dataset(spec, base_dir=tmp_path).name == "mine"


def test_id_like_columns_are_dropped_and_recorded() -> None:
    rng = np.random.default_rng(1)
    n = 50
    frame = pd.DataFrame({
        "customer_id": np.arange(1000, 1000 + n),      # distinct integers named like an id
        "name": [f"person {i}" for i in range(n)],      # distinct free text
        "height": rng.normal(size=n),                   # distinct floats: a real feature
        "rank": rng.permutation(n),                     # distinct integers, not named like an id
        "city": rng.choice(["a", "b"], size=n),
        "target": rng.choice([0, 1], size=n),
    })
    ds = normalize(frame, target="target", name="t", source="local")
    assert set(ds.X.columns) == {"height", "rank", "city"}
    assert any("id-like columns ['customer_id', 'name']" in p for p in ds.provenance)
    kept = normalize(frame, target="target", name="t", source="local", categorical=["name"])
    assert "name" in kept.X.columns  # a declared categorical is never dropped as an id
    small = normalize(frame.head(10), target="target", name="t", source="local")
    assert "customer_id" in small.X.columns  # too few rows to call anything an id


def test_subsample_rows_is_stratified_deterministic_and_keeps_rare_classes() -> None:
    from bench.data.normalize import subsample_rows

    y = np.array([0] * 900 + [1] * 95 + [2] * 5)
    frame = pd.DataFrame({"x": np.arange(1000.0), "target": y})
    ds = normalize(frame, target="target", name="t", source="local", task="classification")
    keep = subsample_rows(ds, 100, seed=7)
    assert len(keep) == 100
    assert len(set(keep)) == 100
    assert (np.diff(keep) > 0).all()
    np.testing.assert_array_equal(keep, subsample_rows(ds, 100, seed=7))
    assert not np.array_equal(keep, subsample_rows(ds, 100, seed=8))
    assert np.bincount(ds.y[keep]).tolist() == [90, 9, 1]  # proportional, rare class kept
    reg = normalize(frame.assign(target=np.linspace(0, 1, 1000)), target="target", name="r",
                    source="local")
    assert len(subsample_rows(reg, 10, seed=0)) == 10


def test_rare_classes_are_kept_and_refused_by_stratified_kfold_with_a_clear_error() -> None:
    from bench.splits import make_splits

    frame = pd.DataFrame({"x": np.arange(40.0), "target": ["a"] * 38 + ["b"] * 2})
    ds = normalize(frame, target="target", name="t", source="local")
    assert ds.classes == ("a", "b")  # not merged
    with pytest.raises(DataError, match=r"classes \['b'\] have fewer than 3 rows") as info:
        make_splits(ds, folds=3, repeats=1, suite_seed=0)
    assert "\n" not in str(info.value)
    assert len(make_splits(ds, folds=2, repeats=1, suite_seed=0)) == 2


# -- numeric edges (issue 17, item 5) ---------------------------------------------------------


def test_values_beyond_float32_become_missing_and_are_recorded() -> None:
    from bench.data.normalize import normalize

    frame = pd.DataFrame({"x": [1e39, 1e308, -1e39] + [1.0, 2.0, 3.0] * 9,
                          "y": [0, 1, 1] * 10})
    dataset = normalize(frame, target="y", name="big", source="local")
    assert int(dataset.X["x"].isna().sum()) == 3
    assert any("3 feature values beyond the float32 range" in p for p in dataset.provenance)


def test_uint64_near_2_64_is_kept_as_categories_not_collapsed() -> None:
    from bench.data.normalize import normalize

    values = np.array([2**64 - 1, 2**64 - 2, 2**64 - 3] * 10, dtype="uint64")
    frame = pd.DataFrame({"u": values, "x": np.arange(30.0), "y": [0, 1, 1] * 10})
    dataset = normalize(frame, target="y", name="u64", source="local")
    assert dataset.X["u"].nunique() == 3
    assert "u" in dataset.categorical



def test_duplicate_column_check_names_every_duplicate_once() -> None:
    from bench.data.local import _check_unique_columns

    with pytest.raises(DataError, match=r"duplicate column names: \['a', 'b'\]$"):
        _check_unique_columns(["b", "a", "x", "b", "a", "b"], Path("t.csv"))
