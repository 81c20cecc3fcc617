"""SMO against libsvm (scikit-learn SVC): decision function, support set, dual objective, KKT."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.datasets import make_blobs, make_classification, make_moons
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from algorithms.kernels import kernel_matrix
from algorithms.svm import SMOClassifier, kkt_violations

TOL = 1e-6  # both solvers stop at KKT gap < TOL, so decision values agree to ~1e-4
CASES = {
    "linear": {"kernel": "linear"},
    "poly": {"kernel": "poly", "gamma": 0.5, "degree": 3, "coef0": 1.0},
    "rbf": {"kernel": "rbf", "gamma": 1.0},
}


def _data(name, seed):
    if name == "moons":
        X, y = make_moons(120, noise=0.3, random_state=seed)
    elif name == "blobs":
        X, y = make_blobs(100, centers=2, cluster_std=2.0, random_state=seed)
    else:
        X, y = make_classification(150, n_features=5, n_informative=3, random_state=seed)
    return StandardScaler().fit_transform(X), y


def _ref_dual_objective(ref, params):
    beta = ref.dual_coef_[0]  # alpha_i y_i on support vectors (sign convention irrelevant)
    K = kernel_matrix(ref.support_vectors_, ref.support_vectors_, **params)
    return np.abs(beta).sum() - 0.5 * beta @ K @ beta


@pytest.mark.parametrize("data", ["moons", "blobs", "classification"])
@pytest.mark.parametrize("kernel", sorted(CASES))
@pytest.mark.parametrize("C", [0.1, 1.0])
def test_matches_libsvm(data, kernel, C):
    X, y = _data(data, 0)
    params = CASES[kernel]
    ours = SMOClassifier(C=C, tol=TOL, **params).fit(X, y)
    ref = SVC(C=C, tol=TOL, **params).fit(X, y)
    assert_allclose(ours.decision_function(X), ref.decision_function(X), atol=1e-3,
                    err_msg="decision function: ours vs libsvm")
    assert set(ours.support_) == set(ref.support_), (
        f"support sets differ: only ours {sorted(set(ours.support_) - set(ref.support_))}, "
        f"only libsvm {sorted(set(ref.support_) - set(ours.support_))}")
    assert_allclose(ours.dual_objective_, _ref_dual_objective(ref, params), rtol=1e-6,
                    err_msg="dual objective: ours vs libsvm")
    if kernel == "linear":
        assert_allclose(ours.coef_, ref.coef_[0], atol=1e-3, err_msg="w = sum alpha_i y_i x_i")


@pytest.mark.parametrize("kernel", sorted(CASES))
def test_kkt_conditions_hold(kernel):
    X, y = _data("moons", 1)
    C = 1.0
    svm = SMOClassifier(C=C, tol=1e-6, **CASES[kernel]).fit(X, y)
    ys = np.where(y == svm.classes_[1], 1.0, -1.0)
    v = kkt_violations(svm.alpha_, ys, ys * svm.decision_function(X), C)
    assert v["box"] == 0 and v["equality"] < 1e-10, v
    assert max(v["at_zero"], v["free"], v["at_c"]) < 1e-5, v
    assert svm.kkt_gap_ < 1e-6 and svm.converged_


def test_rbf_separates_xor_and_linear_cannot():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(400, 2))
    X = X[np.abs(X).min(axis=1) > 0.1][:200]  # the four XOR quadrants, kept apart by a gap
    y = np.where(X[:, 0] * X[:, 1] > 0, 1, -1)
    rbf = SMOClassifier(C=100.0, kernel="rbf", gamma=2.0).fit(X, y)
    lin = SMOClassifier(C=100.0, kernel="linear").fit(X, y)
    assert (rbf.predict(X) == y).mean() == 1.0
    assert (lin.predict(X) == y).mean() < 0.8  # the best line gets ~3/4 (it cuts off one quadrant)


def test_string_labels_and_sign_convention():
    X, y = make_blobs(60, centers=2, random_state=3)
    labels = np.array(["spam", "ham"])[y]
    svm = SMOClassifier(C=1.0, kernel="linear").fit(X, labels)
    ref = SVC(C=1.0, kernel="linear").fit(X, labels)
    assert list(svm.classes_) == list(ref.classes_)
    assert (svm.predict(X) == ref.predict(X)).all()


def test_kernel_cache_is_used():
    X, y = _data("moons", 2)
    svm = SMOClassifier(C=1.0, kernel="rbf", tol=1e-6).fit(X, y)
    assert svm.cache_hits_ > 0 and svm.cache_misses_ <= len(X)


def test_max_iter_warns():
    X, y = _data("moons", 0)
    with pytest.warns(RuntimeWarning, match="max_iter"):
        svm = SMOClassifier(C=1.0, max_iter=3, tol=1e-8).fit(X, y)
    assert not svm.converged_


@pytest.mark.parametrize("C", [0.0, -1.0, np.inf])
def test_rejects_bad_c(C):
    with pytest.raises(ValueError, match="C must be"):
        SMOClassifier(C=C).fit(np.ones((4, 2)), [0, 1, 0, 1])


def test_rejects_bad_input():
    X, y = np.random.default_rng(0).normal(size=(6, 2)), np.array([0, 1] * 3)
    with pytest.raises(ValueError, match="exactly 2 classes"):
        SMOClassifier().fit(X, np.zeros(6))
    with pytest.raises(ValueError, match="exactly 2 classes"):
        SMOClassifier().fit(X, [0, 1, 2, 0, 1, 2])
    bad = X.copy()
    bad[2, 1] = np.nan
    with pytest.raises(ValueError, match="non-finite"):
        SMOClassifier().fit(bad, y)
    with pytest.raises(ValueError, match="non-finite"):
        SMOClassifier().fit(X, np.array([0, 1, np.nan, 0, 1, 0]))
    with pytest.raises(ValueError, match="one label per row"):
        SMOClassifier().fit(X, y[:-1])
    with pytest.raises(ValueError, match="unknown kernel"):
        SMOClassifier(kernel="cubic").fit(X, y)
    with pytest.raises(ValueError, match="shape"):
        SMOClassifier(kernel="linear").fit(X, y).decision_function(np.ones((2, 3)))


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(3))
def test_matches_libsvm_larger(seed):
    X, y = make_classification(2000, n_features=10, n_informative=5, flip_y=0.1, random_state=seed)
    ours = SMOClassifier(C=1.0, kernel="rbf", gamma=0.1, tol=TOL).fit(X, y)
    ref = SVC(C=1.0, kernel="rbf", gamma=0.1, tol=TOL).fit(X, y)
    assert_allclose(ours.decision_function(X), ref.decision_function(X), atol=1e-3)
    assert set(ours.support_) == set(ref.support_)
