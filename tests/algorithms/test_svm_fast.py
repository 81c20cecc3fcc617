"""FastSMOClassifier (Gram cache, optional shrinking) against libsvm and against the core SMO."""

import itertools

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.base import clone
from sklearn.datasets import make_classification, make_moons
from sklearn.metrics.pairwise import rbf_kernel
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from threadpoolctl import threadpool_info

from algorithms.svm import SMOClassifier, kkt_violations
from algorithms.svm_fast import FastSMOClassifier, _gram_rows, _GramCache, _Solver

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


@pytest.mark.parametrize(
    ("n", "size_mb", "dense"), [(512, 1.0, True), (512, 0.999, False), (513, 1.0, False)]
)
def test_gram_is_dense_when_n_squared_float32_values_fit(n, size_mb, dense):
    # the dense Gram takes n^2 * 4 bytes: 512^2 * 4 = 1,048,576 bytes = 1 MB exactly, so it fits in
    # 1 MB (and not in 0.999 MB); 513^2 * 4 = 1,052,676 bytes does not fit in 1 MB
    cache = _GramCache(np.zeros((n, 1)), {"kernel": "linear"}, size_mb)
    assert cache.dense == dense
    if not dense:  # LRU rows of 8 n bytes instead: floor(size_mb * 2**20 / (8 n)) of them
        assert cache.lru.capacity == int(size_mb * 2**20) // (8 * n)


@pytest.mark.parametrize("cache_size", [200.0, 0.0])  # dense float32 Gram, and LRU float64 rows
@pytest.mark.parametrize("C", [1.0, 1e-3])
def test_far_apart_points_keep_their_tiny_multipliers(C, cache_size):
    """x_1 = (0, 0), x_2 = (10^6, 10^6), linear kernel: alpha_1 = alpha_2 = 2 / |x_1 - x_2|^2 = 1e-12
    and w = (1e-6, 1e-6), as in the core's test. The step snaps alpha < 1e-12 * C to 0 as round-off;
    this optimum is 1e-12 * C at C = 1 and 1e-9 * C at C = 1e-3, so it must be kept."""
    X = np.array([[0.0, 0.0], [1e6, 1e6]])
    svm = FastSMOClassifier(C=C, kernel="linear", tol=1e-9, cache_size=cache_size).fit(X, [0, 1])
    # the dense Gram holds K_22 = 2e12 as float32 (4e-9 relative off), so the score update after
    # the first, exact step leaves a gap of ~4e-9 > tol and a second step moves alpha by ~4e-9
    assert_allclose(svm.alpha_, [1e-12, 1e-12], rtol=1e-8)
    assert svm.support_.tolist() == [0, 1]
    assert_allclose(svm.coef_, [1e-6, 1e-6], rtol=1e-8)
    assert_allclose(svm.intercept_, -1.0, rtol=1e-6)
    assert svm.predict([[1e5, 1e5], [9e5, 9e5]]).tolist() == [0, 1]


def _blas_threads() -> list[int]:
    return [d["num_threads"] for d in threadpool_info() if d["user_api"] == "blas"]


def test_fit_solves_with_one_blas_thread_and_restores_the_limit(monkeypatch):
    # the docstring: one BLAS thread during the solve, as libsvm; the caller's setting comes back
    seen = []

    def solve(self, X, y):
        seen.append(_blas_threads())
        return self

    before = _blas_threads()
    monkeypatch.setattr(FastSMOClassifier, "_fit", solve)
    FastSMOClassifier().fit(np.array([[0.0], [1.0]]), [0, 1])
    assert seen and seen[0] and all(t == 1 for t in seen[0]), seen
    assert _blas_threads() == before


def test_defaults_are_the_core_defaults_and_no_shrinking():
    # the docstring: every parameter "as SMOClassifier", and shrinking off by default
    assert FastSMOClassifier().get_params() == SMOClassifier().get_params() | {"shrinking": False}


def test_every_argument_is_kept_as_given():
    # scikit-learn's contract (clone and GridSearchCV rebuild the estimator from get_params)
    params = {
        "C": 2.0,
        "kernel": "poly",
        "gamma": 0.5,
        "degree": 2,
        "coef0": 1.5,
        "tol": 1e-4,
        "max_iter": 10,
        "cache_size": 3.0,
        "shrinking": True,
    }
    assert FastSMOClassifier(**params).get_params() == params
    assert clone(FastSMOClassifier(**params)).get_params() == params


def test_dense_gram_rows_are_float32_kernel_rows():
    # the dense Gram is budgeted at n^2 * 4 bytes: float32, as libsvm's kernel cache
    X = np.random.default_rng(0).normal(size=(6, 3))
    params = {"kernel": "rbf", "gamma": 0.5}
    cache = _GramCache(X, params, size_mb=1.0)
    assert cache.dense and cache.K.dtype == np.float32 and cache.K.nbytes == 6 * 6 * 4
    # float32 keeps ~7 significant digits of a kernel value in (0, 1]
    assert_allclose(cache(2), rbf_kernel(X[2:3], X, gamma=0.5)[0], rtol=1e-6)
    assert cache.counts() == (0, 1)
    cache(2)
    cache(4)
    assert cache.counts() == (1, 2)  # (hits, misses): row 2 again, then a new row


def test_rbf_rows_never_exceed_one_far_from_the_origin():
    # |x|^2 + |z|^2 - 2 x.z loses ~8 digits at |x| ~ 1e4 and can come out slightly negative;
    # exp(-gamma d^2) with d^2 >= 0 is at most 1, with equality at x = z
    X = 1e4 + np.random.default_rng(1).normal(size=(8, 3))
    sq = np.einsum("ij,ij->i", X, X)
    K = _gram_rows(X, X, sq, sq, {"kernel": "rbf", "gamma": 1.0})
    assert K.max() <= 1.0
    assert_allclose(K, rbf_kernel(X, gamma=1.0), atol=1e-6)  # ~1e-8 relative round-off in d^2 * 1e8


@pytest.mark.parametrize("cache_size", [200.0, 0.0])
def test_one_step_problem_reads_two_kernel_rows(cache_size):
    # two points, one per class: one SMO step, which reads the rows of i and j once each
    svm = FastSMOClassifier(kernel="linear", cache_size=cache_size).fit([[0.0], [1.0]], [0, 1])
    assert svm.n_iter_ == 1
    assert (svm.cache_hits_, svm.cache_misses_) == (0, 2)


@pytest.mark.parametrize("cache_size", [0.0, 200.0])  # recomputed in blocks / gathered from the Gram
def test_unshrink_rebuilds_every_inactive_score(cache_size):
    """After shrinking, inactive scores are stale; unshrink must set s_t = y_t - sum_j alpha_j y_j
    K(x_t, x_j) (the module docstring) for every inactive t, checked with scikit-learn's kernel.
    550 inactive variables: more than two blocks of BLOCK = 256 rows."""
    X, y01 = _data(600, 5)
    y = np.where(y01 == 1, 1.0, -1.0)
    rng = np.random.default_rng(0)
    alpha = rng.uniform(0.0, 1.0, size=600) * (rng.random(600) < 0.7)
    P = _Solver(X, y, 1.0, {"kernel": "rbf", "gamma": 0.2}, cache_size)
    if cache_size:
        for j in np.flatnonzero(alpha > 0):  # SMO has read the row of every alpha_j > 0
            P.row(j)
    P.alpha[:] = alpha
    P.s[:] = 0.0  # stale everywhere
    P.A = P._activate(np.arange(50))
    P.unshrink()
    expected = y - rbf_kernel(X, gamma=0.2) @ (alpha * y)
    # float64 rows agree to round-off; the float32 Gram to ~1e-7 per entry times sum |beta| ~ 200
    assert_allclose(P.s[50:], expected[50:], rtol=0, atol=1e-10 if cache_size == 0.0 else 1e-4)
    assert P.n_unshrink == 1 and len(P.A.idx) == 600


def test_shrinking_follows_libsvms_schedule(monkeypatch):
    """The module docstring's schedule, at n = 300 (linear kernel: ~2,500 steps): shrink every
    min(n, 1000) = 300 steps; unshrink once for an exact refresh when m - M first drops to <= 10 tol;
    when m - M < tol on A, unshrink to verify on all n and, if SMO must go on, shrink again at once."""
    import algorithms.svm_fast as svm_fast

    events, steps = [], [0]  # (what, SMO steps so far, m - M on A)
    step, shrink, unshrink = svm_fast._Solver.step, svm_fast._Solver.shrink, svm_fast._Solver.unshrink

    def counting_step(self, i, b):
        steps[0] += 1
        step(self, i, b)

    def logged(name, method):
        def call(self):
            events.append((name, steps[0], svm_fast._gap(self.A)))
            method(self)

        return call

    monkeypatch.setattr(svm_fast._Solver, "step", counting_step)
    monkeypatch.setattr(svm_fast._Solver, "shrink", logged("shrink", shrink))
    monkeypatch.setattr(svm_fast._Solver, "unshrink", logged("unshrink", unshrink))
    X, y = _data(300, 0)
    tol = 5e-3  # m - M is <= 10 tol at three shrink checks: only the first may refresh
    svm = FastSMOClassifier(C=1.0, kernel="linear", tol=tol, shrinking=True).fit(X, y)
    assert svm.converged_
    # the refresh: the only unshrink with m - M >= tol, at a shrink check (shrinking follows at once)
    refreshes = [(k, gap) for what, k, gap in events if what == "unshrink" and gap >= tol]
    assert len(refreshes) == 1, events
    (k, gap) = refreshes[0]
    assert gap <= 10 * tol and ("shrink", k) in [e[:2] for e in events], events
    verifications = [k for what, k, gap in events if what == "unshrink" and gap < tol]
    shrinks = [k for what, k, _ in events if what == "shrink"]
    assert len(shrinks) >= 5, events
    for a, b in itertools.pairwise(shrinks):
        verified = [v for v in verifications if a <= v < b]
        assert b == (verified[-1] + 1 if verified else a + 300), (a, b, events)
