"""FastSMOClassifier.fit and its loop: the exact pair step against the two-variable subproblem solved
by hand (and libsvm's SVC), the strict stopping rule m - M < tol (libsvm's), the once-only score
refresh at m - M <= 10 tol (libsvm's svm.cpp), the max_iter warning the docstring promises, and the
one-BLAS-thread limit (threadpoolctl's view of the loaded libraries)."""

import warnings
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.datasets import make_classification, make_moons
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from threadpoolctl import threadpool_info, threadpool_limits

import algorithms
import algorithms.svm_fast as svm_fast
from algorithms.kernels import kernel_matrix
from algorithms.svm_fast import FastSMOClassifier


@pytest.mark.parametrize(
    ("X", "params"),
    [
        (np.array([[0.0, 0.0], [1.0, 0.5]]), {"kernel": "rbf", "gamma": 1.0}),
        (np.array([[1.0, 1.0], [2.0, 0.0]]), {"kernel": "linear"}),
    ],
)
@pytest.mark.parametrize("C", [0.5, 10.0])
@pytest.mark.parametrize("cache_size", [200.0, 0.0])  # dense float32 Gram, and LRU float64 rows
def test_two_point_problem_is_solved_by_one_exact_step(X, params, C, cache_size):
    """One point per class: y^T alpha = 0 forces alpha_1 = alpha_2 = s and the dual is
    f(s) = 1/2 s^2 (K_11 + K_22 - 2 K_12) - 2 s, so s* = min(C, 2 / (K_11 + K_22 - 2 K_12)).
    SMO's first step is delta = b / a with b = m - M = 2 and a = K_11 + K_22 - 2 K_12: exactly s*.
    Here K_12 != 0 (K_12 = 2 for the linear pair, e^-1.25 for the RBF pair), so a curvature with a
    wrong K_12 term gives a wrong first step and more steps."""
    y = np.array([1, -1])
    K = kernel_matrix(X, X, **params)
    expected = min(C, 2.0 / (K[0, 0] + K[1, 1] - 2 * K[0, 1]))
    ours = FastSMOClassifier(C=C, tol=1e-9, cache_size=cache_size, **params).fit(X, y)
    ref = SVC(C=C, tol=1e-9, **params).fit(X, y)
    # the dense Gram stores K as float32 (~6e-8 relative), so the step is exact to ~1e-6
    assert_allclose(ours.alpha_, [expected, expected], rtol=1e-6, err_msg="ours vs analytic s*")
    assert_allclose(np.sort(np.abs(ref.dual_coef_[0])), [expected, expected], rtol=1e-6)
    assert ours.n_iter_ == 1, f"the exact pair step solves the problem, took {ours.n_iter_} steps"


@pytest.mark.parametrize("shrinking", [False, True])
def test_a_gap_equal_to_tol_is_not_below_tol(shrinking):
    """At alpha = 0 the scores are s_t = -y_t G_t = y_t (G = -e), so m = 1 and M = -1: m - M = 2
    exactly. The rule is "stop when m - M < tol" (libsvm: Gmax + Gmax2 < eps), so tol = 2 must
    not stop before the first step; that step solves this two-point problem (alpha = 2 / |x_1 - x_2|^2
    = 1/2, both free) and leaves m - M = 0."""
    svm = FastSMOClassifier(kernel="linear", C=10.0, tol=2.0, shrinking=shrinking).fit(
        [[-1.0], [1.0]], [0, 1]
    )
    assert svm.converged_ and svm.n_iter_ == 1
    assert_allclose(svm.alpha_, [0.5, 0.5], rtol=1e-12)


def _moons(n, seed):
    X, y = make_moons(n, noise=0.3, random_state=seed)
    return StandardScaler().fit_transform(X), y


def test_a_gap_equal_to_tol_on_the_shrunk_set_is_neither_convergence_nor_a_verification():
    """Shrinking first runs at the n-th selection (every min(n, 1000) = n steps). On this problem
    m - M there, g, is lower than at every earlier step, so with tol = g the solver reaches it,
    shrinks, and meets m - M == tol on the shrunk set. "Below tol" is strict: it must take the
    step, not stop and not unshrink to verify. With max_iter = n the one reconstruction of the
    inactive scores then comes after that step (to verify m - M < tol on all n, or at the end);
    an unshrink at m - M == tol would make two (SMO goes on, shrinks again at once, and must
    rebuild again)."""
    n = 20
    X, y = _moons(n, 0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # stopping at max_iter is the point
        # no shrinking, n - 1 steps: kkt_gap_ is m - M at the n-th selection (same path so far)
        g = FastSMOClassifier(C=1.0, tol=1e-12, max_iter=n - 1).fit(X, y).kkt_gap_
        svm = FastSMOClassifier(C=1.0, tol=g, max_iter=n, shrinking=True).fit(X, y)
    assert svm.n_iter_ == n  # it took the n-th step, at m - M == tol
    assert svm.n_unshrink_ == 1


def test_scores_are_refreshed_once_at_the_first_check_with_gap_at_most_10_tol(monkeypatch):
    """libsvm (svm.cpp, do_shrinking): `if (!unshrink && Gmax1 + Gmax2 <= eps * 10)` reconstructs
    the scores once. _gap (m - M at a shrink check) is replaced by scripted values on either side
    of 10 tol: 10.5 tol must not refresh, exactly 10 tol must, and no later check may refresh
    again. A refresh is an unshrink between a check and its shrink."""
    tol = 1e-3
    script = [10.5 * tol, 10 * tol, 5 * tol, 5 * tol]
    events = []
    real_gap = svm_fast._gap
    shrink, unshrink = svm_fast._Solver.shrink, svm_fast._Solver.unshrink

    def scripted_gap(A):
        events.append("check")
        n_checks = events.count("check")
        return script[n_checks - 1] if n_checks <= len(script) else real_gap(A)

    def logged(name, method):
        def call(self):
            events.append(name)
            method(self)

        return call

    monkeypatch.setattr(svm_fast, "_gap", scripted_gap)
    monkeypatch.setattr(svm_fast._Solver, "shrink", logged("shrink", shrink))
    monkeypatch.setattr(svm_fast._Solver, "unshrink", logged("unshrink", unshrink))
    X, y = make_classification(60, n_features=5, n_informative=3, flip_y=0.1, random_state=0)
    X = StandardScaler().fit_transform(X)
    svm = FastSMOClassifier(C=1.0, kernel="linear", tol=tol, shrinking=True).fit(X, y)
    assert svm.converged_
    assert events.count("shrink") >= len(script), events  # the run went through every scripted check
    refreshed_at = [
        events[:k].count("check")
        for k in range(1, len(events) - 1)
        if events[k - 1 : k + 2] == ["check", "unshrink", "shrink"]
    ]
    assert refreshed_at == [2], events


def test_max_iter_warning_names_the_callers_line_not_the_library():
    """The docstring: reaching max_iter warns. The warning is raised with a stacklevel that
    attributes it to the code that called fit, so it must not point inside algorithms/."""
    X, y = _moons(40, 1)
    with pytest.warns(RuntimeWarning, match=r"SMO stopped at max_iter=3 with KKT gap") as record:
        FastSMOClassifier(C=1.0, tol=1e-9, max_iter=3).fit(X, y)
    library = Path(algorithms.__file__).resolve().parent
    for w in record:
        assert not Path(w.filename).resolve().is_relative_to(library), (w.filename, w.lineno)


def _threads(api):
    return sorted({d["num_threads"] for d in threadpool_info() if d["user_api"] == api})


def test_fit_limits_only_blas_to_one_thread_and_restores_the_callers_setting(monkeypatch):
    """The comment in fit: one BLAS thread for the solve, as libsvm. The caller asks for 2 threads
    everywhere first (so the test means something when the environment already pins BLAS to 1):
    during the solve BLAS runs 1 thread and OpenMP keeps the caller's setting; afterwards BLAS is
    back to 2."""
    seen = {}

    def solve(self, X, y):
        seen["blas"], seen["openmp"] = _threads("blas"), _threads("openmp")
        return self

    monkeypatch.setattr(FastSMOClassifier, "_fit", solve)
    with threadpool_limits(limits=2):
        assert _threads("blas") == [2]
        # reference: what a BLAS-only limit of 1 does to OpenMP in this process. A BLAS threaded
        # by OpenMP (faiss bundles one) takes its OpenMP runtime down with it; the runtimes no
        # BLAS uses keep the caller's 2. A limit on every pool would take them all to 1.
        with threadpool_limits(limits=1, user_api="blas"):
            expected_openmp = _threads("openmp")
        FastSMOClassifier().fit(np.array([[0.0], [1.0]]), [0, 1])
        assert seen["blas"] == [1], seen
        assert seen["openmp"] == expected_openmp, (seen, expected_openmp)
        assert _threads("blas") == [2]
