"""bench.data.local: CSV/TSV/parquet/ARFF files (gzipped or not) give the same Dataset; bad files
give one-line errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bench.data.local import load_local
from bench.data.normalize import normalize
from bench.errors import DataError
from tests.helpers import mixed_frame


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
    frame = mixed_frame()
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
    frame = mixed_frame().drop(columns="city")
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
    mixed_frame().to_parquet(tmp_path / "p.parquet")
    data = (tmp_path / "p.parquet").read_bytes()
    (tmp_path / "p.parquet").write_bytes(data[: len(data) // 2])
    with pytest.raises(DataError, match="p.parquet: cannot read"):
        load_local(tmp_path / "p.parquet")


def test_duplicate_column_check_names_every_duplicate_once() -> None:
    from bench.data.local import _check_unique_columns

    with pytest.raises(DataError, match=r"duplicate column names: \['a', 'b'\]$"):
        _check_unique_columns(["b", "a", "x", "b", "a", "b"], Path("t.csv"))
