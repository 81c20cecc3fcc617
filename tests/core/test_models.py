"""The model factory: recipes' settings, early stopping read back against the libraries' own curves."""

import numpy as np
import optuna
import pytest
from sklearn.datasets import make_classification
from sklearn.metrics import log_loss
from sklearn.pipeline import Pipeline

from systems.core import models as M


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(n_samples=600, n_features=8, flip_y=0.3, random_state=0)
    return X[:400], y[:400], X[400:], y[400:]


@pytest.mark.parametrize("name", ["xgboost", "lightgbm"])
def test_early_stopping_rounds_match_the_validation_curve(data, name):
    X, y, Xv, yv = data
    model = M.fit_model(M.make_model(name, seed=0, learning_rate=0.3), name, X, y, Xv, yv)
    best, trained = M.rounds_used(model)
    train_curve, val_curve = M.validation_curve(model)
    assert len(val_curve) == len(train_curve) == trained < M.MAX_ROUNDS, "stopped early"
    # reference: the best round is the curve's minimum, and training ran the patience past it
    assert best == int(np.argmin(val_curve)) + 1, (best, int(np.argmin(val_curve)) + 1)
    assert trained - best == M.EARLY_STOPPING_ROUNDS
    assert train_curve[-1] < train_curve[0] and val_curve[best - 1] < val_curve[0]


def test_xgboost_validation_curve_is_the_log_loss_of_its_own_predictions(data):
    X, y, Xv, yv = data
    model = M.fit_model(M.make_model("xgboost", seed=0, learning_rate=0.3), "xgboost", X, y, Xv, yv)
    _, val_curve = M.validation_curve(model)
    for r in (1, 5, len(val_curve)):
        p = model.predict_proba(Xv, iteration_range=(0, r))[:, 1]
        assert val_curve[r - 1] == pytest.approx(log_loss(yv, p), abs=1e-5), r


def test_churn_recipe_settings():
    xgb = M.make_model("xgboost", seed=3, class_weight="balanced", pos_ratio=4.0)
    assert xgb.get_params()["scale_pos_weight"] == 4.0 and xgb.get_params()["random_state"] == 3
    assert xgb.get_params()["early_stopping_rounds"] == M.EARLY_STOPPING_ROUNDS
    assert xgb.get_params()["n_estimators"] == M.MAX_ROUNDS
    plain = M.make_model("xgboost", seed=0, pos_ratio=4.0, early_stopping=False)
    assert plain.get_params()["scale_pos_weight"] == 1.0, "pos_ratio applies only with balanced weights"
    assert plain.get_params()["early_stopping_rounds"] is None and plain.get_params()["n_estimators"] == 300
    lgb = M.make_model("lightgbm", seed=0, class_weight="balanced", pos_ratio=2.5, n_estimators=50)
    assert lgb.get_params()["scale_pos_weight"] == 2.5 and lgb.get_params()["n_estimators"] == 50
    logreg = M.make_model("logreg", seed=0, class_weight="balanced")
    assert isinstance(logreg, Pipeline) and logreg.steps[0][0] == "standardscaler"
    assert logreg[-1].class_weight == "balanced"
    rf = M.make_model("random_forest", seed=7, class_weight="balanced", n_jobs=2)
    assert (rf.random_state, rf.class_weight, rf.n_jobs) == (7, "balanced", 2)


def test_ensemble_recipe_settings():
    rf = M.make_model("random_forest", seed=5, recipe="ensemble", n_estimators=40)
    assert (rf.n_estimators, rf.random_state, rf.n_jobs) == (40, 5, 1)
    assert M.make_model("xgboost", seed=0, recipe="ensemble").get_params()["n_estimators"] == 200
    cat = M.make_model("catboost", seed=2, recipe="ensemble", n_estimators=30)
    assert cat.get_params()["iterations"] == 30 and cat.get_params()["random_seed"] == 2
    l1 = M.make_model("logreg", seed=0, recipe="ensemble", penalty="l1", solver="saga")
    assert l1[-1].l1_ratio == 1.0 and M.make_model("logreg", seed=0, recipe="ensemble")[-1].l1_ratio == 0.0
    mlp = M.make_model("mlp", seed=0, recipe="ensemble", width=16)
    assert mlp[-1].hidden_layer_sizes == (16, 16, 16)


def test_bad_names_and_combinations_are_refused():
    with pytest.raises(ValueError, match="unknown recipe"):
        M.make_model("xgboost", seed=0, recipe="nope")
    with pytest.raises(ValueError, match="unknown model"):
        M.make_model("svm", seed=0)
    with pytest.raises(ValueError, match="unknown model"):
        M.make_model("svm", seed=0, recipe="ensemble")
    with pytest.raises(ValueError, match="lbfgs"):
        M.make_model("logreg", seed=0, recipe="ensemble", penalty="l1", solver="lbfgs")
    M.check_params("logreg", {"penalty": "l1", "solver": "saga"})  # allowed
    with pytest.raises(ValueError, match="needs X_val"):
        M.fit_model(M.make_model("xgboost", seed=0), "xgboost", np.zeros((4, 2)), np.array([0, 1, 0, 1]))
    with pytest.raises(TypeError, match="no boosting rounds"):
        M.rounds_used(M.make_model("random_forest", seed=0))


def test_suggest_draws_each_kind_within_its_range_in_order():
    space = {"lr": ("float", 1e-3, 1e-1, True), "depth": ("int", 2, 6, False), "kind": ("cat", ["a", "b"])}
    trial = optuna.trial.FixedTrial({"lr": 0.01, "depth": 4, "kind": "b"})
    assert M.suggest(trial, space) == {"lr": 0.01, "depth": 4, "kind": "b"}
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    for _ in range(5):
        p = M.suggest(study.ask(), space)
        assert 1e-3 <= p["lr"] <= 1e-1 and 2 <= p["depth"] <= 6 and p["kind"] in ("a", "b")
        assert list(p) == ["lr", "depth", "kind"]
    with pytest.raises(ValueError, match="unknown parameter kind"):
        M.suggest(trial, {"x": ("bool", 0, 1, False)})
