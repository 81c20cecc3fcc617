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


@pytest.mark.parametrize("space", [*M.SPACES.values(), *M.CHURN_SPACES.values()])
def test_suggest_declares_each_spaces_range_and_log_scale_to_optuna(space):
    trial = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0)).ask()
    M.suggest(trial, space)
    for name, spec in space.items():
        kind, dist = spec[0], trial.distributions[name]
        if kind == "float":
            assert dist == optuna.distributions.FloatDistribution(spec[1], spec[2], log=spec[3]), name
        elif kind == "int":
            assert dist == optuna.distributions.IntDistribution(spec[1], spec[2], log=spec[3]), name
        else:
            assert dist == optuna.distributions.CategoricalDistribution(spec[1]), name


def test_lbfgs_with_l1_error_names_the_fix():
    with pytest.raises(ValueError) as err:
        M.check_params("logreg", {"penalty": "l1", "solver": "lbfgs"})
    assert str(err.value) == "logreg: solver lbfgs supports only the l2 penalty; use saga for l1"


def _has(params, expected):
    """The entries of ``expected`` that differ in ``params`` (empty when all reached the library)."""
    return {k: (params.get(k), v) for k, v in expected.items() if params.get(k) != v}


def test_churn_recipe_reaches_the_boosters_and_params_override_it():
    xgb = M.make_model("xgboost", seed=4, max_depth=3).get_params()
    fixed = {"tree_method": "hist", "eval_metric": "logloss", "n_jobs": 1, "verbosity": 0, "random_state": 4}
    assert not _has(xgb, M.RECIPES["churn"]["xgboost"] | {"max_depth": 3} | fixed)
    lgb = M.make_model("lightgbm", seed=4, num_leaves=7).get_params()
    fixed = {"n_jobs": 1, "verbose": -1, "random_state": 4, "n_estimators": M.MAX_ROUNDS}
    assert not _has(lgb, M.RECIPES["churn"]["lightgbm"] | {"num_leaves": 7} | fixed)
    # defaults: one thread, and a positive weight of 1 unless a pos_ratio is given
    assert M.make_model("xgboost", seed=0, class_weight="balanced").get_params()["scale_pos_weight"] == 1.0
    assert M.make_model("random_forest", seed=0).n_jobs == 1


def test_churn_recipe_reaches_the_sklearn_models():
    rf = M.make_model("random_forest", seed=0).get_params()
    assert not _has(rf, M.RECIPES["churn"]["random_forest"])
    logreg = M.make_model("logreg", seed=0)[-1]
    assert (logreg.C, logreg.max_iter) == (1.0, 2000)
    assert M.make_model("logreg", seed=0, C=0.1)[-1].C == 0.1


def test_ensemble_recipe_reaches_every_family():
    xgb = M.make_model("xgboost", seed=6, recipe="ensemble", max_depth=4).get_params()
    assert not _has(xgb, M.RECIPES["ensemble"]["xgboost"] | {"max_depth": 4, "n_jobs": 1, "random_state": 6})
    lgb = M.make_model("lightgbm", seed=6, recipe="ensemble", num_leaves=9).get_params()
    want = M.RECIPES["ensemble"]["lightgbm"] | {"num_leaves": 9, "n_jobs": 1, "random_state": 6}
    assert not _has(lgb, want | {"n_estimators": 200})
    cat = M.make_model("catboost", seed=6, recipe="ensemble", depth=5).get_params()
    assert not _has(cat, M.RECIPES["ensemble"]["catboost"] | {"depth": 5, "thread_count": 1})
    logreg = M.make_model("logreg", seed=6, recipe="ensemble", C=0.5, solver="saga")[-1].get_params()
    assert not _has(logreg, {"max_iter": 1000, "tol": 1e-3, "C": 0.5, "solver": "saga", "random_state": 6})
    mlp = M.make_model("mlp", seed=6, recipe="ensemble", alpha=0.01, max_iter=50)[-1].get_params()
    assert not _has(mlp, {"early_stopping": True, "alpha": 0.01, "max_iter": 50, "random_state": 6})


def test_plain_fits_use_the_training_rows_only(data, capsys):
    X, y, Xv, yv = data
    # logreg ignores a validation set: same coefficients as the pipeline fitted directly
    logreg = M.fit_model(M.make_model("logreg", seed=0), "logreg", X, y, Xv, yv)
    direct = M.make_model("logreg", seed=0).fit(X, y)
    np.testing.assert_allclose(logreg[-1].coef_, direct[-1].coef_, rtol=1e-12)  # same solver, same data
    # xgboost without early stopping needs no validation set, and fitting prints nothing
    xgb = M.fit_model(M.make_model("xgboost", seed=0, early_stopping=False, n_estimators=5), "xgboost", X, y)
    assert xgb.get_booster().num_boosted_rounds() == 5
    M.fit_model(M.make_model("xgboost", seed=0, n_estimators=5), "xgboost", X, y, Xv, yv)
    M.fit_model(M.make_model("lightgbm", seed=0, learning_rate=0.3), "lightgbm", X, y, Xv, yv)
    assert capsys.readouterr().out == ""


def test_xgboost_without_a_validation_set_error_says_what_is_needed():
    with pytest.raises(ValueError) as err:
        M.fit_model(M.make_model("xgboost", seed=0), "xgboost", np.zeros((4, 2)), np.array([0, 1, 0, 1]))
    assert str(err.value) == "xgboost with early stopping needs X_val, y_val"
    with pytest.raises(TypeError, match="^RandomForestClassifier has no boosting rounds$"):
        M.rounds_used(M.make_model("random_forest", seed=0))


def test_lightgbm_train_curve_is_the_log_loss_of_its_own_training_predictions(data):
    X, y, Xv, yv = data
    model = M.fit_model(M.make_model("lightgbm", seed=0, learning_rate=0.3), "lightgbm", X, y, Xv, yv)
    train_curve, val_curve = M.validation_curve(model)
    best, _ = M.rounds_used(model)  # LightGBM keeps the trees up to the best round only
    for r in (1, 2, best):
        p_train = model.predict_proba(X, num_iteration=r)[:, 1]
        p_val = model.predict_proba(Xv, num_iteration=r)[:, 1]
        # tolerance: LightGBM accumulates the metric in float64 from the same raw scores
        assert train_curve[r - 1] == pytest.approx(log_loss(y, p_train), abs=1e-6), r
        assert val_curve[r - 1] == pytest.approx(log_loss(yv, p_val), abs=1e-6), r


def test_rounds_used_reads_a_lightgbm_fitted_with_only_a_validation_set(data):
    import lightgbm as lgb

    X, y, Xv, yv = data
    model = lgb.LGBMClassifier(n_estimators=300, learning_rate=0.3, verbose=-1, n_jobs=1)
    model.fit(X, y, eval_X=(Xv,), eval_y=(yv,), callbacks=[lgb.early_stopping(10, verbose=False)])
    curve = model.evals_result_["valid_0"]["binary_logloss"]
    assert M.rounds_used(model) == (int(np.argmin(curve)) + 1, len(curve))


def test_rounds_used_of_a_lightgbm_fitted_without_an_eval_set_counts_its_trees(data):
    import lightgbm as lgb

    X, y, _, _ = data
    model = lgb.LGBMClassifier(n_estimators=7, verbose=-1, n_jobs=1).fit(X, y)
    # no early stopping: every round is used; the dumped model has one tree per round
    assert M.rounds_used(model) == (7, 7) == (len(model.booster_.dump_model()["tree_info"]),) * 2
