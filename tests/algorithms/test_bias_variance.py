"""Bias-variance decomposition, 2^d leaves and cost-complexity pruning."""

import numpy as np
import pytest
from sklearn.dummy import DummyRegressor
from sklearn.tree import DecisionTreeRegressor

from algorithms.bias_variance import (
    choose_ccp_alpha,
    decompose,
    depth_curve,
    leaf_risk,
    sample,
    true_function,
)

NOISE = 0.5


def _test_points(seed=0, n=100):
    return sample(n, NOISE, np.random.default_rng(seed))[0]


def test_decomposition_of_a_constant_model_matches_theory():
    # h_D = mean of y in D: variance = Var(y) / n, bias^2 = mean over x of (f(x) - E f)^2
    rng = np.random.default_rng(1)
    X_test = _test_points()
    n_train = 50
    big = sample(200_000, NOISE, np.random.default_rng(2))[1]
    res = decompose(DummyRegressor, n_train, 400, X_test, NOISE, rng)
    assert res.variance == pytest.approx(big.var() / n_train, rel=0.15)
    assert res.bias2 == pytest.approx(np.mean((true_function(X_test) - big.mean()) ** 2), rel=0.05)


@pytest.mark.parametrize("depth", [1, 4, 12])
def test_terms_add_up_to_measured_mse(depth):
    res = decompose(
        lambda: DecisionTreeRegressor(max_depth=depth, random_state=0),
        300,
        60,
        _test_points(),
        NOISE,
        np.random.default_rng(depth),
    )
    assert abs(res.sum - res.mse) < 4 * res.mse_se, res


def test_depth_trades_bias_for_variance():
    curve = depth_curve([1, 6, 14], 400, 30, _test_points(), NOISE, seed=0)
    assert list(curve) == [1, 6, 14]
    rows = list(curve.values())
    bias = [r.bias2 for r in rows]
    var = [r.variance for r in rows]
    assert bias[0] > bias[1] > 0 and bias[2] < bias[0] / 10, bias
    assert var[2] > var[1], var
    assert rows[1].mse < min(rows[0].mse, rows[2].mse), "middle depth should win"


def test_bootstrap_option_runs_and_differs_from_fresh():
    args = (lambda: DecisionTreeRegressor(max_depth=4, random_state=0), 200, 20, _test_points(), NOISE)
    fresh = decompose(*args, np.random.default_rng(0))
    boot = decompose(*args, np.random.default_rng(0), training_sets="bootstrap")
    assert boot.variance > 0 and boot.bias2 != fresh.bias2


@pytest.mark.parametrize("depth", range(1, 9))
def test_depth_d_tree_has_at_most_2_to_the_d_leaves(depth):
    X, y = sample(2000, NOISE, np.random.default_rng(depth))
    tree = DecisionTreeRegressor(max_depth=depth, random_state=0).fit(X, y)
    assert tree.get_n_leaves() <= 2**depth
    assert tree.get_depth() <= depth


def test_pruning_path_objective():
    X, y = sample(300, NOISE, np.random.default_rng(3))
    path = DecisionTreeRegressor(random_state=0).cost_complexity_pruning_path(X, y)
    for a, total in list(zip(path.ccp_alphas, path.impurities, strict=True))[::25]:
        pruned = DecisionTreeRegressor(ccp_alpha=a, random_state=0).fit(X, y)
        # sum_t R(t) over the pruned tree's leaves is sklearn's impurity at that alpha ...
        assert leaf_risk(pruned) == pytest.approx(total, rel=1e-9, abs=1e-12)
        # ... and R_alpha(T) = sum R(t) + alpha |T| is no larger than for the full tree
        full = DecisionTreeRegressor(random_state=0).fit(X, y)
        assert leaf_risk(pruned) + a * pruned.get_n_leaves() <= (
            leaf_risk(full) + a * full.get_n_leaves() + 1e-12
        )


def test_cv_chooses_a_pruned_tree():
    X, y = sample(300, NOISE, np.random.default_rng(4))
    alpha, alphas, mse = choose_ccp_alpha(X, y, seed=0)
    assert alpha > 0 and alpha in alphas
    assert mse.min() < mse[0], "CV should prefer pruning to the unpruned tree on noisy data"


def test_bad_arguments():
    with pytest.raises(ValueError, match="n_rounds"):
        decompose(DummyRegressor, 10, 1, _test_points(), NOISE, np.random.default_rng(0))
    with pytest.raises(ValueError, match="training_sets"):
        decompose(DummyRegressor, 10, 5, _test_points(), NOISE, np.random.default_rng(0), training_sets="x")
