import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.linear_model import LinearRegression, Ridge

from algorithms.local_surrogate import LocalSurrogate, weighted_ridge


def _smooth(Z):
    # known gradient: (cos z0, 2 z1, 3, 0)
    return np.sin(Z[:, 0]) + Z[:, 1] ** 2 + 3.0 * Z[:, 2] + 0.0 * Z[:, 3]


@pytest.mark.parametrize("x0", [[0.3, -0.5, 1.0, 2.0], [1.2, 0.8, -1.0, 0.0]])
def test_recovers_known_local_slopes(x0):
    x0 = np.array(x0)
    scale = np.array([0.01, 0.02, 0.5, 1.0])
    s = LocalSurrogate(n_samples=4000, kernel_width=1.0, alpha=0.0).fit(
        _smooth, x0, scale, np.random.default_rng(0)
    )
    expected = scale * np.array([np.cos(x0[0]), 2 * x0[1], 3.0, 0.0])
    assert_allclose(s.coef_, expected, atol=2e-3, rtol=0.02, err_msg=f"ours {s.coef_} vs analytic {expected}")
    assert s.score_ > 0.99
    assert_allclose(s.prediction_, _smooth(x0[None])[0])


def test_linear_black_box_is_exact():
    beta = np.array([2.0, -1.0, 0.5])
    scale = np.array([1.0, 2.0, 3.0])
    s = LocalSurrogate(n_samples=200, alpha=0.0).fit(
        lambda Z: 1.0 + Z @ beta, np.zeros(3), scale, np.random.default_rng(1)
    )
    assert_allclose(s.coef_, beta * scale, rtol=1e-10)
    assert_allclose(s.intercept_, 1.0, atol=1e-10)
    assert_allclose(s.score_, 1.0, atol=1e-12)


@pytest.mark.parametrize("alpha", [0.0, 0.7])
def test_weighted_ridge_matches_sklearn(alpha):
    rng = np.random.default_rng(2)
    U, y, w = rng.normal(size=(60, 4)), rng.normal(size=60), rng.uniform(0.1, 2, 60)
    b, coef = weighted_ridge(U, y, w, alpha)
    ref = (Ridge(alpha=alpha) if alpha else LinearRegression()).fit(U, y, sample_weight=w)
    assert_allclose(coef, ref.coef_, rtol=1e-8, err_msg=f"ours {coef} vs sklearn {ref.coef_}")
    assert_allclose(b, ref.intercept_, rtol=1e-8)


def test_frozen_feature_gets_zero_weight():
    s = LocalSurrogate(n_samples=500, frozen=(1,)).fit(
        lambda Z: Z[:, 0] + 10 * Z[:, 1], np.zeros(2), np.ones(2), np.random.default_rng(3)
    )
    assert s.coef_[1] == 0.0
    assert s.coef_[0] > 0.9


def test_bad_input():
    s = LocalSurrogate(n_samples=50)
    with pytest.raises(ValueError, match="scale must be finite"):
        s.fit(lambda Z: Z[:, 0], np.zeros(2), np.array([1.0, 0.0]), np.random.default_rng(0))
    with pytest.raises(ValueError, match="same length"):
        s.fit(lambda Z: Z[:, 0], np.zeros(2), np.ones(3), np.random.default_rng(0))
    with pytest.raises(ValueError, match="must return shape"):
        s.fit(lambda Z: Z, np.zeros(2), np.ones(2), np.random.default_rng(0))
