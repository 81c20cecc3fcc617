"""Shrinking internals of algorithms.svm_fast, each against a rule written out plainly here.

- ``_Active.set_status``: the bound snapping of the core ``SMOClassifier`` step (a multiplier closer
  than 1e-12 C to a bound is round-off) and libsvm's I_up / I_low membership.
- ``_Active.shrinkable`` and ``_Solver.shrink``: libsvm's ``Solver::be_shrunk(i, Gmax1, Gmax2)``,
  copied in terms of the gradient G_t = -y_t s_t, on a random mid-optimisation state with ties.
- ``_Solver.unshrink``: one count per reconstruction (``n_unshrink_``), and a refresh that costs an
  (n_SV x n_inactive) kernel product (``FastSMOClassifier``'s docstring), with scores checked
  against scikit-learn's RBF kernel.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.metrics.pairwise import rbf_kernel

import algorithms.svm_fast as svm_fast
from algorithms.svm_fast import _Active, _Solver

C = 2.0


def _in_up_low(alpha, y, C):
    """libsvm's sets: I_up = {y = +1, alpha < C} u {y = -1, alpha > 0}, I_low the mirror image."""
    up = ((y == 1) & (alpha < C)) | ((y == -1) & (alpha > 0))
    low = ((y == 1) & (alpha > 0)) | ((y == -1) & (alpha < C))
    return up, low


def _libsvm_be_shrunk(alpha, y, s, C):
    """libsvm's do_shrinking / be_shrunk, loop for loop, with G = -y s (s = -y G, y = +-1)."""
    G = -y * s
    up, low = _in_up_low(alpha, y, C)
    Gmax1 = max(-y[t] * G[t] for t in np.flatnonzero(up))  # max over I_up of -y G = m
    Gmax2 = max(y[t] * G[t] for t in np.flatnonzero(low))  # max over I_low of y G = -M
    out = []
    for t in range(len(y)):
        if alpha[t] == C:  # is_upper_bound
            out.append(bool(-G[t] > Gmax1) if y[t] == 1 else bool(-G[t] > Gmax2))
        elif alpha[t] == 0:  # is_lower_bound
            out.append(bool(G[t] > Gmax2) if y[t] == 1 else bool(G[t] > Gmax1))
        else:  # a free variable is never shrunk
            out.append(False)
    return np.array(out)


def _mid_optimisation_state(n=60, seed=0):
    """y = +-1, about a third of alpha at 0, a third at C, a third free; s random with m > M, one
    only-down variable tied at s = m and one only-up variable tied at s = M (libsvm: not shrunk)."""
    rng = np.random.default_rng(seed)
    y = np.where(rng.random(n) < 0.5, 1.0, -1.0)
    kind = rng.integers(3, size=n)  # 0: at 0, 1: at C, 2: free
    alpha = np.select([kind == 0, kind == 1], [0.0, C], rng.uniform(0.1, 0.9, size=n) * C)
    up, low = _in_up_low(alpha, y, C)
    # free scores in [-0.5, 0.5]; bound ones reach past them on the side they cannot move to
    s = np.select(
        [up & low, up], [rng.uniform(-0.5, 0.5, n), rng.uniform(-2.0, 0.7, n)], rng.uniform(-0.7, 2.0, n)
    )
    m, M = s[up].max(), s[low].min()
    only_low, only_up = np.flatnonzero(low & ~up), np.flatnonzero(up & ~low)
    s[only_low[0]] = m  # the ties do not move m or M: neither variable is in the other set
    s[only_up[0]] = M
    return alpha, y, s


def test_mid_optimisation_state_covers_every_case():
    alpha, y, s = _mid_optimisation_state()
    up, low = _in_up_low(alpha, y, C)
    shrunk = _libsvm_be_shrunk(alpha, y, s, C)
    # bound variables on either side, shrunk and kept, so each clause of the rule matters
    for side in (low & ~up, up & ~low):
        assert shrunk[side].any() and not shrunk[side].all()
    assert (up & low).any()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_shrinkable_is_libsvms_be_shrunk(seed):
    alpha, y, s = _mid_optimisation_state(seed=seed)
    A = _Active(np.arange(len(y)), y, alpha, s, np.ones(len(y)), C)
    np.testing.assert_array_equal(A.shrinkable(), _libsvm_be_shrunk(alpha, y, s, C))


def test_shrink_keeps_exactly_the_variables_libsvm_keeps():
    alpha, y, s = _mid_optimisation_state(n=40, seed=3)
    X = np.random.default_rng(3).normal(size=(40, 2))
    P = _Solver(X, y, C, {"kernel": "rbf", "gamma": 0.5}, 200.0)
    P.alpha[:], P.s[:] = alpha, s
    P.A = P._activate(np.arange(40))
    P.shrink()
    kept = np.flatnonzero(~_libsvm_be_shrunk(alpha, y, s, C))
    np.testing.assert_array_equal(P.A.idx, kept)
    # the compact copies on A are the full arrays restricted to the kept variables
    np.testing.assert_array_equal(P.A.alpha, alpha[kept])
    np.testing.assert_array_equal(P.A.s, s[kept])
    assert P.shrunk


def test_shrink_keeps_everything_when_every_variable_could_go():
    # alpha = 0 for y = (+1, -1): variable 0 can only move up, variable 1 only down; with
    # s = (-1, 1) we have m = s_0 < M = s_1, so both are shrinkable. The docstring: "kept if all could".
    X = np.array([[0.0], [1.0]])
    y = np.array([1.0, -1.0])
    P = _Solver(X, y, 1.0, {"kernel": "linear"}, 200.0)
    P.s[:] = [-1.0, 1.0]
    P.A = P._activate(np.arange(2))
    assert P.A.shrinkable().all()
    P.shrink()
    assert P.A.idx.tolist() == [0, 1] and not P.shrunk


def _one_variable(alpha_t, y_t, score=0.25):
    A = _Active(np.arange(1), np.array([y_t]), np.array([0.5 * C]), np.array([score]), np.ones(1), C)
    A.alpha[0] = alpha_t  # as SMO's step leaves it, before set_status
    A.set_status(0)
    return A


@pytest.mark.parametrize("y_t", [1.0, -1.0])
@pytest.mark.parametrize(
    ("alpha_t", "snapped"),
    [
        (1e-13 * C, 0.0),  # round-off above 0
        (-1e-13 * C, 0.0),  # clipped into the box
        (C * (1 - 1e-13), C),  # round-off below C
        (C * (1 + 1e-13), C),
        (1e-12 * C, 1e-12 * C),  # exactly 1e-12 C from a bound is a real value (core rule: strict)
        (C * (1 - 1e-12), C * (1 - 1e-12)),
        (0.3 * C, 0.3 * C),
    ],
)
def test_set_status_snaps_round_off_like_the_core_step(alpha_t, snapped, y_t):
    A = _one_variable(alpha_t, y_t)
    assert A.alpha[0] == snapped
    up, low = _in_up_low(np.array([snapped]), np.array([y_t]), C)
    assert (A.up[0], A.low[0]) == (up[0], low[0])
    # the score survives the change of membership: +-inf only where the variable left a set
    assert A.s_up[0] == (0.25 if up[0] else -np.inf)
    assert A.s_low[0] == (0.25 if low[0] else np.inf)


def test_each_reconstruction_is_counted():
    X = np.random.default_rng(4).normal(size=(30, 2))
    y = np.where(np.arange(30) % 2 == 0, 1.0, -1.0)
    P = _Solver(X, y, 1.0, {"kernel": "rbf", "gamma": 0.5}, 200.0)
    P.unshrink()  # nothing inactive: nothing to reconstruct
    assert P.n_unshrink == 0
    for count in (1, 2, 3):
        P.A = P._activate(np.arange(10))
        P.unshrink()
        assert P.n_unshrink == count and not P.shrunk


def test_refresh_computes_kernel_values_only_for_inactive_rows(monkeypatch):
    """FastSMOClassifier's docstring: an exact score refresh costs an (n_SV x n_inactive) product.
    With LRU rows (cache_size 0) it is computed in blocks by _gram_rows: count the rows asked for."""
    n, n_active = 80, 30
    rng = np.random.default_rng(5)
    X = rng.normal(size=(n, 3))
    y = np.where(rng.random(n) < 0.5, 1.0, -1.0)
    alpha = rng.uniform(0.0, 1.0, size=n) * (rng.random(n) < 0.5)
    exact = y - rbf_kernel(X, gamma=0.5) @ (alpha * y)
    P = _Solver(X, y, 1.0, {"kernel": "rbf", "gamma": 0.5}, 0.0)
    P.alpha[:], P.s[:] = alpha, exact
    P.A = P._activate(np.arange(n_active))
    P.s[n_active:] = 0.0  # stale while inactive
    shapes = []
    gram_rows = svm_fast._gram_rows

    def counted(Xb, Xs, *args):
        shapes.append((len(Xb), len(Xs)))
        return gram_rows(Xb, Xs, *args)

    monkeypatch.setattr(svm_fast, "_gram_rows", counted)
    P.unshrink()
    assert sum(r for r, _ in shapes) == n - n_active
    assert all(c == np.count_nonzero(alpha) for _, c in shapes)
    # float64 kernel rows: the rebuilt scores agree with scikit-learn's kernel to round-off
    assert_allclose(P.s, exact, rtol=0, atol=1e-12)
