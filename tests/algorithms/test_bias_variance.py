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


def test_true_function_matches_its_formula_at_hand_picked_points():
    # f(x) = sin(3 x0) + 0.5 x1^2 - x0 x1, evaluated by hand with math.sin
    X = np.array([[0.0, 0.0], [1.0, 2.0], [-0.5, -1.0], [0.3, 0.7]])
    expected = [
        0.0,
        np.sin(3.0) + 0.5 * 4 - 2.0,
        np.sin(-1.5) + 0.5 * 1 - 0.5,
        np.sin(0.9) + 0.5 * 0.49 - 0.21,
    ]
    np.testing.assert_allclose(true_function(X), expected, rtol=1e-12)  # same float ops, rounding only


def test_sample_covers_the_square_and_adds_noise_to_f():
    X, y = sample(4000, 0.0, np.random.default_rng(0))
    assert X.shape == (4000, 2) and y.shape == (4000,)
    # Uniform([-1.5, 1.5]^2): 4000 draws reach within 0.01 of each edge, in both coordinates
    assert X.min() >= -1.5 and X.max() <= 1.5
    np.testing.assert_allclose(X.min(0), [-1.5, -1.5], atol=0.01)
    np.testing.assert_allclose(X.max(0), [1.5, 1.5], atol=0.01)
    np.testing.assert_array_equal(y, true_function(X))  # noise_sd = 0: y is f(x) exactly
    X, y = sample(4000, 2.0, np.random.default_rng(1), f=lambda x: np.zeros(len(x)))
    # y is pure N(0, 4) noise: sd within 5% (sampling error of an sd over 4000 draws is ~1.1%)
    assert np.std(y) == pytest.approx(2.0, rel=0.05)


class _PredictsItsIndex:
    """The k-th model built predicts the constant k: predictions 0, 1, ..., R-1 across rounds."""

    def __init__(self, counter):
        self.k = next(counter)

    def fit(self, X, y):
        return self

    def predict(self, X):
        return np.full(len(X), float(self.k))


def test_estimators_on_known_predictions():
    # f = 0 and no noise; the predictions across R rounds are 0..R-1 at every test point, so
    # variance = sample variance of 0..R-1 (ddof=1), bias^2 = mean^2 - variance / R,
    # and the squared error of round r is r^2.
    import itertools

    R = 5
    counter = itertools.count()
    res = decompose(
        lambda: _PredictsItsIndex(counter),
        10,
        R,
        _test_points(n=7),
        0.0,
        np.random.default_rng(0),
        f=lambda x: np.zeros(len(x)),
    )
    r = np.arange(R, dtype=float)
    variance = r.var(ddof=1)  # 2.5
    assert res.variance == pytest.approx(variance, rel=1e-12)
    assert res.bias2 == pytest.approx(r.mean() ** 2 - variance / R, rel=1e-12)
    assert res.noise == 0.0
    assert res.sum == pytest.approx(res.bias2 + res.variance, rel=1e-12)
    assert res.mse == pytest.approx(np.mean(r**2), rel=1e-12)
    assert res.mse_se == pytest.approx(np.std(r**2, ddof=1) / np.sqrt(R), rel=1e-12)


def test_two_rounds_are_enough():
    # the error message says ">= 2": two rounds give a (ddof=1) variance
    res = decompose(DummyRegressor, 10, 2, _test_points(n=5), NOISE, np.random.default_rng(0))
    assert res.noise == NOISE**2


def test_an_oracle_has_only_noise_and_its_mse_se_is_the_chi_square_se():
    # predicting f exactly: bias^2 = variance = 0 and each round's squared error is
    # s^2 * (mean of m squared normals), whose sd is s^2 sqrt(2/m); the se over R rounds
    # divides that by sqrt(R). 30% tolerance: an sd estimated from R = 200 rounds is within ~5%.
    class Oracle:
        def fit(self, X, y):
            return self

        def predict(self, X):
            return true_function(X)

    m, R = 50, 200
    res = decompose(Oracle, 10, R, _test_points(n=m), NOISE, np.random.default_rng(0))
    assert abs(res.bias2) < 1e-20 and res.variance < 1e-20  # float round-off of mean/var of equal values
    assert res.mse == pytest.approx(NOISE**2, rel=0.05)
    assert res.mse_se == pytest.approx(NOISE**2 * np.sqrt(2 / m) / np.sqrt(R), rel=0.3)


def test_a_custom_f_is_used_for_training_data_in_both_modes():
    # f = 3 everywhere and no noise: every training label is 3, so the mean predictor is exact
    three = lambda x: np.full(len(x), 3.0)  # noqa: E731
    for mode in ("fresh", "bootstrap"):
        res = decompose(
            DummyRegressor,
            20,
            3,
            _test_points(n=5),
            0.0,
            np.random.default_rng(0),
            f=three,
            training_sets=mode,
        )
        assert res.bias2 == 0 and res.variance == 0 and res.mse == 0, mode


class _RecordsRows:
    seen: list

    def fit(self, X, y):
        self.seen.append(X)
        return self

    def predict(self, X):
        return np.zeros(len(X))


@pytest.mark.parametrize(("mode", "distinct"), [("fresh", 5 * 60), ("bootstrap", 5)])
def test_bootstrap_resamples_one_training_set_fresh_draws_new_ones(mode, distinct):
    # fresh: R new sets of continuous x, all rows distinct; bootstrap: every row comes from one
    # set of n_train rows, and over 60 rounds each of the 5 rows is drawn (miss chance 0.8^300)
    _RecordsRows.seen = []
    decompose(_RecordsRows, 5, 60, _test_points(n=3), NOISE, np.random.default_rng(0), training_sets=mode)
    rows = np.concatenate(_RecordsRows.seen)
    assert len(rows) == 5 * 60
    assert len(np.unique(rows, axis=0)) == distinct


def test_depth_curve_rows_are_decompose_for_each_depth():
    # each row is decompose() of a depth-d tree with the per-depth generator default_rng([seed, d])
    X_test = _test_points(n=20)
    curve = depth_curve([1, 3], 60, 4, X_test, NOISE, seed=7)
    for d in (1, 3):
        expected = decompose(
            lambda d=d: DecisionTreeRegressor(max_depth=d, random_state=0),
            60,
            4,
            X_test,
            NOISE,
            np.random.default_rng([7, d]),
        )
        assert curve[d] == expected
    assert depth_curve([3], 60, 4, X_test, NOISE, seed=7)[3] == curve[3]  # reproducible


def _cv_mse(X, y, alpha, n_splits=5, seed=0):
    from sklearn.model_selection import KFold, cross_val_score

    scores = cross_val_score(
        DecisionTreeRegressor(ccp_alpha=alpha, random_state=0),
        X,
        y,
        cv=KFold(n_splits, shuffle=True, random_state=seed),
        scoring="neg_mean_squared_error",
    )
    return -scores.mean()


def test_cv_mse_is_k_fold_mse_recomputed_with_sklearn():
    # defaults: 5 shuffled folds with seed 0; each alpha's score is the mean held-out MSE
    X, y = sample(25, NOISE, np.random.default_rng(5))
    alpha, alphas, mse = choose_ccp_alpha(X, y)
    picks = [0, len(alphas) // 2, len(alphas) - 1]
    np.testing.assert_allclose(mse[picks], [_cv_mse(X, y, alphas[i]) for i in picks], rtol=1e-12)
    assert alpha == alphas[np.argmin(mse)]
    _, _, mse3 = choose_ccp_alpha(X, y, n_splits=3, seed=2)
    np.testing.assert_allclose(mse3[-1], _cv_mse(X, y, alphas[-1], 3, 2), rtol=1e-12)


def _noise_data(n):
    rng = np.random.default_rng(0)
    return rng.uniform(size=(n, 1)), rng.normal(size=n)


def test_all_path_alphas_but_the_root_one_are_tried_when_there_are_40():
    X, y = _noise_data(45)
    path = DecisionTreeRegressor(random_state=0).cost_complexity_pruning_path(X, y)
    assert len(path.ccp_alphas) == 41  # precondition of this test
    _, alphas, _ = choose_ccp_alpha(X, y, n_splits=2)
    np.testing.assert_array_equal(alphas, path.ccp_alphas[:-1])


def test_a_longer_path_is_thinned_to_at_most_40_alphas_keeping_both_ends():
    for n in (53, 200):  # 41 candidate alphas for n = 53, many more for n = 200
        X, y = _noise_data(n)
        path = DecisionTreeRegressor(random_state=0).cost_complexity_pruning_path(X, y)
        _, alphas, _ = choose_ccp_alpha(X, y, n_splits=2)
        assert len(alphas) <= 40 < len(path.ccp_alphas) - 1
        assert np.isin(alphas, path.ccp_alphas[:-1]).all() and np.all(np.diff(alphas) > 0)
        assert alphas[0] == 0 and alphas[-1] == path.ccp_alphas[-2], n


def test_a_longer_path_keeps_the_alphas_at_40_log_spaced_positions():
    # with L > 40 candidates the kept positions are floor(L^(i/39)) for i = 0..39 (log-spaced from
    # the first alpha to the last, counted from 1, duplicates dropped); no L^(i/39) here lies within
    # 0.01 of an integer, so rounding down is not a round-off question
    for n in (53, 200):
        X, y = _noise_data(n)
        candidates = DecisionTreeRegressor(random_state=0).cost_complexity_pruning_path(X, y).ccp_alphas[:-1]
        L = len(candidates)
        positions = sorted({int(L ** (i / 39)) for i in range(40)})
        _, alphas, _ = choose_ccp_alpha(X, y, n_splits=2)
        np.testing.assert_array_equal(alphas, candidates[np.array(positions) - 1], err_msg=f"n={n}, L={L}")


def test_the_alphas_are_the_path_of_the_random_state_0_tree_that_the_cv_prunes():
    # inside x0 > 0.5, splitting on x0 < 1.5 or on x1 < 1.5 lowers the squared error by the same
    # amount; the tree's random_state breaks the tie, and the two trees have different pruning paths
    X = np.array([[2, 2], [1, 2], [2, 2], [0, 1], [1, 0], [1, 1], [2, 1]], dtype=float)
    y = np.array([0, 2, 3, 0, 2, 1, 3], dtype=float)
    paths = [
        DecisionTreeRegressor(random_state=s).cost_complexity_pruning_path(X, y).ccp_alphas for s in (0, 1)
    ]
    assert len(paths[0]) != len(paths[1])  # precondition: the tie matters
    for _ in range(10):  # an unseeded tree would pick either side of the tie on each call
        _, alphas, _ = choose_ccp_alpha(X, y, n_splits=2)
        np.testing.assert_array_equal(alphas, paths[0][:-1])
