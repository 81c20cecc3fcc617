"""The shared numerical helpers: input checks, stable (log-)softmax, sigmoid, central differences."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.special import expit
from scipy.special import log_softmax as scipy_log_softmax
from scipy.special import softmax as scipy_softmax

from algorithms.numerics import check_finite, log_softmax, numerical_gradient, sigmoid, softmax


def test_softmax_and_log_softmax_match_scipy_and_survive_large_logits():
    z = np.random.default_rng(0).normal(size=(4, 5)) * 10
    for axis in (0, -1):
        assert_allclose(softmax(z, axis), scipy_softmax(z, axis=axis), rtol=1e-13)
        assert_allclose(log_softmax(z, axis), scipy_log_softmax(z, axis=axis), rtol=1e-13, atol=1e-13)
    huge = np.array([[1000.0, 1000.0, -1000.0]])  # exp(1000) overflows without the max shift
    assert_allclose(softmax(huge), [[0.5, 0.5, 0.0]])
    assert np.isfinite(log_softmax(huge)[0, :2]).all()


def test_sigmoid_matches_expit():
    z = np.linspace(-30, 30, 61)
    assert_allclose(sigmoid(z), expit(z), rtol=1e-12)


def test_numerical_gradient_of_a_quadratic_and_leaves_x_unchanged():
    A = np.array([[3.0, 1.0], [1.0, 2.0]])
    x = np.array([0.5, -1.5])
    before = x.copy()
    grad = numerical_gradient(lambda: 0.5 * x @ A @ x, x)
    assert_allclose(grad, A @ x, atol=1e-8)  # O(eps^2) truncation + O(1e-16 / eps) rounding
    assert np.array_equal(x, before)


def test_numerical_gradient_refuses_arrays_it_cannot_perturb():
    with pytest.raises(TypeError, match="float64"):
        numerical_gradient(lambda: 0.0, np.zeros(3, dtype=np.float32))
    with pytest.raises(ValueError, match="C-contiguous"):
        numerical_gradient(lambda: 0.0, np.zeros((3, 4))[:, ::2])


def test_check_finite_names_the_argument():
    assert check_finite("x", [[1, 2]], ndim=2).dtype == np.float64
    with pytest.raises(ValueError, match=r"^w must have 4 dimensions, got shape \(2,\)$"):
        check_finite("w", np.zeros(2), ndim=4)
    with pytest.raises(ValueError, match=r"^g contains NaN or inf \(2 entries\)$"):
        check_finite("g", [np.nan, 1.0, np.inf])


def test_log_softmax_shifts_each_row_by_its_own_max():
    # row 2 sits 1000 below row 1: shifting by the global max would underflow its exp to 0 and give
    # -inf; per row, log softmax([-1000, -1001]) = log softmax([0, -1]) = [-log(1 + e^-1), -1 - log(1 + e^-1)]
    z = np.array([[0.0, 1.0], [-1000.0, -1001.0]])
    c = np.log1p(np.exp(-1.0))
    assert_allclose(log_softmax(z), [[-1 - c, -c], [-c, -1 - c]], rtol=1e-12)
    assert_allclose(log_softmax(z.T, axis=0), [[-1 - c, -c], [-c, -1 - c]], rtol=1e-12)
    assert_allclose(softmax(z)[1], np.exp([-c, -1 - c]), rtol=1e-12)


def test_numerical_gradient_of_a_matrix_parameter():
    # f(W) = sum(W * C) is linear: dF/dW = C entry by entry, for a 2-D (weight-shaped) array
    C = np.arange(6.0).reshape(2, 3) - 2.5
    W = np.ones((2, 3))
    assert_allclose(numerical_gradient(lambda: float(np.sum(W * C)), W), C, atol=1e-8)  # rounding only


def test_numerical_gradient_contiguity_message_is_exact():
    msg = r"^numerical_gradient perturbs x in place and needs a C-contiguous array$"
    with pytest.raises(ValueError, match=msg):
        numerical_gradient(lambda: 0.0, np.zeros((3, 4))[:, ::2])
