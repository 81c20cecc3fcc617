"""FastSMOClassifier (Gram cache, optional shrinking) against libsvm and against the core SMO."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.datasets import make_classification, make_moons
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from algorithms.svm import SMOClassifier, kkt_violations
from algorithms.svm_fast import FastSMOClassifier

TOL = 1e-6  # both solvers stop at KKT gap < TOL, so decision values agree to ~1e-4
CASES = {
    "linear": {"kernel": "linear"},
    # gamma 0.2 keeps the cubic kernel's values (and SMO's iteration count) moderate; the slow
    # test below also runs gamma 0.5, where SMO needs ~10^5 steps
    "poly": {"kernel": "poly", "gamma": 0.2, "degree": 3, "coef0": 1.0},
    "rbf": {"kernel": "rbf", "gamma": 0.2},
}


def _data(n, seed):
    X, y = make_classification(n, n_features=6, n_informative=4, flip_y=0.1, random_state=seed)
    return StandardScaler().fit_transform(X), y


def _assert_same_solution_as_libsvm(X, y, params, shrinking, cache_size):
    ours = FastSMOClassifier(C=1.0, tol=TOL, shrinking=shrinking, cache_size=cache_size, **params).fit(X, y)
    ref = SVC(C=1.0, tol=TOL, **params).fit(X, y)
    assert ours.dense_gram_ == (cache_size == 200.0)
    assert ours.converged_
    # every min(n, 1000) steps the active set shrinks; before stopping it is rebuilt on all n
    assert (ours.n_unshrink_ >= 1) == shrinking, ours.n_unshrink_
    assert_allclose(
        ours.decision_function(X),
        ref.decision_function(X),
        # the cubic kernel's decision values reach ~20 and the steps read float32 Gram rows,
        # so its agreement is relative (seen: 1.0e-3 absolute = 8.7e-5 relative on one row)
        atol=1e-3,
        rtol=1e-4,
        err_msg="decision function: fast SMO vs libsvm",
    )
    assert set(ours.support_) == set(ref.support_), (
        f"support sets differ: only ours {sorted(set(ours.support_) - set(ref.support_))}, "
        f"only libsvm {sorted(set(ref.support_) - set(ours.support_))}"
    )


@pytest.mark.parametrize("shrinking", [False, True])
@pytest.mark.parametrize("kernel", sorted(CASES))
@pytest.mark.parametrize("cache_size", [200.0, 0.05])  # 0.05 MB: no dense Gram, LRU rows
def test_matches_libsvm(kernel, shrinking, cache_size):
    # n = 300: shrinking runs every 300 steps and each case takes 500 to 3,000 steps
    X, y = _data(300, 0)
    _assert_same_solution_as_libsvm(X, y, CASES[kernel], shrinking, cache_size)


@pytest.mark.slow
@pytest.mark.parametrize("shrinking", [False, True])
@pytest.mark.parametrize("kernel", sorted(CASES) + ["poly_steep"])
@pytest.mark.parametrize("cache_size", [200.0, 0.05])
def test_matches_libsvm_at_n_1200(kernel, shrinking, cache_size):
    # n = 1200 > 1000: shrinking on libsvm's full interval; the linear and steep cubic cases
    # take ~10^5 steps (2 to 10 s each)
    X, y = _data(1200, 0)
    steep = {"kernel": "poly", "gamma": 0.5, "degree": 3, "coef0": 1.0}
    _assert_same_solution_as_libsvm(
        X, y, steep if kernel == "poly_steep" else CASES[kernel], shrinking, cache_size
    )


def test_shrinking_really_shrinks_and_reconstructs():
    X, y = _data(2500, 1)
    svm = FastSMOClassifier(C=1.0, gamma=0.2, tol=1e-3, shrinking=True).fit(X, y)
    assert svm.n_iter_ > 1000 and svm.n_unshrink_ >= 1, (svm.n_iter_, svm.n_unshrink_)


@pytest.mark.parametrize("shrinking", [False, True])
def test_same_optimum_as_core(shrinking):
    X, y = _data(1500, 2)
    core = SMOClassifier(C=0.5, gamma=0.3, tol=TOL).fit(X, y)
    fast = FastSMOClassifier(C=0.5, gamma=0.3, tol=TOL, shrinking=shrinking).fit(X, y)
    assert_allclose(fast.dual_objective_, core.dual_objective_, rtol=1e-7, err_msg="dual objective")
    assert_allclose(fast.decision_function(X), core.decision_function(X), atol=1e-4)
    assert_allclose(fast.intercept_, core.intercept_, atol=1e-4)


@pytest.mark.parametrize("shrinking", [False, True])
def test_kkt_conditions_hold_on_all_variables(shrinking):
    X, y = _data(1300, 3)
    C = 2.0
    svm = FastSMOClassifier(C=C, gamma=0.5, tol=TOL, shrinking=shrinking).fit(X, y)
    ys = np.where(y == svm.classes_[1], 1.0, -1.0)
    v = kkt_violations(svm.alpha_, ys, ys * svm.decision_function(X), C)
    assert v.box == 0 and v.equality < 1e-9, v
    # float32 Gram in the steps: the exact float64 margins meet KKT to ~1e-5
    assert max(v.at_zero, v.free, v.at_c) < 1e-4, v
    assert svm.kkt_gap_ < 1e-5


def test_dense_gram_rows_are_computed_once():
    X, y = make_moons(300, noise=0.3, random_state=0)
    svm = FastSMOClassifier(C=1.0, gamma=1.0, tol=TOL).fit(X, y)
    assert svm.cache_misses_ <= len(X) and svm.cache_hits_ > svm.cache_misses_


def test_max_iter_warns_and_reports_exact_state():
    X, y = _data(1200, 4)
    with pytest.warns(RuntimeWarning, match="max_iter"):
        svm = FastSMOClassifier(C=1.0, gamma=0.2, max_iter=1100, tol=1e-9, shrinking=True).fit(X, y)
    assert not svm.converged_ and svm.n_iter_ == 1100
    ys = np.where(y == svm.classes_[1], 1.0, -1.0)
    assert abs(svm.alpha_ @ ys) < 1e-9  # feasible even when stopped early


def test_rejects_bad_input_like_core():
    X, y = np.random.default_rng(0).normal(size=(6, 2)), np.array([0, 1] * 3)
    with pytest.raises(ValueError, match="exactly 2 classes"):
        FastSMOClassifier().fit(X, np.zeros(6))
    with pytest.raises(ValueError, match="C must be"):
        FastSMOClassifier(C=0.0).fit(X, y)
