"""L1 / L2 / Elastic Net against scikit-learn, and what each penalty does along a path."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.linear_model import ElasticNet, Lasso, Ridge

from algorithms.regularization import (
    elastic_net,
    lasso_alpha_max,
    regularisation_path,
    ridge,
    soft_threshold,
)


def _data(n=80, d=8, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    w = np.r_[3.0, -2.0, 1.5, np.zeros(d - 3)]
    return X, X @ w + 1.0 + 0.5 * rng.normal(size=n)


@pytest.mark.parametrize("alpha", [0.0, 0.5, 10.0])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_ridge_matches_sklearn(alpha, fit_intercept):
    X, y = _data()
    w, b = ridge(X, y, alpha, fit_intercept)
    ref = Ridge(alpha=alpha, fit_intercept=fit_intercept, solver="cholesky").fit(X, y)
    assert_allclose(w, ref.coef_, rtol=1e-8, atol=1e-10, err_msg="ridge coef: ours vs sklearn")
    assert b == pytest.approx(ref.intercept_, abs=1e-8)


@pytest.mark.parametrize("alpha", [0.01, 0.1, 0.5, 2.0])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5, 0.1])
def test_coordinate_descent_matches_sklearn(alpha, l1_ratio):
    X, y = _data(seed=1)
    w, b, _ = elastic_net(X, y, alpha, l1_ratio)
    Ref = Lasso(alpha=alpha) if l1_ratio == 1.0 else ElasticNet(alpha=alpha, l1_ratio=l1_ratio)
    ref = Ref.set_params(tol=1e-12, max_iter=100_000).fit(X, y)
    assert_allclose(w, ref.coef_, atol=1e-7, err_msg="coordinate descent: ours vs sklearn")
    assert b == pytest.approx(ref.intercept_, abs=1e-7)
    assert ((w == 0) == (ref.coef_ == 0)).all(), "exact zeros differ"


def test_coordinate_descent_satisfies_subgradient_conditions():
    # optimality of the Lasso: (1/n) x_j^T r = alpha sign(w_j) if w_j != 0, |.| <= alpha if w_j = 0
    X, y = _data(seed=2)
    alpha = 0.3
    w, b, _ = elastic_net(X, y, alpha)
    corr = X.T @ (y - X @ w - b) / len(y)
    nz = w != 0
    assert_allclose(corr[nz], alpha * np.sign(w[nz]), atol=1e-8)
    assert (np.abs(corr[~nz]) <= alpha + 1e-8).all()


def test_soft_threshold():
    assert_allclose(soft_threshold(np.array([-3.0, -0.5, 0.0, 0.5, 3.0]), 1.0), [-2, 0, 0, 0, 2])


def test_l1_zeros_weights_l2_only_shrinks():
    X, y = _data(d=10, seed=3)
    alphas = np.geomspace(lasso_alpha_max(X, y), 1e-3, 20)
    lasso, ridge_path = regularisation_path(X, y, alphas, "lasso"), regularisation_path(X, y, alphas, "ridge")
    zeros_l1, zeros_l2 = (lasso == 0).sum(1), (ridge_path == 0).sum(1)
    assert zeros_l1[0] == 10 and zeros_l1[-1] < 10 and (zeros_l2 == 0).all()
    norms = np.linalg.norm(ridge_path, axis=1)
    assert (np.diff(norms) > 0).all(), "ridge norm must grow as alpha falls"
    # just above alpha_max, Lasso is all zeros; just below, one weight enters
    assert (elastic_net(X, y, 1.0001 * alphas[0])[0] == 0).all()
    assert (elastic_net(X, y, 0.99 * alphas[0])[0] != 0).sum() == 1


def test_elastic_net_keeps_correlated_pair_lasso_picks_one():
    rng = np.random.default_rng(4)
    n = 200
    z = rng.normal(size=n)
    X = np.c_[z + 0.01 * rng.normal(size=n), z + 0.01 * rng.normal(size=n), rng.normal(size=(n, 3))]
    y = 2 * z + 0.5 * rng.normal(size=n)
    assert abs(np.corrcoef(X[:, 0], X[:, 1])[0, 1]) > 0.999  # near-copies: see the module docstring
    lasso = elastic_net(X, y, 0.1, 1.0)[0]
    enet = elastic_net(X, y, 0.1, 0.3)[0]
    assert (lasso[:2] != 0).sum() == 1, f"lasso kept {lasso[:2]}"
    assert (enet[:2] != 0).all() and abs(enet[0] - enet[1]) < 0.5 * abs(enet[:2]).max(), enet[:2]


def test_bad_input():
    X, y = _data(n=10)
    with pytest.raises(ValueError, match="finite"):
        elastic_net(np.where(X > 1, np.inf, X), y, 0.1)
    with pytest.raises(ValueError, match="one value per row"):
        ridge(X, y[:-1], 1.0)
    with pytest.raises(ValueError, match="alpha"):
        ridge(X, y, -1.0)
    with pytest.raises(ValueError, match="l1_ratio"):
        elastic_net(X, y, 0.1, 1.5)
    with pytest.raises(ValueError, match="unknown kind"):
        regularisation_path(X, y, [0.1], "l0")
