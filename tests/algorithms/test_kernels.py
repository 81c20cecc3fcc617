"""Kernels against scikit-learn's pairwise kernels, and Mercer's condition."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.metrics.pairwise import polynomial_kernel, rbf_kernel, sigmoid_kernel

from algorithms.kernels import (
    is_psd,
    kernel_diagonal,
    kernel_matrix,
    min_eigenvalue,
    sigmoid_counterexample,
)

PARAMS = {
    "linear": {},
    "poly": {"gamma": 0.5, "degree": 3, "coef0": 1.0},
    "rbf": {"gamma": 0.7},
    "sigmoid": {"gamma": 0.3, "coef0": -0.5},
}


def _reference(kernel, X, Z, p):
    if kernel == "linear":
        return X @ Z.T
    if kernel == "poly":
        return polynomial_kernel(X, Z, degree=p["degree"], gamma=p["gamma"], coef0=p["coef0"])
    if kernel == "rbf":
        return rbf_kernel(X, Z, gamma=p["gamma"])
    return sigmoid_kernel(X, Z, gamma=p["gamma"], coef0=p["coef0"])


@pytest.mark.parametrize("kernel", sorted(PARAMS))
@pytest.mark.parametrize("shape", [(5, 2), (12, 4)])
def test_matches_sklearn(kernel, shape):
    rng = np.random.default_rng(0)
    X, Z = rng.normal(size=shape), rng.normal(size=(7, shape[1]))
    ours, ref = kernel_matrix(X, Z, kernel, **PARAMS[kernel]), _reference(kernel, X, Z, PARAMS[kernel])
    assert_allclose(ours, ref, rtol=1e-10, atol=1e-12, err_msg=f"{kernel}: ours vs sklearn")
    assert_allclose(
        kernel_diagonal(X, kernel, **PARAMS[kernel]),
        np.diag(kernel_matrix(X, X, kernel, **PARAMS[kernel])),
        rtol=1e-12,
        atol=1e-12,
    )


@pytest.mark.parametrize("kernel", ["linear", "poly", "rbf"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_mercer_kernels_give_psd_gram(kernel, seed):
    X = np.random.default_rng(seed).normal(size=(40, 3))
    K = kernel_matrix(X, X, kernel, **PARAMS[kernel])
    assert is_psd(K), f"{kernel}: min eigenvalue {min_eigenvalue(K):.3g}"


def test_sigmoid_kernel_is_not_psd():
    X, K = sigmoid_counterexample(gamma=1.0, coef0=-2.0)
    assert K[0, 0] == pytest.approx(np.tanh(-1.0))
    e1 = np.array([1.0, 0.0])
    assert e1 @ K @ e1 < 0  # a direct witness, independent of the eigen-solver
    assert not is_psd(K)


def test_sigmoid_not_psd_even_with_positive_coef0():
    # the diagonal is positive here, yet a 2x2 minor is negative: K(x,z) > sqrt(K(x,x)K(z,z))
    X = np.array([[1.0], [3.0]])
    K = kernel_matrix(X, X, "sigmoid", gamma=1.0, coef0=0.5)
    assert (np.diag(K) > 0).all()
    assert np.linalg.det(K) < 0 and not is_psd(K)


def test_bad_input():
    with pytest.raises(ValueError, match="unknown kernel"):
        kernel_matrix(np.ones((2, 2)), np.ones((2, 2)), "cubic")
    with pytest.raises(ValueError, match="features"):
        kernel_matrix(np.ones((2, 2)), np.ones((2, 3)), "linear")


def test_min_eigenvalue_uses_the_symmetric_part():
    # K = [[2, 1], [0, 2]]: symmetric part [[2, .5], [.5, 2]] has eigenvalues 2 -/+ 0.5
    assert min_eigenvalue([[2, 1], [0, 2]]) == pytest.approx(1.5, abs=1e-12)


@pytest.mark.parametrize(
    ("diag", "expected"),
    [
        ((1.0, -1.5e-9), True),  # within tol * max(1, max|K|) * n = 2e-9
        ((1.0, -2e-9), True),  # on the boundary: >= is inclusive
        ((1.0, -3e-9), False),  # beyond it
        ((100.0, -1e-7), True),  # the tolerance scales with max|K| = 100: 2e-7
        ((100.0, -3e-7), False),
    ],
)
def test_is_psd_tolerance_scales_with_size_and_magnitude(diag, expected):
    K = np.diag(diag)
    assert is_psd(K) is expected, f"eigenvalues {diag}, tol 1e-9 * max(1, {max(map(abs, diag))}) * 2"


def test_sigmoid_counterexample_is_sklearns_sigmoid_kernel():
    X, K = sigmoid_counterexample()
    assert_allclose(K, sigmoid_kernel(X, gamma=1.0, coef0=-2.0), rtol=1e-12, err_msg="ours vs sklearn")
    assert not is_psd(K)


def test_defaults_rbf_with_gamma_1_degree_3_coef0_0():
    rng = np.random.default_rng(4)
    X, Z = rng.normal(size=(4, 3)), rng.normal(size=(5, 3))
    assert_allclose(kernel_matrix(X, Z), rbf_kernel(X, Z, gamma=1.0), rtol=1e-10, atol=1e-12)
    # sklearn's own defaults differ (gamma 1/d, coef0 1), so its arguments are spelled out
    poly = polynomial_kernel(X, Z, degree=3, gamma=1.0, coef0=0.0)
    assert_allclose(kernel_matrix(X, Z, "poly"), poly, rtol=1e-10, atol=1e-12)
    sig = sigmoid_kernel(X, Z, gamma=1.0, coef0=0.0)
    assert_allclose(kernel_matrix(X, Z, "sigmoid"), sig, rtol=1e-10, atol=1e-12)
    assert_allclose(kernel_diagonal(X), 1.0)  # the default kernel is rbf: K(x, x) = exp(0)
    for kernel in ("rbf", "poly", "sigmoid"):
        full = np.diag(kernel_matrix(X, X, kernel))
        assert_allclose(kernel_diagonal(X, kernel), full, rtol=1e-12, atol=1e-12, err_msg=kernel)


def test_a_single_point_may_be_given_as_a_1d_vector():
    # x = (1, 2), z = (3, -1): <x, z> = 1; ||x - z||^2 = 4 + 9 = 13
    assert_allclose(kernel_matrix([1.0, 2.0], [3.0, -1.0], "linear"), [[1.0]])
    assert_allclose(kernel_matrix([1.0, 2.0], [3.0, -1.0], "rbf", gamma=0.1), [[np.exp(-1.3)]], rtol=1e-12)


def test_rbf_never_exceeds_one_even_when_the_distance_rounds_below_zero():
    # ||x||^2 + ||x||^2 - 2 <x, x> rounds to about +-1e-9 for |x| ~ 1e3; a negative distance is
    # clipped to 0, so no entry exceeds exp(0) = 1, and the diagonal is 1 up to that rounding
    X = np.random.default_rng(5).normal(size=(30, 3)) * 1e3
    K = kernel_matrix(X, X, "rbf", gamma=1.0)
    assert K.max() <= 1.0
    assert_allclose(np.diag(K), 1.0, rtol=0, atol=1e-8)


def test_error_messages_are_exact():
    msg = r"^unknown kernel 'cubic'; choose from \('linear', 'poly', 'rbf', 'sigmoid'\)$"
    with pytest.raises(ValueError, match=msg):
        kernel_matrix(np.ones((2, 2)), np.ones((2, 2)), "cubic")
    with pytest.raises(ValueError, match=msg):
        kernel_diagonal(np.ones((2, 2)), "cubic")
    with pytest.raises(ValueError, match=r"^X has 2 features but Z has 3$"):
        kernel_matrix(np.ones((2, 2)), np.ones((2, 3)), "linear")


def test_sigmoid_counterexample_uses_the_given_gamma():
    # gamma = 0.5, coef0 = -1 < -gamma: K(x, x) = tanh(0.5 - 1) < 0 at x = 1
    X, K = sigmoid_counterexample(gamma=0.5, coef0=-1.0)
    assert_allclose(K, sigmoid_kernel(X, gamma=0.5, coef0=-1.0), rtol=1e-12, err_msg="ours vs sklearn")
    assert K[0, 0] == pytest.approx(np.tanh(-0.5)) and not is_psd(K)


def test_integer_input_is_converted_to_float_before_squaring():
    # 4e9^2 = 1.6e19 overflows int64 (max 9.2e18) but not float64; sklearn converts to float too
    X = np.array([[4_000_000_000], [0]])
    assert_allclose(kernel_matrix(X, X, "rbf", gamma=1e-19), rbf_kernel(X, X, gamma=1e-19), rtol=1e-12)
    assert_allclose(kernel_matrix(X, X, "linear"), [[1.6e19, 0.0], [0.0, 0.0]], rtol=1e-15)
    assert_allclose(kernel_diagonal(X, "linear"), [1.6e19, 0.0], rtol=1e-15)  # ||x||^2 per row
