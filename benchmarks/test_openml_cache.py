"""Cached load vs first load of a 50 000-row OpenML dataset (target: >= 10x faster).

The first load parses OpenML's ARFF through openml-python, normalizes it and writes our parquet
copy; every later load reads that copy. The dataset is a real ARFF file (synthetic content: 20
numeric and 4 nominal features, a 3-class target) in an OpenML-cache-shaped folder, loaded by
real openml-python offline. Run with ``nox -s perf``; the two times are printed and stored in
the benchmark's ``extra_info``.
"""

from __future__ import annotations

import hashlib
import shutil
import time
from pathlib import Path

import arff
import numpy as np
import pytest

from bench.config import OpenMLSpec
from bench.data import OpenMLOptions
from bench.data.openml import load_openml

SERVER = "https://test.openml.org/api/v1/xml"
DATASET_ID = 990001
N_ROWS = 50_000


def _features_xml(attributes: list[tuple[str, object]]) -> str:
    parts = []
    for i, (name, kind) in enumerate(attributes):
        nominal = isinstance(kind, list)
        values = "".join(f"<oml:nominal_value>{v}</oml:nominal_value>" for v in kind) if nominal else ""
        parts.append(
            f"<oml:feature><oml:index>{i}</oml:index><oml:name>{name}</oml:name>"
            f"<oml:data_type>{'nominal' if nominal else 'numeric'}</oml:data_type>{values}"
            f"<oml:is_target>{str(name == 'class').lower()}</oml:is_target>"
            "<oml:is_ignore>false</oml:is_ignore><oml:is_row_identifier>false</oml:is_row_identifier>"
            "<oml:number_of_missing_values>0</oml:number_of_missing_values></oml:feature>")
    return f'<oml:data_features xmlns:oml="http://openml.org/openml">{"".join(parts)}</oml:data_features>'


def build_openml_dataset(root: Path) -> Path:
    """Write dataset ``DATASET_ID`` into ``root`` (a cache directory) as openml-python would."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(N_ROWS, 20)).round(5)
    levels = [["a", "b", "c"], ["u", "v"], ["p", "q", "r", "s"], ["x", "y"]]
    nominal = [rng.choice(lv, size=N_ROWS) for lv in levels]
    y = np.where(X[:, 0] + (nominal[0] == "a") > 0.5, "hi", np.where(X[:, 1] > 0, "mid", "lo"))
    attributes = [(f"x{i}", "NUMERIC") for i in range(20)]
    attributes += [(f"c{i}", lv) for i, lv in enumerate(levels)] + [("class", ["lo", "mid", "hi"])]
    rows = [[*map(float, X[r]), *(n[r] for n in nominal), y[r]] for r in range(N_ROWS)]
    text = arff.dumps({"relation": "synthetic", "attributes": attributes, "data": rows})
    folder = root / "openml" / "org" / "openml" / "test" / "datasets" / str(DATASET_ID)
    folder.mkdir(parents=True)
    (folder / "dataset.arff").write_text(text, encoding="utf-8")
    md5 = hashlib.md5(text.encode()).hexdigest()  # noqa: S324 - OpenML's checksum
    (folder / "description.xml").write_text(
        '<oml:data_set_description xmlns:oml="http://openml.org/openml">'
        f"<oml:id>{DATASET_ID}</oml:id><oml:name>synthetic50k</oml:name><oml:version>1</oml:version>"
        "<oml:format>ARFF</oml:format><oml:url>https://test.openml.org/data/download/1</oml:url>"
        "<oml:default_target_attribute>class</oml:default_target_attribute>"
        f"<oml:md5_checksum>{md5}</oml:md5_checksum></oml:data_set_description>", encoding="utf-8")
    (folder / "features.xml").write_text(_features_xml(attributes), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_openml_dataset(tmp_path_factory.mktemp("openml50k"))


def test_cached_load_is_10x_faster_than_first_load(benchmark, pristine: Path, tmp_path: Path) -> None:
    spec = OpenMLSpec(source="openml", dataset=DATASET_ID)
    first_s = []
    for i in range(2):  # a fresh cache each time: ARFF parse + normalize + write the copy
        cache = tmp_path / f"c{i}"
        shutil.copytree(pristine, cache)
        options = OpenMLOptions(cache_dir=cache, server=SERVER, offline=True)
        start = time.perf_counter()
        first = load_openml(spec, options=options).dataset
        first_s.append(time.perf_counter() - start)
    cached = benchmark.pedantic(lambda: load_openml(spec, options=options).dataset,
                                rounds=5, iterations=1)
    assert cached.content_hash == first.content_hash
    assert cached.n_rows == N_ROWS
    cached_s = benchmark.stats.stats.min
    speedup = min(first_s) / cached_s
    benchmark.extra_info.update(first_load_s=round(min(first_s), 3),
                                cached_load_s=round(cached_s, 4), speedup=round(speedup, 1))
    print(f"\nfirst load {min(first_s):.3f} s, cached load {cached_s:.4f} s: {speedup:.1f}x")
    assert speedup >= 10
