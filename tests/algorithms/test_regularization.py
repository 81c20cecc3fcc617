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


def _cd_reference(X, y, alpha, l1_ratio, sweeps):
    """Plain cyclic coordinate descent written from the module docstring, from w = 0.

    Recomputes rho_j = (1/n) x_j^T (y - X w + x_j w_j) from scratch (no running residual).
    """
    Xc, yc = X - X.mean(0), y - y.mean()
    n, d = Xc.shape
    w = np.zeros(d)
    for _ in range(sweeps):
        for j in range(d):
            x = Xc[:, j]
            rho = x @ (yc - Xc @ w + x * w[j]) / n
            shrunk = np.sign(rho) * max(abs(rho) - alpha * l1_ratio, 0.0)
            w[j] = shrunk / (x @ x / n + alpha * (1 - l1_ratio))
    return w


def _correlated_data(n=60, seed=10):
    # correlated, offset features so coordinate descent needs many sweeps and centring matters
    rng = np.random.default_rng(seed)
    base = rng.normal(size=(n, 1))
    X = 0.8 * base + 0.6 * rng.normal(size=(n, 5)) + np.arange(5) - 2.0
    return X, X @ np.array([2.0, -1.0, 0.0, 0.5, 0.0]) + 3.0 + 0.3 * rng.normal(size=n)


@pytest.mark.parametrize("k", [1, 2, 3])
def test_max_iter_caps_the_number_of_sweeps(k):
    # reference: k sweeps of the textbook update, recomputed from the definition
    X, y = _correlated_data()
    w, _, sweeps = elastic_net(X, y, 0.05, 0.7, max_iter=k)
    ref = _cd_reference(X, y, 0.05, 0.7, k)
    assert sweeps == k
    assert_allclose(w, ref, rtol=0, atol=1e-12, err_msg=f"after {k} sweeps: ours {w} vs reference {ref}")


@pytest.mark.parametrize("tol", [0.0, 1e-10])
def test_above_alpha_max_one_sweep_moves_nothing_and_stops(tol):
    # analytic: above alpha_max, w = 0 is optimal, so the first sweep from 0 moves no weight
    # and "no weight moved more than tol" holds after exactly one sweep, even for tol = 0
    X, y = _correlated_data()
    w, b, sweeps = elastic_net(X, y, 2 * lasso_alpha_max(X, y), tol=tol)
    assert (w == 0).all() and sweeps == 1, (w, sweeps)
    assert b == pytest.approx(y.mean(), rel=1e-12)


def test_warm_start_at_the_optimum_stops_after_one_sweep():
    # reference: sklearn; a warm start at the optimum is a fixed point of the update,
    # so with a looser tol the first sweep already moves every weight by < tol
    X, y = _correlated_data()
    w_opt, _, cold_sweeps = elastic_net(X, y, 0.05, 0.7, tol=1e-6)
    w, _, sweeps = elastic_net(X, y, 0.05, 0.7, tol=1e-6, w0=elastic_net(X, y, 0.05, 0.7, tol=1e-13)[0])
    ref = ElasticNet(alpha=0.05, l1_ratio=0.7, tol=1e-12, max_iter=100_000).fit(X, y)
    assert cold_sweeps > 1 and sweeps == 1, (cold_sweeps, sweeps)
    assert_allclose(w, ref.coef_, atol=1e-8, err_msg=f"warm start: ours {w} vs sklearn {ref.coef_}")


@pytest.mark.parametrize("w0", [np.ones(5, dtype=int), [3, -2, 0, 1, 4]])
def test_warm_start_from_any_point_reaches_the_sklearn_solution(w0):
    # reference: sklearn; the problem is strictly convex, so the starting point (even an
    # integer array or list) must not change the answer
    X, y = _correlated_data()
    w, b, _ = elastic_net(X, y, 0.05, 0.7, w0=w0)
    ref = ElasticNet(alpha=0.05, l1_ratio=0.7, tol=1e-12, max_iter=100_000).fit(X, y)
    assert_allclose(w, ref.coef_, atol=1e-7, err_msg=f"from w0={w0}: ours {w} vs sklearn {ref.coef_}")
    assert b == pytest.approx(ref.intercept_, abs=1e-7)


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_features_on_different_scales_constant_and_unit_norm_columns(l1_ratio):
    # reference: sklearn. Column scales 0.1..10 (z_j far from 1), a constant column (z_j = 0,
    # weight must stay 0) and a balanced +-1 column (z_j exactly 1) in the middle
    rng = np.random.default_rng(11)
    n = 80
    X = rng.normal(size=(n, 5)) * np.array([0.1, 1.0, 1.0, 10.0, 3.0])
    X[:, 1] = 4.0
    X[:, 2] = np.tile([1.0, -1.0], n // 2)
    y = X @ np.array([5.0, 0.0, 1.5, 0.3, -0.4]) + 0.5 * rng.normal(size=n)
    w, b, _ = elastic_net(X, y, 0.05, l1_ratio)
    ref = ElasticNet(alpha=0.05, l1_ratio=l1_ratio, tol=1e-12, max_iter=100_000).fit(X, y)
    assert_allclose(w, ref.coef_, atol=1e-7, err_msg=f"ours {w} vs sklearn {ref.coef_}")
    assert b == pytest.approx(ref.intercept_, abs=1e-6)
    assert w[1] == 0 and w[2] != 0


def test_alpha_zero_is_ordinary_least_squares():
    # reference: numpy lstsq with an intercept column
    X, y = _data(seed=12)
    w, b, _ = elastic_net(X, y, 0.0)
    ref = np.linalg.lstsq(np.c_[X, np.ones(len(y))], y, rcond=None)[0]
    assert_allclose(w, ref[:-1], atol=1e-8, err_msg=f"alpha=0: ours {w} vs lstsq {ref[:-1]}")
    assert b == pytest.approx(ref[-1], abs=1e-8)


def test_l1_ratio_zero_is_ridge_with_alpha_times_n():
    # 1/(2n)||r||^2 + alpha/2 ||w||^2 is ridge's ||r||^2 + (n alpha) ||w||^2 divided by 2n
    X, y = _data(seed=13)
    w, b, _ = elastic_net(X, y, 0.3, 0.0)
    ref = Ridge(alpha=0.3 * len(y), solver="cholesky").fit(X, y)
    assert_allclose(w, ref.coef_, atol=1e-8, err_msg=f"l1_ratio=0: ours {w} vs sklearn Ridge {ref.coef_}")
    assert b == pytest.approx(ref.intercept_, abs=1e-8)


def test_ridge_fits_an_intercept_by_default():
    # reference: sklearn's Ridge, whose default also fits an intercept
    X, y = _correlated_data()
    w, b = ridge(X, y, 2.0)
    ref = Ridge(alpha=2.0, solver="cholesky").fit(X, y)
    assert_allclose(w, ref.coef_, rtol=1e-9, atol=1e-10, err_msg=f"ours {w} vs sklearn {ref.coef_}")
    assert b == pytest.approx(ref.intercept_, abs=1e-9)


def test_float32_inputs_are_fitted_in_float64():
    # reference: sklearn on the same values cast to float64; large offsets make any
    # float32 arithmetic (means, X^T X) visible
    X, y = _correlated_data(seed=14)
    X32, y32 = (X + 100.0).astype(np.float32), (y + 1000.0).astype(np.float32)
    X64, y64 = X32.astype(float), y32.astype(float)
    w, b = ridge(X32, y32, 1.0)
    ref = Ridge(alpha=1.0, solver="cholesky").fit(X64, y64)
    assert_allclose(w, ref.coef_, rtol=1e-9, atol=1e-10, err_msg=f"ridge: ours {w} vs sklearn {ref.coef_}")
    assert b == pytest.approx(ref.intercept_, rel=1e-12, abs=1e-9)
    w, b, _ = elastic_net(X32, y32, 0.05, 0.5)
    ref = ElasticNet(alpha=0.05, l1_ratio=0.5, tol=1e-12, max_iter=100_000).fit(X64, y64)
    assert_allclose(w, ref.coef_, atol=1e-7, err_msg=f"enet: ours {w} vs sklearn {ref.coef_}")
    assert b == pytest.approx(ref.intercept_, rel=1e-12, abs=1e-7)


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_lasso_alpha_max_formula_and_sklearn(l1_ratio):
    # reference: max_j |x_j^T y| / (n r) on centred data (module docstring), and sklearn
    # giving all zeros just above it and a non-zero weight just below
    X, y = _correlated_data(seed=15)
    Xc, yc = X - X.mean(0), y - y.mean()
    brute = max(abs(Xc[:, j] @ yc) for j in range(X.shape[1])) / (len(y) * l1_ratio)
    amax = lasso_alpha_max(X, y, l1_ratio)
    assert amax == pytest.approx(brute, rel=1e-12), f"ours {amax} vs formula {brute}"
    above = ElasticNet(alpha=1.001 * amax, l1_ratio=l1_ratio, tol=1e-12).fit(X, y).coef_
    below = ElasticNet(alpha=0.99 * amax, l1_ratio=l1_ratio, tol=1e-12).fit(X, y).coef_
    assert (above == 0).all() and (below != 0).any(), (above, below)


@pytest.mark.parametrize("kind", [None, "lasso", "elastic_net", "ridge"])
def test_regularisation_path_matches_sklearn_fit_by_fit(kind):
    # reference: an independent sklearn fit at every alpha (alphas deliberately unsorted);
    # kind=None exercises the documented defaults (lasso; elastic_net uses l1_ratio=0.5)
    X, y = _correlated_data(seed=16)
    alphas = [0.2, 0.01, 0.05]
    path = regularisation_path(X, y, alphas) if kind is None else regularisation_path(X, y, alphas, kind)
    for a, w in zip(alphas, path, strict=True):
        if kind == "ridge":
            ref = Ridge(alpha=a * len(y), solver="cholesky").fit(X, y)
        elif kind == "elastic_net":
            ref = ElasticNet(alpha=a, l1_ratio=0.5, tol=1e-12, max_iter=100_000).fit(X, y)
        else:
            ref = Lasso(alpha=a, tol=1e-12, max_iter=100_000).fit(X, y)
        assert_allclose(w, ref.coef_, atol=1e-7, err_msg=f"{kind} alpha={a}: ours {w} vs sklearn {ref.coef_}")
    assert path.shape == (len(alphas), X.shape[1])


def test_bad_input_messages():
    X, y = _data(n=10)
    with pytest.raises(
        ValueError, match=r"^X must be 2-D and y 1-D with one value per row: X \(10,\), y \(10,\)$"
    ):
        ridge(X[:, 0], y, 1.0)
    with pytest.raises(
        ValueError, match=r"^X must be 2-D and y 1-D with one value per row: X \(0, 8\), y \(0,\)$"
    ):
        elastic_net(X[:0], y[:0], 0.1)
    msg = r"^X and y must be finite \(no NaN or inf\); impute or drop those rows first$"
    with pytest.raises(ValueError, match=msg):
        ridge(X, np.where(y > 0, np.nan, y), 1.0)


def test_default_max_iter_is_ten_thousand_sweeps():
    # documented default max_iter=10_000: with tol < 0 "no weight moved more than tol" can
    # never hold, so the loop runs until the cap (one feature keeps each sweep cheap)
    X = np.array([[0.0], [1.0], [3.0], [4.0]])
    y = np.array([1.0, 0.0, 2.0, 5.0])
    w, _, sweeps = elastic_net(X, y, 0.1, tol=-1.0)
    assert sweeps == 10_000
    ref = Lasso(alpha=0.1, tol=1e-12).fit(X, y)
    assert_allclose(w, ref.coef_, atol=1e-10, err_msg=f"ours {w} vs sklearn {ref.coef_}")
