"""How stable an importance ranking is over fits (splits × seeds).

For each input: mean ± SD of its importance, its mean rank, and how often it is in the top k.
Inputs are ordered by mean importance; two neighbours in that order are **separable** when the
first beats the second in at least ``AGREE`` of the fits (with 5 seeds × 5 folds: 23 of 25).
Neighbours that are not separable share a tie group, written ``a ≈ b``; with a single fit nothing
is known about stability.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import rankdata

AGREE = 0.9  # share of fits in which a neighbour must be beaten to be separable from it


def default_top_k(n_inputs: int) -> int:
    """Top-k for the rank-stability figure: half the inputs, at most 3 (at least 1)."""
    return max(1, min(3, int(np.ceil(n_inputs / 2))))


@dataclass(frozen=True)
class Ranking:
    """Inputs ordered by mean importance, with spread, rank stability and tie groups."""

    table: pd.DataFrame  # index input; mean, sd, rank, top_k, group
    top_k: int
    n_fits: int

    @property
    def groups(self) -> list[list[str]]:
        """Tie groups in rank order (each a list of inputs)."""
        return [list(part.index) for _, part in self.table.groupby("group", sort=True)]

    @property
    def leader_is_stable(self) -> bool:
        """Whether the first input is separable from all others."""
        return self.n_fits > 1 and len(self.groups[0]) == 1

    def text(self, limit: int = 6) -> str:
        """``a > b ≈ c > …`` over the first ``limit`` inputs."""
        parts, shown = [], 0
        for group in self.groups:
            if shown >= limit:
                parts.append("…")
                break
            parts.append(" ≈ ".join(group[: limit - shown]) + (" ≈ …" if len(group) >
                                                                 limit - shown else ""))
            shown += len(group)
        return " > ".join(parts)


def rank_inputs(values: np.ndarray, inputs: list[str], *, top_k: int) -> Ranking:
    """``values`` (fits × inputs): a :class:`Ranking` of the inputs."""
    values = np.asarray(values, dtype=np.float64)
    ranks = rankdata(-values, axis=1, method="average")
    mean, sd = mean_sd(values)
    table = pd.DataFrame({"mean": mean, "sd": sd, "rank": ranks.mean(axis=0),
                          "top_k": (ranks <= top_k).mean(axis=0)}, index=inputs)
    order = np.lexsort((table["rank"].to_numpy(), -table["mean"].to_numpy()))
    table = table.iloc[order]
    ordered = values[:, order]
    wins = (ordered[:, :-1] > ordered[:, 1:]).mean(axis=0)
    separable = (wins >= AGREE) & (len(values) > 1)
    table["group"] = np.concatenate([[1], 1 + np.cumsum(separable)]).astype(int)
    return Ranking(table=table, top_k=top_k, n_fits=len(values))


def mean_sd(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and sample SD over the first axis (NaNs ignored; SD is NaN for fewer than 2)."""
    values = np.asarray(values, dtype=np.float64)
    count = np.sum(~np.isnan(values), axis=0)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns stay NaN
        mean = np.nanmean(values, axis=0)
        sd = np.where(count > 1, np.nanstd(values, axis=0, ddof=1), np.nan)
    return mean, sd
