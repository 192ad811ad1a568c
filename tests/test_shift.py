"""The shift diagnostic tells training-row from test-row embeddings when, and only when, they
differ; on shipped data every leak-free encoder stays near 0.5 and a shifted one is flagged."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score
from typer.testing import CliRunner

from bench.cli import app
from bench.shift import ShiftClassifier, roc_auc, shift_auc
from bench.stats.shift import FLAG_ABOVE, shift_summary
from bench.store import load
from tests.helpers import registered_encoder, write_suite
from tests.shifted_encoder import ShiftedParams

RNG = np.random.default_rng(0)
TRAIN, TEST = RNG.normal(size=(400, 4)), RNG.normal(size=(200, 4))


def test_one_distribution_scores_about_half() -> None:
    assert abs(shift_auc(TRAIN, TEST, seed=1) - 0.5) < 0.08


def test_an_offset_is_told_apart() -> None:
    assert shift_auc(TRAIN, TEST + 1.0, seed=1) > 0.8


def test_a_narrower_test_distribution_is_told_apart() -> None:
    """Averaging k models shrinks spread: a shift in scale, not location, is seen too."""
    assert shift_auc(TRAIN, TEST * 0.5, seed=1) > 0.75


def test_same_seed_same_value() -> None:
    assert shift_auc(TRAIN, TEST + 0.2, seed=3) == shift_auc(TRAIN, TEST + 0.2, seed=3)


def test_threads_do_not_change_the_value() -> None:
    assert shift_auc(TRAIN, TEST + 0.2, seed=3, nthread=1) == shift_auc(TRAIN, TEST + 0.2, seed=3,
                                                                         nthread=2)


def test_perfectly_separable_rows_score_one() -> None:
    assert shift_auc(np.zeros((30, 1)), np.ones((30, 1)), seed=0) == 1.0


def test_the_value_is_the_mean_of_the_folds_roc_auc() -> None:
    """Checked against scikit-learn's roc_auc_score on the same folds and XGBoost models."""
    import xgboost as xgb
    from sklearn.model_selection import StratifiedKFold

    settings = ShiftClassifier()
    X = np.concatenate([TRAIN, TEST + 0.3]).astype(np.float32)
    y = np.concatenate([np.zeros(len(TRAIN)), np.ones(len(TEST))])
    aucs = []
    for fit, held in StratifiedKFold(settings.folds, shuffle=True, random_state=5).split(X, y):
        booster = xgb.train(settings.params(seed=5, nthread=0), xgb.DMatrix(X[fit], label=y[fit]),
                            num_boost_round=settings.n_estimators)
        aucs.append(roc_auc_score(y[held], booster.predict(xgb.DMatrix(X[held]))))
    assert shift_auc(TRAIN, TEST + 0.3, seed=5) == pytest.approx(float(np.mean(aucs)), abs=1e-12)


def test_the_models_are_those_of_xgboost_train() -> None:
    """Boosting without ``xgb.train``'s callbacks and final copy gives its trees, bit for bit."""
    import xgboost as xgb

    from bench.shift import _boost

    X = np.concatenate([TRAIN, TEST + 0.3]).astype(np.float32)
    y = np.concatenate([np.zeros(len(TRAIN)), np.ones(len(TEST))])
    params = ShiftClassifier().params(seed=7, nthread=1)
    ours = _boost(params, xgb.DMatrix(X, label=y), 8).predict(xgb.DMatrix(X))
    theirs = xgb.train(params, xgb.DMatrix(X, label=y), num_boost_round=8).predict(xgb.DMatrix(X))
    assert np.array_equal(ours, theirs)


def test_roc_auc_equals_scikit_learn_s_with_ties() -> None:
    labels = RNG.integers(0, 2, 300)
    score = np.round(RNG.normal(size=300) + labels, 1)  # rounded: many ties
    assert roc_auc(labels, score) == pytest.approx(roc_auc_score(labels, score), abs=1e-12)


def test_too_few_test_rows_give_none() -> None:
    assert shift_auc(TRAIN, TEST[:1], seed=0) is None


def test_no_columns_give_none() -> None:
    assert shift_auc(np.zeros((10, 0)), np.zeros((10, 0)), seed=0) is None


def test_widths_must_agree() -> None:
    with pytest.raises(ValueError, match="same width, however: \\(400, 4\\) and \\(200, 3\\)"):
        shift_auc(TRAIN, TEST[:, :3], seed=0)


def test_rows_above_the_cap_are_subsampled() -> None:
    small = ShiftClassifier(max_rows=50)
    assert shift_auc(TRAIN, TEST, seed=1, settings=small) != shift_auc(TRAIN, TEST, seed=1)


# -- on shipped data, through `bench run` ----------------------------------------------------

NETWORK = "latent = 4\nhidden = [16]\nepochs = 10\nbatch_size = 64\n"
SHIPPED = f"""
name = "shift"
[run]
folds = 3
seeds = [0]
encoders = ["ae", "dae", "vae", "pca", "rp", "mlp", "mlp_holdout", "mlp_oof", "mlp_naive",
            "shifted"]
feature_sets = ["raw", "emb"]
[xgboost]
n_estimators = 10
max_depth = 2
early_stopping_rounds = 3
[encoders.ae]
{NETWORK}
[encoders.dae]
{NETWORK}
[encoders.vae]
{NETWORK}
[encoders.pca]
latent = 4
[encoders.rp]
latent = 4
[encoders.mlp]
{NETWORK}crossfit_folds = 3
[encoders.mlp_holdout]
type = "mlp"
mode = "holdout"
{NETWORK}
[encoders.mlp_oof]
type = "mlp"
mode = "oof-proba"
{NETWORK}crossfit_folds = 3
[encoders.mlp_naive]
type = "mlp"
mode = "naive"
{NETWORK}
[encoders.shifted]
latent = 2
offset = 1.0
[[datasets]]
source = "embedded"
name = "diabetes"
[[datasets]]
source = "embedded"
name = "vehicle"
[[datasets]]
source = "embedded"
name = "522_pm10"
"""

LEAK_FREE = ["ae", "dae", "vae", "pca", "rp", "mlp", "mlp_holdout", "mlp_oof"]


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201 - (summary, report text)
    with registered_encoder(ShiftedParams, "tests.shifted_encoder:ShiftedEncoder"):
        folder = tmp_path_factory.mktemp("shift")
        out = folder / "run"
        result = CliRunner().invoke(app, ["run", str(write_suite(folder, SHIPPED, name="shift")),
                                          "--out", str(out), "--quiet", "--device", "cpu",
                                          "--threads", "1"])
        assert result.exit_code == 0, result.output
    return shift_summary(load(out)), (out / "report.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("encoder", LEAK_FREE)
def test_leak_free_encoders_stay_at_or_below_the_flag(shipped, encoder: str) -> None:  # noqa: ANN001
    summary, _ = shipped
    assert summary.get(encoder).median <= FLAG_ABOVE


def test_every_fit_has_a_shift_auc(shipped) -> None:  # noqa: ANN001
    summary, _ = shipped
    assert {e.n_fits for e in summary.encoders} == {9}


def test_a_shifted_encoder_is_flagged(shipped) -> None:  # noqa: ANN001
    summary, _ = shipped
    assert [e.encoder for e in summary.flagged if e.encoder == "shifted"] == ["shifted"]


def test_the_report_names_the_shifted_encoder(shipped) -> None:  # noqa: ANN001
    _, report = shipped
    flagged = report.split("## Embedding shift")[1].split("**Flagged**")[1].split("\n")[0]
    assert "`shifted` (" in flagged


def test_the_report_has_the_section(shipped) -> None:  # noqa: ANN001
    _, report = shipped
    assert "## Embedding shift" in report


def test_the_leakage_audit_still_renders(shipped) -> None:  # noqa: ANN001
    _, report = shipped
    assert "Median inflation across datasets: `mlp_naive` vs `mlp` (emb)" in report
