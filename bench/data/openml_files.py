"""OpenML data files read by us, never through a pickle.

openml-python keeps parsed copies of what it downloads as pickles (``dataset_N.pkl.py3``,
``features.xml.pkl``, ``datasplits.pkl.py3``) and loads them on the next call. Unpickling runs
whatever code the file names, so a tampered cache could run code in ``bench run``. Here:

* :func:`reject_pickles` deletes every pickle in an entry's cache folders before openml-python
  is called (so it parses the XML/ARFF sources instead) and says so, naming the file;
* :func:`read_data_file` reads the data file's bytes once, checks OpenML's md5 of exactly those
  bytes (for the ARFF), and parses them itself: liac-arff for ARFF, pyarrow for parquet.

The result is the frame openml-python's ``get_data`` returns (a test compares the two).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import arff
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from bench.data.cache import CorruptCacheError

logger = logging.getLogger(__name__)

#: The names openml-python gives its pickled copies.
PICKLE_PATTERNS = ("*.pkl", "*.pkl.py3", "*.pkl.*")


class CacheWarning(UserWarning):
    """A damaged or untrusted cache entry was found and rejected or rebuilt (names the file)."""


def warn(message: str) -> None:
    logger.warning(message)
    warnings.warn(message, CacheWarning, stacklevel=3)


def reject_pickles(folders: list[Path]) -> list[Path]:
    """Delete every pickle in ``folders`` (never loading it); return and report those found."""
    found = sorted({p for folder in folders if folder.is_dir()
                    for pattern in PICKLE_PATTERNS for p in folder.glob(pattern)})
    for path in found:
        # A read-only cache keeps the pickle, but nothing here ever loads it.
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
        warn(f"{path}: rejected cache entry: a pickle (loading it could run code); bench never "
             f"loads pickles and reads the data from the verified source file instead")
    return found


@contextmanager
def no_pickles(folders: list[Path]) -> Iterator[None]:
    """Around an openml-python call: planted pickles are rejected before it (so it parses the
    sources), and the pickles it writes of what it parsed are removed after it (so none is ever
    there to load)."""
    reject_pickles(folders)
    try:
        yield
    finally:
        remove_own_pickles(folders)


def remove_own_pickles(folders: list[Path]) -> None:
    """Silently delete the pickles openml-python just wrote of files it parsed."""
    for folder in folders:
        for pattern in PICKLE_PATTERNS:
            for path in folder.glob(pattern) if folder.is_dir() else ():
                with contextlib.suppress(OSError):
                    path.unlink(missing_ok=True)


def read_data_file(path: Path, *, md5: str | None, offline: bool) -> tuple[pd.DataFrame, str]:
    """The frame in an OpenML data file (ARFF or parquet) and the SHA-256 of the bytes parsed.

    For an ARFF with a published ``md5``, the bytes parsed are the bytes checked.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CorruptCacheError(f"unreadable cached file ({exc.strerror or exc})", path=path) \
            from None
    if path.suffix != ".pq" and md5:
        digest = hashlib.md5(data).hexdigest()  # noqa: S324 - OpenML's published checksum
        if digest != md5:
            corrupt(path, f"md5 {digest[:12]}… does not match OpenML's {md5[:12]}…", offline)
    try:
        frame = _parquet(data) if path.suffix == ".pq" else parse_arff(data.decode("utf-8"))
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, pa.ArrowException,
            arff.ArffException) as exc:
        text = str(exc).strip().splitlines()
        corrupt(path, f"cannot be parsed ({type(exc).__name__}: {text[0][:200] if text else ''})",
                offline)
    return frame, hashlib.sha256(data).hexdigest()


def corrupt(path: Path, why: str, offline: bool) -> None:
    """Report a damaged data file; online, delete it (and any pickles beside it) to download
    again."""
    hint = "" if offline else "; deleted"
    if not offline:
        path.unlink(missing_ok=True)
        remove_own_pickles([path.parent])
    raise CorruptCacheError(f"corrupt cached file: {why}{hint}", path=path)


def _parquet(data: bytes) -> pd.DataFrame:
    return pq.read_table(pa.BufferReader(data)).to_pandas()


def parse_arff(text: str) -> pd.DataFrame:
    """A dense ARFF as openml-python's ``get_data`` gives it: nominal attributes as ordered
    categoricals with their declared levels (``True``/``False`` pairs as booleans), numbers as
    numbers."""
    decoded = arff.load(io.StringIO(text), encode_nominal=True, return_type=arff.DENSE)
    names = [name for name, _ in decoded["attributes"]]
    frame = pd.DataFrame(decoded["data"], columns=names)
    columns = []
    for name, kind in decoded["attributes"]:
        if isinstance(kind, list):
            columns.append(_categories(frame[name], _levels(kind)))
        else:
            columns.append(frame[name])
    return pd.concat(columns, axis=1) if columns else frame


def _levels(kind: list[str]) -> list[object]:
    normalized = [cat.lower().capitalize() for cat in kind]
    if len(kind) == 2 and set(normalized) == {"True", "False"}:
        return [cat == "True" for cat in normalized]
    return list(kind)


def _categories(codes: pd.Series, levels: list[object]) -> pd.Series:
    values = [np.nan if code is None or pd.isna(code) else levels[int(code)] for code in codes]
    return pd.Series(pd.Categorical(values, categories=levels, ordered=True), index=codes.index,
                     name=codes.name)
