"""Deterministic seeds derived from names.

Every random draw in a run derives from (suite seed, dataset, repeat, fold, seed, purpose), so a
result never depends on the order in which units run or on which worker runs them.
"""

from __future__ import annotations

import hashlib


def derive_seed(*parts: object) -> int:
    """Return a 31-bit seed that depends only on ``parts`` (stable across processes/platforms).

    Python's ``hash`` is salted per process, so we hash the ``repr`` with SHA-256 instead.
    """
    digest = hashlib.sha256(repr(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "little") & 0x7FFFFFFF
