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


def _black_box(calls):
    def f(Z):
        calls.append(np.array(Z, copy=True))
        return np.sin(Z[:, 0]) + 0.5 * Z[:, 1] ** 2 - Z[:, 2] * Z[:, 3]

    return f


@pytest.mark.parametrize(
    ("kernel_width", "alpha", "frozen"), [(None, 1.0, ()), (1.3, 0.1, (2,)), (None, 0.0, (0, 3))]
)
def test_fit_equals_sklearn_weighted_ridge_on_the_same_perturbations(kernel_width, alpha, frozen):
    from sklearn.metrics import r2_score

    x0, scale, calls = np.array([0.3, -1.0, 2.0, 0.5]), np.array([1.0, 0.5, 2.0, 0.8]), []
    f = _black_box(calls)
    sur = LocalSurrogate(n_samples=400, kernel_width=kernel_width, alpha=alpha, frozen=frozen)
    sur.fit(f, x0, scale, np.random.default_rng(0))
    U = (calls[0] - x0) / scale  # the perturbations the surrogate used, in standard units
    assert_allclose(U[:, list(frozen)], 0.0, atol=1e-15, err_msg="frozen features stay at x0")
    width = 0.75 * np.sqrt(4) if kernel_width is None else kernel_width
    w = np.exp(-np.sum(U**2, axis=1) / width**2)
    free = [j for j in range(4) if j not in frozen]
    y = f(calls[0])
    ref = Ridge(alpha=alpha, solver="cholesky").fit(U[:, free], y, sample_weight=w)
    assert_allclose(sur.coef_[free], ref.coef_, rtol=1e-8, err_msg=f"ours {sur.coef_} vs sklearn {ref.coef_}")
    assert_allclose(sur.coef_[list(frozen)], 0.0, atol=0)
    assert sur.intercept_ == pytest.approx(ref.intercept_, rel=1e-8)
    assert sur.score_ == pytest.approx(r2_score(y, ref.predict(U[:, free]), sample_weight=w), rel=1e-8)
    assert sur.prediction_ == pytest.approx(f(x0[None, :])[0]) and sur.kernel_width_ == pytest.approx(width)


def test_a_constant_black_box_scores_one_and_bad_inputs_are_named():
    x0, scale, rng = np.zeros(3), np.ones(3), np.random.default_rng(1)
    sur = LocalSurrogate(n_samples=5).fit(lambda Z: np.full(len(Z), 2.0), x0, scale, rng)  # d + 2 is enough
    assert sur.score_ == 1.0 and sur.intercept_ == pytest.approx(2.0) and np.allclose(sur.coef_, 0.0)
    with pytest.raises(ValueError, match=r"n_samples=4 is too few for 3 features"):
        LocalSurrogate(n_samples=4).fit(lambda Z: Z[:, 0], x0, scale, rng)
    with pytest.raises(ValueError, match="scale must be finite and > 0 for every feature"):
        LocalSurrogate().fit(lambda Z: Z[:, 0], x0, np.array([1.0, 0.0, 1.0]), rng)
    with pytest.raises(ValueError, match="x0 and scale must be 1-D of the same length"):
        LocalSurrogate().fit(lambda Z: Z[:, 0], np.zeros((1, 3)), scale, rng)
    with pytest.raises(ValueError, match=r"f must return shape \(50,\), got \(50, 1\)"):
        LocalSurrogate(n_samples=50).fit(lambda Z: Z[:, :1], x0, scale, rng)


def test_weighted_ridge_defaults_to_no_penalty():
    rng = np.random.default_rng(4)
    U, y, w = rng.normal(size=(30, 2)), rng.normal(size=30), rng.uniform(0.5, 1.5, 30)
    b, coef = weighted_ridge(U, y, w)
    ref = LinearRegression().fit(U, y, sample_weight=w)
    assert_allclose(coef, ref.coef_, rtol=1e-8)  # normal equations vs lstsq: round-off only
    assert_allclose(b, ref.intercept_, rtol=1e-8)


def test_defaults_are_the_documented_lime_settings():
    assert LocalSurrogate().get_params() == {
        "n_samples": 5000,
        "kernel_width": None,
        "alpha": 1.0,
        "frozen": (),
    }


def test_the_black_box_always_receives_float_rows():
    # integer x0 and scale are converted: f sees float64 perturbations and a float64 x0 row
    dtypes = []

    def f(Z):
        dtypes.append(Z.dtype)
        return Z[:, 0] ** 2

    LocalSurrogate(n_samples=50).fit(f, [1, 2], [1, 1], np.random.default_rng(5))
    assert dtypes == [np.float64, np.float64]


def test_score_is_invariant_to_rescaling_the_black_box():
    # weighted R^2 is a ratio of weighted sums of squares: multiplying f by 1e-3 changes neither
    def f(Z):
        return np.sin(3 * Z[:, 0]) + Z[:, 1]

    fits = [
        LocalSurrogate(n_samples=300).fit(
            lambda Z, c=c: c * f(Z), np.zeros(2), np.ones(2), np.random.default_rng(6)
        )
        for c in (1.0, 1e-3)
    ]
    assert 0 < fits[0].score_ < 0.99  # sin is visibly non-linear over one standard unit
    assert_allclose(fits[1].score_, fits[0].score_, rtol=1e-9)  # rounding only


def test_scale_error_message_is_exact():
    with pytest.raises(ValueError, match=r"^scale must be finite and > 0 for every feature$"):
        LocalSurrogate(n_samples=50).fit(
            lambda Z: Z[:, 0], np.zeros(2), [1.0, np.inf], np.random.default_rng(0)
        )
