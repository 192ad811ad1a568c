"""The embedding shift diagnostic: can a small classifier tell training-row embeddings from
test-row embeddings?

An encoder is fit on a split's training rows and then embeds its test rows. If the two sets of
embeddings come from different distributions (for example, training rows embedded out of fold by
k models but test rows by another model), XGBoost learns its splits on one distribution and is
scored on the other. We label the training rows' embeddings 0 and the test rows' 1, fit a small
XGBoost (depth 3, 8 trees) in stratified 2-fold cross-validation inside the split, and report the
mean of the folds' ROC AUC: about 0.5 when the two cannot be told apart, towards 1 when they can. Test rows
are a sample of the data like the training rows, so a leak-free, consistent encoder scores about
0.5 (an overfit one can score above: its own training rows sit where it learned them).

Deterministic: the folds and XGBoost's seed come from ``seed`` (derived from the suite seed and
the split), the thread count from the run's options, and it always runs on the CPU, so the value
depends on neither the machine nor the device.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xgboost as xgb
from scipy.stats import rankdata
from sklearn.model_selection import StratifiedKFold


@dataclass(frozen=True, kw_only=True)
class ShiftClassifier:
    """The diagnostic's settings (fixed: part of what ``shift_auc`` means)."""

    folds: int = 2
    n_estimators: int = 8
    max_depth: int = 3
    learning_rate: float = 0.5
    max_bin: int = 32
    #: Rows per side above this are subsampled (deterministically), which bounds the cost
    #: (ROC AUC does not depend on the ratio of the two sides).
    max_rows: int = 500

    def params(self, *, seed: int, nthread: int) -> dict[str, object]:
        return {"objective": "binary:logistic", "max_depth": self.max_depth,
                "eta": self.learning_rate, "tree_method": "hist", "max_bin": self.max_bin,
                "device": "cpu", "seed": seed, "nthread": nthread}


DEFAULT = ShiftClassifier()


def shift_auc(train: np.ndarray, test: np.ndarray, *, seed: int, nthread: int = 0,
              settings: ShiftClassifier = DEFAULT) -> float | None:
    """Mean cross-validated ROC AUC of telling ``train`` rows (0) from ``test`` rows (1).

    ``None`` where there are too few rows of either kind to cross-validate (fewer than
    ``settings.folds``) or no embedding columns.
    """
    train, test = np.asarray(train, dtype=np.float32), np.asarray(test, dtype=np.float32)
    if train.ndim != 2 or test.ndim != 2 or train.shape[1] != test.shape[1]:
        raise ValueError(f"train and test embeddings must be 2-D with the same width, however: "
                         f"{train.shape} and {test.shape}")
    if train.shape[1] == 0 or min(len(train), len(test)) < settings.folds:
        return None
    rng = np.random.default_rng(seed)
    train, test = (_at_most(rows, settings.max_rows, rng) for rows in (train, test))
    X = np.concatenate([train, test])
    y = np.concatenate([np.zeros(len(train)), np.ones(len(test))])
    splitter = StratifiedKFold(settings.folds, shuffle=True, random_state=seed % 2**32)
    params = settings.params(seed=seed % 2**31, nthread=nthread)
    aucs = []
    for fit, held in splitter.split(X, y):
        booster = _boost(params, xgb.DMatrix(X[fit], label=y[fit], nthread=nthread),
                         settings.n_estimators)
        score = booster.predict(xgb.DMatrix(X[held], nthread=nthread))
        aucs.append(roc_auc(y[held], score))
    return float(np.mean(aucs))


def _boost(params: dict[str, object], train: xgb.DMatrix, rounds: int) -> xgb.Booster:
    """``xgb.train(params, train, rounds)`` without callbacks: the same trees, without the
    copy of the model through its serialised form that ``xgb.train`` makes at the end to drop
    its training caches (a fifth of the diagnostic's time; the booster is dropped anyway)."""
    booster = xgb.Booster(params, [train])
    for iteration in range(rounds):
        booster.update(train, iteration)
    return booster


def roc_auc(labels: np.ndarray, score: np.ndarray) -> float:
    """ROC AUC of ``score`` for binary ``labels`` (1 = positive), ties counted half: the
    Mann–Whitney U of the positives over n₁·n₀ (as ``sklearn.metrics.roc_auc_score``, without
    its input checking, which costs more than the rest of the diagnostic)."""
    positive = labels == 1
    n1, n0 = int(positive.sum()), int((~positive).sum())
    ranks = rankdata(score)
    return float((ranks[positive].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def _at_most(rows: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    if len(rows) <= n:
        return rows
    return rows[np.sort(rng.choice(len(rows), size=n, replace=False))]
