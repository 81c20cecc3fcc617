"""Second-order trees against xgboost's own dumped trees (exact method, eta 1)."""

import json

import numpy as np
import pytest
import xgboost as xgb
from numpy.testing import assert_allclose

from algorithms.boosting import (
    SecondOrderBooster,
    build_tree,
    leaf_weight,
    logistic_grad_hess,
    split_gain,
    xgb_gain,
)


def _data(n=200, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    y = (X[:, 0] + 0.5 * X[:, 1] ** 2 + 0.3 * rng.normal(size=n) > 0.5).astype(float)
    return X, y


def _xgb_tree(X, y, max_depth, reg_lambda, gamma, base_score, min_child_weight=1.0, rounds=1):
    params = {
        "objective": "binary:logistic",
        "max_depth": max_depth,
        "eta": 1.0,
        "reg_lambda": reg_lambda,
        "gamma": gamma,
        "base_score": base_score,
        "tree_method": "exact",
        "min_child_weight": min_child_weight,
        "nthread": 1,
    }
    booster = xgb.train(params, xgb.DMatrix(X, label=y), num_boost_round=rounds)
    return booster, [json.loads(t) for t in booster.get_dump(with_stats=True, dump_format="json")]


def _compare(ours, ref, path="root"):
    if "leaf" in ref:
        assert ours.feature is None, f"{path}: xgboost has a leaf, ours splits on f{ours.feature}"
        assert_allclose(ours.value, ref["leaf"], rtol=1e-5, atol=1e-6, err_msg=f"{path}: leaf value")
        assert_allclose(ours.H, ref["cover"], rtol=1e-5, err_msg=f"{path}: cover (sum of h)")
        return
    assert ours.feature == int(ref["split"][1:]), f"{path}: feature ours f{ours.feature} vs {ref['split']}"
    assert_allclose(
        ours.threshold, ref["split_condition"], rtol=1e-6, atol=1e-6, err_msg=f"{path}: threshold"
    )
    assert_allclose(ours.gain, ref["gain"], rtol=1e-5, err_msg=f"{path}: gain (xgboost convention)")
    kids = {c["nodeid"]: c for c in ref["children"]}
    _compare(ours.left, kids[ref["yes"]], path + "/L")
    _compare(ours.right, kids[ref["no"]], path + "/R")


@pytest.mark.parametrize("max_depth", [1, 2])
@pytest.mark.parametrize("reg_lambda", [0.0, 1.0, 5.0])
@pytest.mark.parametrize("base_score", [0.5, 0.3])
def test_first_tree_matches_xgboost(max_depth, reg_lambda, base_score):
    X, y = _data()
    _, trees = _xgb_tree(X, y, max_depth, reg_lambda, 0.0, base_score)
    margin = np.full(len(y), np.log(base_score / (1 - base_score)))
    g, h = logistic_grad_hess(y, margin)
    _compare(build_tree(X, g, h, max_depth, reg_lambda), trees[0])


@pytest.mark.parametrize("gamma", [5.0, 10.0, 30.0, 200.0])
def test_gamma_pruning_matches_xgboost(gamma):
    X, y = _data(seed=1)
    _, trees = _xgb_tree(X, y, 2, 1.0, gamma, 0.5)
    g, h = logistic_grad_hess(y, np.zeros(len(y)))
    _compare(build_tree(X, g, h, 2, 1.0, gamma=gamma), trees[0])


def test_several_rounds_match_xgboost_predictions():
    X, y = _data(seed=2)
    booster, _ = _xgb_tree(X, y, 2, 1.0, 0.0, 0.5, rounds=4)
    ours = SecondOrderBooster(n_estimators=4, max_depth=2, learning_rate=1.0).fit(X, y)
    assert_allclose(
        ours.predict_proba(X)[:, 1],
        booster.predict(xgb.DMatrix(X)),
        rtol=1e-4,
        atol=1e-5,
        err_msg="4 rounds: ours vs xgboost probabilities",
    )


def test_grad_hess_are_derivatives_of_logloss():
    rng = np.random.default_rng(3)
    y, F = rng.integers(0, 2, 20).astype(float), rng.normal(size=20)

    def loss(F):
        return -(y * np.log(1 / (1 + np.exp(-F))) + (1 - y) * np.log(1 - 1 / (1 + np.exp(-F))))

    eps = 1e-5
    g, h = logistic_grad_hess(y, F)
    assert_allclose(g, (loss(F + eps) - loss(F - eps)) / (2 * eps), rtol=1e-6, atol=1e-9)
    assert_allclose(h, (loss(F + eps) - 2 * loss(F) + loss(F - eps)) / eps**2, rtol=1e-4, atol=1e-7)


def test_leaf_weight_minimises_the_leaf_objective():
    G, H, lam = 3.0, 2.0, 1.5
    w = leaf_weight(G, H, lam)
    grid = np.linspace(w - 1, w + 1, 2001)
    obj = G * grid + 0.5 * (H + lam) * grid**2
    assert grid[np.argmin(obj)] == pytest.approx(w, abs=1e-3)
    # the gain is the drop in the optimal objective -1/2 G^2 / (H + lambda) from splitting
    GL, HL, GR, HR = 2.0, 1.0, 1.0, 1.0

    def best(G, H):
        return -0.5 * G**2 / (H + lam)

    drop = best(GL + GR, HL + HR) - best(GL, HL) - best(GR, HR)
    assert split_gain(GL, HL, GR, HR, lam) == pytest.approx(drop)
    assert xgb_gain(GL, HL, GR, HR, lam) == pytest.approx(2 * split_gain(GL, HL, GR, HR, lam))


def test_bad_input():
    X, y = _data(n=20)
    with pytest.raises(ValueError, match="only 0 and 1"):
        SecondOrderBooster().fit(X, y + 2)
    with pytest.raises(ValueError, match="finite"):
        SecondOrderBooster().fit(np.where(X > 1, np.nan, X), y)
    with pytest.raises(ValueError, match="one row per label"):
        SecondOrderBooster().fit(X, y[:-1])
    with pytest.raises(ValueError, match="base_score"):
        SecondOrderBooster(base_score=1.0).fit(X, y)


def test_split_gain_with_gamma_is_the_drop_in_the_regularised_objective():
    """Obj* = -1/2 sum_leaves G^2 / (H + lambda) + gamma T: a split turns one leaf into two,
    so gain = Obj*(parent, T=1) - Obj*(children, T=2), which carries -gamma."""
    GL, HL, GR, HR, lam, gamma = 2.0, 1.0, -1.0, 3.0, 0.5, 0.7

    def obj(leaves):
        return sum(-0.5 * G**2 / (H + lam) for G, H in leaves) + gamma * len(leaves)

    drop = obj([(GL + GR, HL + HR)]) - obj([(GL, HL), (GR, HR)])
    assert split_gain(GL, HL, GR, HR, lam, gamma) == pytest.approx(drop, rel=1e-12)


def test_predict_proba_both_columns_match_xgboost():
    X, y = _data(seed=4)
    booster, _ = _xgb_tree(X, y, 2, 1.0, 0.0, 0.5, rounds=3)
    ours = SecondOrderBooster(n_estimators=3, max_depth=2, learning_rate=1.0).fit(X.tolist(), y.tolist())
    p = booster.predict(xgb.DMatrix(X))
    assert_allclose(
        ours.predict_proba(X.tolist()),
        np.c_[1 - p, p],
        rtol=1e-4,
        atol=1e-5,
        err_msg="[P(y=0), P(y=1)]: ours vs xgboost",
    )


def test_hyperparameter_bounds_and_messages():
    X, y = _data(n=30)
    SecondOrderBooster(n_estimators=1, reg_lambda=0.0).fit(X, y)  # lambda = 0 is allowed
    SecondOrderBooster(n_estimators=1, reg_lambda=0.5).fit(X, y)
    with pytest.raises(ValueError, match=r"^reg_lambda must be >= 0, got -1.0$"):
        SecondOrderBooster(reg_lambda=-1.0).fit(X, y)
    with pytest.raises(ValueError, match=r"^base_score must be a probability in \(0, 1\), got 0.0$"):
        SecondOrderBooster(base_score=0.0).fit(X, y)
    with pytest.raises(ValueError, match=r"^X and y must be finite \(no NaN or inf\)$"):
        SecondOrderBooster().fit(np.where(X > 1, np.inf, X), y)
    with pytest.raises(ValueError, match=r"^y must hold only 0 and 1 for log-loss, got \[2\. 3\.\]$"):
        SecondOrderBooster().fit(X, y + 2)
