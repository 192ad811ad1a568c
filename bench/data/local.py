"""Local files: csv, tsv (optionally gzipped), parquet and ARFF (optionally gzipped).

Categorical columns come from the suite (``categorical = [...]``) or a PMLB-style
``NAME.metadata.yaml`` beside the file; text columns are categorical anyway, and so are ARFF
nominal attributes (with their declared levels).
"""

from __future__ import annotations

import collections
import csv
import errno
import gzip
import os
import re
import zlib
from pathlib import Path
from typing import NamedTuple

import arff
import pandas as pd
import pyarrow
import pyarrow.parquet

from bench.data.dataset import Dataset
from bench.data.embedded import pmlb_categorical
from bench.data.normalize import normalize
from bench.errors import DataError

GZIP_MAGIC = b"\x1f\x8b"
_ARFF_DATE = re.compile(
    r"""^(@attribute\s+('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|\S+)\s+)date\b.*$""",
    re.IGNORECASE | re.MULTILINE)


def read_arff(path: Path) -> pd.DataFrame:
    """An ARFF file as a frame: nominal attributes become categoricals with their declared levels,
    numeric ones floats, DATE attributes datetimes (which normalization then drops)."""
    opener = gzip.open if path.suffix.lower() == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        text = fh.read()
    if not text.strip():
        raise pd.errors.EmptyDataError("empty")
    # NOTE[DIFF]: liac-arff (openml-python's parser) rejects DATE attributes; read them as text.
    dates = [name.strip("'\"") for _, name in _ARFF_DATE.findall(text)]
    text = _ARFF_DATE.sub(r"\1STRING", text)
    try:
        decoded = arff.loads(text)
    except arff.BadAttributeName as exc:
        match = re.search(r"name (.+?) at line .* already in use", str(exc))
        if match is None:
            raise
        raise DataError(f"duplicate column names: [{match.group(1)!r}]", where=str(path)) from None
    frame = pd.DataFrame(decoded["data"], columns=[name for name, _ in decoded["attributes"]])
    for name, kind in decoded["attributes"]:
        if isinstance(kind, list):
            frame[name] = pd.Categorical(frame[name], categories=kind)
        elif name in dates:
            frame[name] = pd.to_datetime(frame[name], errors="coerce")
        elif str(kind).upper() in ("NUMERIC", "REAL", "INTEGER"):
            frame[name] = pd.to_numeric(frame[name]).astype("float64")
    return frame


READERS = {
    ".csv": lambda p: pd.read_csv(p),
    ".tsv": lambda p: pd.read_csv(p, sep="\t"),
    ".parquet": lambda p: pd.read_parquet(p),
    ".pq": lambda p: pd.read_parquet(p),
    ".arff": read_arff,
}


def _suffix(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return suffixes[-1] if suffixes else ""


def read_table(path: Path) -> pd.DataFrame:
    """Read a table, turning any parse failure into one line naming the file."""
    reader = READERS.get(_suffix(path))
    if reader is None:
        raise DataError(f"unsupported file type; expected one of {', '.join(READERS)} (optionally .gz)",
                        where=str(path))
    _check_is_a_file(path)
    try:
        if _suffix(path) in (".parquet", ".pq"):
            # pyarrow refuses duplicate names with an obscure message: name them first.
            _check_unique_columns(pyarrow.parquet.read_schema(path).names, path)
        frame = reader(path)
    except DataError:
        raise
    except pd.errors.EmptyDataError:
        raise DataError("the file is empty", where=str(path)) from None
    except (OSError, EOFError, zlib.error) as exc:
        if path.suffix.lower() == ".gz":
            raise DataError(f"cannot read: corrupt or truncated gzip file ({_first_line(exc)})",
                            where=str(path)) from None
        raise DataError(f"cannot read ({type(exc).__name__}: {_first_line(exc)})",
                        where=str(path)) from None
    except (UnicodeDecodeError, ValueError, pd.errors.ParserError,
            pyarrow.ArrowException, arff.ArffException) as exc:
        raise DataError(f"cannot read ({type(exc).__name__}: {_first_line(exc)})",
                        where=str(path)) from None
    _check_unique_columns(_text_header(path) if _suffix(path) in (".csv", ".tsv")
                          else list(frame.columns), path)
    return frame


def _check_is_a_file(path: Path) -> None:
    """Say what is wrong with a path that is not a readable data file, accurately."""
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise DataError("symlink loop: the path's links point back to themselves",
                            where=str(path)) from None
        raise DataError("file not found", where=str(path)) from None
    if path.is_dir():
        raise DataError("is a directory, not a data file", where=str(path))
    if path.suffix.lower() != ".gz" and _suffix(path) in (".csv", ".tsv", ".arff"):
        with open(path, "rb") as fh:
            magic = fh.read(2)
        if magic == GZIP_MAGIC:
            raise DataError(f"looks gzip-compressed: name it `{path.name}.gz`", where=str(path))


def _check_unique_columns(columns: list[str], path: Path) -> None:
    counts = collections.Counter(columns)  # linear: list.count was quadratic
    duplicated = sorted(c for c, n in counts.items() if n > 1)
    if duplicated:
        raise DataError(f"duplicate column names: {duplicated}", where=str(path))


def _text_header(path: Path) -> list[str]:
    """The raw header row (pandas renames duplicates to ``a.1``, hiding them)."""
    opener = gzip.open if path.suffix.lower() == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as fh:
        delimiter = "\t" if _suffix(path) == ".tsv" else ","
        return next(csv.reader(fh, delimiter=delimiter), [])


class TargetColumn(NamedTuple):
    """What ``bench check`` reads of a local file: its column names and one column's values
    (``None`` when the file has no such column)."""

    columns: list[str]
    values: pd.Series | None


def read_target_column(path: Path, target: str) -> TargetColumn:
    """The header and the target column only (csv/tsv/parquet; ARFF is read whole).

    A file that cannot be read raises the same one-line :class:`DataError` as :func:`read_table`.
    """
    kind = _suffix(path)
    if kind not in READERS or not path.is_file():
        read_table(path)  # raises its message (unsupported type, not found, ...)
    try:
        if kind in (".csv", ".tsv"):
            columns = _text_header(path)
            _check_unique_columns(columns, path)
            values = (pd.read_csv(path, sep="\t" if kind == ".tsv" else ",", usecols=[target])
                      [target] if target in columns else None)
            return TargetColumn(columns, values)
        if kind in (".parquet", ".pq"):
            columns = [str(c) for c in pyarrow.parquet.read_schema(path).names]
            _check_unique_columns(columns, path)
            values = pd.read_parquet(path, columns=[target])[target] if target in columns else None
            return TargetColumn(columns, values)
    except DataError:
        raise
    except Exception:  # noqa: BLE001, S110 - the full reader words the problem, or reads the file
        pass
    frame = read_table(path)
    return TargetColumn([str(c) for c in frame.columns],
                        frame[target] if target in frame.columns else None)


def load_local(
    path: Path,
    *,
    target: str = "target",
    name: str | None = None,
    task: str | None = None,
    categorical: list[str] | None = None,
) -> Dataset:
    frame = read_table(path)
    stem = path.name.split(".")[0]
    if categorical is None:
        categorical = pmlb_categorical(path.with_name(f"{stem}.metadata.yaml"))
    return normalize(
        frame,
        target=target,
        name=name or stem,
        source="local",
        task=task,
        categorical=categorical,
        provenance=[f"read from {path}"],
    )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
