"""Second-order trees against xgboost's own dumped trees (exact method, eta 1)."""

import json

import numpy as np
import pytest
import xgboost as xgb
from numpy.testing import assert_allclose

from algorithms.boosting import (
    Node,
    SecondOrderBooster,
    best_split,
    build_tree,
    grow_tree,
    leaf_weight,
    logistic_grad_hess,
    predict_tree,
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


def _first_round_grad_hess(y, base_score=0.5):
    return logistic_grad_hess(y, np.full(len(y), np.log(base_score / (1 - base_score))))


def test_tied_feature_values_are_never_split_apart_as_in_xgboost():
    # integer features: many rows share a value, and a split can only fall between distinct values
    rng = np.random.default_rng(0)
    X = rng.integers(0, 4, size=(60, 2)).astype(float)
    y = (X[:, 0] + X[:, 1] + rng.normal(size=60) > 3).astype(float)
    _, trees = _xgb_tree(X, y, 3, 1.0, 0.0, 0.5)
    g, h = _first_round_grad_hess(y)
    _compare(build_tree(X, g, h, 3, 1.0), trees[0])


def test_defaults_are_xgboosts_lambda_1_gamma_0_min_child_weight_1_eta_1():
    X, y = _data(n=40, seed=5)
    _, trees = _xgb_tree(X, y, 4, 1.0, 0.0, 0.5)  # deep enough that min_child_weight binds
    g, h = _first_round_grad_hess(y)
    _compare(build_tree(X, g, h, 4), trees[0])
    _compare(grow_tree(X, g, h, 4), trees[0])  # gamma = 0 prunes nothing
    # gamma = 0 keeps even a weak split: G_L = -1/2, G_R = 1/2, H = 1 each: gain 1/8 + 1/8 - 0
    weak = build_tree(np.array([[0.0], [1.0]]), np.array([-0.5, 0.5]), np.ones(2), 1)
    assert weak.feature == 0 and weak.gain == pytest.approx(0.25)


@pytest.mark.parametrize(("eta", "min_child_weight"), [(0.3, 1.0), (1.0, 3.0), (0.5, 2.0)])
def test_learning_rate_and_min_child_weight_match_xgboost(eta, min_child_weight):
    X, y = _data(n=60, seed=6)
    params = {
        "objective": "binary:logistic",
        "max_depth": 3,
        "eta": eta,
        "min_child_weight": min_child_weight,
        "tree_method": "exact",
        "base_score": 0.5,
        "nthread": 1,
    }
    booster = xgb.train(params, xgb.DMatrix(X, label=y), num_boost_round=3)
    tree0 = json.loads(booster.get_dump(with_stats=True, dump_format="json")[0])
    g, h = _first_round_grad_hess(y)
    _compare(build_tree(X, g, h, 3, eta=eta, min_child_weight=min_child_weight), tree0)
    ours = SecondOrderBooster(3, 3, learning_rate=eta, min_child_weight=min_child_weight).fit(X, y)
    p = booster.predict(xgb.DMatrix(X))
    assert_allclose(ours.predict_proba(X)[:, 1], p, rtol=1e-4, atol=1e-5)  # xgboost works in float32
    np.testing.assert_array_equal(ours.predict(X), (p > 0.5).astype(int))


def test_min_child_weight_is_inclusive():
    # h = 1/4 per row at margin 0, so with min_child_weight = 1/2 only the 2 | 2 split has
    # H >= 1/2 on both sides (xgboost's rule is "skip if H < min_child_weight")
    X, y = np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([0.0, 1.0, 0.0, 1.0])
    g, h = _first_round_grad_hess(y)
    gain, feature, threshold = best_split(X, g, h, 1.0, 0.5)
    assert (feature, threshold) == (0, 1.5)
    assert gain == pytest.approx(xgb_gain(0.0, 0.5, 0.0, 0.5, 1.0))  # G_L = 1/2 - 1/2 = 0
    g2 = np.array([1.0, -1.0, 1.0, 1.0])  # a split with nonzero gain, still only 2 | 2 allowed
    root = build_tree(X, g2, h, 1, reg_lambda=0.0, min_child_weight=0.5)
    assert root.threshold == 1.5 and root.left.H == 0.5 and root.right.H == 0.5


def test_a_constant_feature_is_skipped_and_the_next_one_used():
    X = np.c_[np.zeros(6), np.arange(6.0)]
    g, h = np.array([-1.0, -1, -1, 1, 1, 1]), np.ones(6)
    gain, feature, threshold = best_split(X, g, h, 1.0, 1.0)
    assert (feature, threshold) == (1, 2.5)
    assert gain == pytest.approx(xgb_gain(-3.0, 3.0, 3.0, 3.0, 1.0))  # 9/4 + 9/4 - 0


def test_equal_gains_keep_the_first_feature_as_xgboost_does():
    X, y = _data(n=50, seed=7)
    X = np.c_[X[:, 0], X[:, 0]]  # two identical columns: every split ties
    _, trees = _xgb_tree(X, y, 1, 1.0, 0.0, 0.5)
    assert trees[0]["split"] == "f0"
    g, h = _first_round_grad_hess(y)
    assert best_split(X, g, h, 1.0, 1.0)[1] == 0


def test_two_rows_can_still_be_split():
    # G_L = -1, G_R = 1, H = 1 each, lambda = 0: leaves w* = -G/H = 1 and -1, gain 1 + 1 - 0 = 2
    X, g, h = np.array([[0.0], [1.0]]), np.array([-1.0, 1.0]), np.ones(2)
    root = build_tree(X, g, h, 3, reg_lambda=0.0)
    assert (root.feature, root.threshold, root.gain) == (0, 0.5, 2.0)
    assert (root.left.value, root.right.value) == (1.0, -1.0)
    assert (root.G, root.H) == (0.0, 2.0)


def test_no_split_when_no_split_lowers_the_objective():
    # g = 0 everywhere: every split has gain exactly 0, so the root stays a leaf of weight 0
    X = np.arange(8.0).reshape(-1, 1)
    root = build_tree(X, np.zeros(8), np.ones(8), 3)
    assert root == Node(G=0.0, H=8.0, value=0.0)


def test_a_split_whose_gain_equals_gamma_is_kept():
    # xgboost prunes when its loss change is below gamma, so gain == gamma survives;
    # a pruned split becomes a plain leaf (no feature, no children, gain 0)
    X, g, h = np.array([[0.0], [1.0]]), np.array([-1.0, 1.0]), np.ones(2)
    gain = xgb_gain(-1.0, 1.0, 1.0, 1.0, 1.0)  # 1/2 + 1/2 - 0 = 1
    assert build_tree(X, g, h, 1, gamma=gain).feature == 0
    pruned = build_tree(X, g, h, 1, gamma=gain * 1.01)
    assert (pruned.feature, pruned.left, pruned.right, pruned.gain) == (None, None, None, 0.0)
    assert_allclose(predict_tree(pruned, X), 0.0)  # the root's weight -G / (H + lambda) = 0


def test_a_row_exactly_at_the_threshold_goes_right():
    # xgboost's "yes" branch is x < split_condition
    leaf_l, leaf_r = Node(G=0, H=1, value=-1.0), Node(G=0, H=1, value=1.0)
    tree = Node(G=0, H=2, feature=0, threshold=0.5, left=leaf_l, right=leaf_r)
    assert_allclose(predict_tree(tree, np.array([[0.4], [0.5], [0.6]])), [-1.0, 1.0, 1.0])


def test_classes_and_predictions_are_integer_labels_and_a_zero_margin_is_class_0():
    # a constant feature and one row of each class: G = 1/2 - 1/2 = 0, so every margin is 0
    clf = SecondOrderBooster(n_estimators=2).fit(np.zeros((2, 1)), [0, 1])
    np.testing.assert_array_equal(clf.classes_, [0, 1])
    assert_allclose(clf.decision_function(np.zeros((3, 1))), 0.0)
    pred = clf.predict(np.zeros((3, 1)))
    assert pred.dtype.kind == "i" and pred.tolist() == [0, 0, 0]  # "1 where the margin is positive"


def test_bad_labels_message_lists_the_first_five_values():
    X = np.zeros((7, 1))
    with pytest.raises(ValueError, match=r"got \[0\. 1\. 2\. 3\. 4\.\]$"):
        SecondOrderBooster().fit(X, np.arange(7.0))


def test_a_split_between_adjacent_floats_sends_the_left_value_left():
    # 1.0 and the next float up: their midpoint rounds onto 1.0, and a threshold of 1.0 with the
    # rule x < threshold would send the left row right, unlike the split whose gain was computed
    a = 1.0
    b = np.nextafter(a, 2.0)
    X = np.array([[a], [b]])
    g, h = np.array([-1.0, 1.0]), np.ones(2)
    _, f, thr = best_split(X, g, h, reg_lambda=1.0, min_child_weight=0.0)
    assert f == 0 and a < thr <= b, thr
    tree = grow_tree(X, g, h, max_depth=1, reg_lambda=1.0, min_child_weight=0.0)
    # each row alone in its leaf: w* = -g / (h + lambda) = +-1/2
    assert_allclose(predict_tree(tree, X), [0.5, -0.5], rtol=0, atol=1e-12)


def test_no_trees_gives_the_base_margin_for_every_row():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(5, 2)), np.array([0, 1, 1, 0, 1])
    model = SecondOrderBooster(n_estimators=0, base_score=0.6).fit(X, y)
    # no trees: every row's margin is logit(base_score) = log(0.6 / 0.4)
    assert_allclose(model.decision_function(X), np.full(5, np.log(1.5)), rtol=1e-12)
    assert model.predict_proba(X).shape == (5, 2)


def test_no_valid_split_gives_minus_infinity_and_a_negative_feature():
    # one distinct x value: no boundary to split at; grow_tree reads a feature < 0 as "no split"
    X, g, h = np.ones((4, 2)), np.array([-1.0, 1.0, -1.0, 1.0]), np.ones(4)
    gain, feature, _ = best_split(X, g, h, 1.0, 1.0)
    assert gain == -np.inf and feature < 0


def test_a_gain_of_exactly_1e_6_is_not_split_as_in_xgboost():
    # xgboost's exact updater applies a split only if its loss change is > kRtEps (1e-6), strictly.
    # Two rows, g = +-a, h = 1, lambda = 1: gain = a^2/2 + a^2/2 - 0 = a^2; 1e-3 * 1e-3 is 1e-6 in float64
    a = 1e-3
    X, g, h = np.array([[0.0], [1.0]]), np.array([a, -a]), np.ones(2)
    assert best_split(X, g, h, 1.0, 1.0)[0] == 1e-6  # precondition: the gain is exactly 1e-6
    assert grow_tree(X, g, h, max_depth=1, reg_lambda=1.0, min_child_weight=1.0).feature is None
    assert grow_tree(X, 1.01 * g, h, max_depth=1, reg_lambda=1.0, min_child_weight=1.0).feature == 0


def test_float32_input_is_routed_by_its_float64_value():
    # rows 1.0 and 1.0 + 1e-9 (float64) split at 1.0 + 5e-10, which rounds to 1.0 in float32; the
    # float32 number 1.0 is the float64 number 1.0, so it must fall left of the split as in training
    # (numpy compares a float32 array with a Python float in float32, so X must be cast first)
    X = np.array([[1.0], [1.0 + 1e-9]])
    model = SecondOrderBooster(n_estimators=1, max_depth=1, min_child_weight=0.0).fit(X, [0, 1])
    assert model.trees_[0].feature == 0  # precondition: the one tree splits the two rows
    X_test = np.array([[1.0]])
    assert_allclose(model.decision_function(X_test.astype(np.float32)), model.decision_function(X_test))
