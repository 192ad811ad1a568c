"""bench.encoders.params: every encoder's parameters, declared once, checked torch-free, and
handled the scikit-learn way (get_params/set_params, clone, Pipeline)."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import fields

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from bench.encoders import make_encoder
from bench.encoders.params import (
    MAX_EPOCHS,
    MAX_LAYERS,
    MAX_PATIENCE,
    MAX_WIDTH,
    AEParams,
    DAEParams,
    MLPParams,
    NetworkParams,
    PCAParams,
    RPParams,
    VAEParams,
)
from bench.errors import EncoderError

NETWORKS = [AEParams, DAEParams, VAEParams, MLPParams]
ALL = [*NETWORKS, PCAParams, RPParams]


def _invalid(cls, **params) -> str:
    with pytest.raises(EncoderError) as info:
        cls(**params).validate_params()
    return str(info.value)


# -- declared once ---------------------------------------------------------------------------

@pytest.mark.parametrize("cls", NETWORKS)
def test_every_network_takes_the_shared_parameters(cls) -> None:
    shared = {f.name for f in fields(NetworkParams)}
    assert shared <= set(cls.param_names())


@pytest.mark.parametrize("cls", NETWORKS)
def test_shared_defaults_are_the_same_for_every_network(cls) -> None:
    shared = NetworkParams().get_params()
    assert {k: v for k, v in cls().get_params().items() if k in shared} == shared


@pytest.mark.parametrize("cls", ALL)
def test_parameters_are_keyword_only(cls) -> None:
    with pytest.raises(TypeError):
        cls(3)


@pytest.mark.parametrize("cls", ALL)
def test_defaults_are_valid(cls) -> None:
    cls().validate_params()


def test_mlp_default_mode_is_crossfit() -> None:
    assert MLPParams().mode == "crossfit"


def test_unsupervised_encoders_have_the_empty_mode() -> None:
    assert PCAParams().mode == ""


# -- bounds ----------------------------------------------------------------------------------

def test_epochs_above_the_cap_are_refused() -> None:
    assert _invalid(AEParams, epochs=MAX_EPOCHS + 1) == (
        f"encoder 'ae': epochs must be between 1 and {MAX_EPOCHS}, however: {MAX_EPOCHS + 1}")


def test_patience_above_the_cap_is_refused() -> None:
    assert "patience must be between 1 and" in _invalid(MLPParams, patience=MAX_PATIENCE + 1)


def test_a_layer_wider_than_the_cap_is_refused() -> None:
    assert "set allow_large = true" in _invalid(AEParams, hidden=[MAX_WIDTH + 1])


def test_too_many_layers_are_refused() -> None:
    assert "set allow_large = true" in _invalid(AEParams, hidden=[4] * (MAX_LAYERS + 1))


def test_allow_large_lifts_the_epoch_cap() -> None:
    AEParams(epochs=MAX_EPOCHS + 1, allow_large=True).validate_params()


def test_allow_large_lifts_the_width_cap() -> None:
    AEParams(hidden=[MAX_WIDTH + 1] * (MAX_LAYERS + 1), allow_large=True).validate_params()


def test_allow_large_keeps_the_lower_bounds() -> None:
    assert "epochs must be" in _invalid(AEParams, epochs=0, allow_large=True)


def test_allow_large_must_be_a_bool() -> None:
    assert "allow_large must be true or false" in _invalid(AEParams, allow_large="yes")


def test_a_bool_is_not_an_integer() -> None:
    assert "latent must be an integer, however: True" in _invalid(PCAParams, latent=True)


def test_numpy_integers_are_integers() -> None:
    PCAParams(latent=np.int64(3)).validate_params()


def test_hidden_must_hold_positive_integers() -> None:
    assert "hidden must be a list of positive integers" in _invalid(AEParams, hidden=[8, 0])


def test_an_unknown_choice_lists_the_choices() -> None:
    assert "activation must be one of relu, gelu, silu, tanh" in _invalid(AEParams, activation="elu")


def test_a_dae_needs_noise() -> None:
    assert "needs noise" in _invalid(DAEParams, swap_noise=0.0, gaussian_noise=0.0)


def test_a_negative_random_state_is_refused() -> None:
    assert "random_state must be between 0 and" in _invalid(RPParams, random_state=-1)


def test_holdout_restricts_rows() -> None:
    assert MLPParams(mode="holdout").restricts_rows()


def test_crossfit_does_not_restrict_rows() -> None:
    assert not MLPParams().restricts_rows()


# -- scikit-learn protocol -------------------------------------------------------------------

def test_get_params_lists_every_constructor_parameter() -> None:
    assert sorted(PCAParams().get_params()) == sorted(
        ["random_state", "device", "latent", "scaling", "clip_latent", "whiten"])


def test_get_params_deep_is_the_same_as_shallow() -> None:
    params = MLPParams(latent=3)
    assert params.get_params(deep=True) == params.get_params(deep=False)


def test_set_params_returns_the_object() -> None:
    params = AEParams()
    assert params.set_params(latent=5) is params


def test_set_params_sets_the_value() -> None:
    assert AEParams().set_params(latent=5).latent == 5


def test_set_params_refuses_an_unknown_name() -> None:
    with pytest.raises(EncoderError, match=r"unknown parameter\(s\) \['latnet'\]; valid: "):
        AEParams().set_params(latnet=5)


def test_equality_is_identity() -> None:
    """Two fitted encoders with the same parameters are still two encoders."""
    assert AEParams() != AEParams()


@pytest.mark.parametrize("cls", ALL)
def test_clone_of_a_parameter_object_keeps_its_parameters(cls) -> None:
    params = cls(latent=3, random_state=7)
    assert clone(params).get_params() == params.get_params()


def test_clone_of_an_encoder_is_an_unfitted_copy() -> None:
    X = pd.DataFrame({"a": [0.0, 1.0, 2.0, 4.0], "b": [1.0, 0.0, 1.0, 3.0]})
    encoder = make_encoder("pca", {"latent": 1}).fit(X)
    assert not hasattr(clone(encoder), "n_embedding_")


def test_encoder_inside_a_pipeline_transforms_like_the_encoder_alone() -> None:
    X = pd.DataFrame({"a": [0.0, 1.0, 2.0, 4.0, 3.0], "b": [1.0, 0.0, 1.0, 3.0, 2.0]})
    pipe = Pipeline([("id", FunctionTransformer(validate=False)),
                     ("pca", make_encoder("pca", {"latent": 1}))])
    np.testing.assert_array_equal(pipe.fit_transform(X),
                                  make_encoder("pca", {"latent": 1}).fit_transform(X))


def test_pipeline_set_params_reaches_the_encoder() -> None:
    pipe = Pipeline([("pca", make_encoder("pca", {"latent": 1}))]).set_params(pca__latent=2)
    assert pipe.named_steps["pca"].latent == 2


def test_validating_parameters_never_imports_torch() -> None:
    code = ("import sys; from bench.encoders.params import MLPParams; "
            "MLPParams(mode='holdout').validate_params(); print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
