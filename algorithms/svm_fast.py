"""SMO with libsvm's two speed-ups, shrinking and a Gram cache, kept apart from the readable core.

The optimisation problem, working-set rule (WSS2), step and bias are exactly those of
``algorithms.svm`` (read that module first). With the score s_t = -y_t G_t the core's

    m = max_{t in I_up} s_t,   M = min_{t in I_low} s_t,   stop when m - M < tol,

and the gradient update G <- G + delta y (K_i - K_j) becomes s <- s - delta (K_i - K_j),
since y_t^2 = 1. What changes here is only how much of the problem each step touches.

Gram cache. When the whole n x n Gram fits in ``cache_size`` MB as float32 (libsvm also
stores kernel values as float32), it is computed once, in row blocks, by BLAS; a kernel row
is then a view. Otherwise rows come from the core's LRU row cache (float64).

Shrinking (Joachims 1998, in libsvm's form). A bound variable that can move only down
(in I_low, not in I_up) with s_t > m cannot be chosen as j, and one that can move only up
with s_t < M cannot enter a violating pair; such variables are likely to stay at their
bound, so every min(n, 1000) steps they leave the active set A and each step costs O(|A|)
instead of O(n). The scores of inactive variables are not updated, so before stopping we
reconstruct them exactly,

    s_t = y_t - sum_{j : alpha_j > 0} alpha_j y_j K(x_t, x_j),

reactivate everything and test m - M < tol on all n variables; if that fails, SMO goes on
(libsvm does the same; it also unshrinks once when m - M first drops below 10 tol).
The answer is the same optimum up to tol; the path of working sets may differ a little.
Shrinking is off by default (see ``FastSMOClassifier``): measured, it does not pay here.
"""

from __future__ import annotations

import functools
import warnings

import numpy as np
from threadpoolctl import ThreadpoolController

from algorithms.kernels import kernel_diagonal, kernel_matrix
from algorithms.svm import TAU, SMOClassifier, _RowCache

BLOCK = 256  # rows of the Gram per BLAS call: a BLOCK x n float64 temporary stays cache-sized
SHRINK_EVERY = 1000  # libsvm: shrink every min(n, 1000) steps


@functools.cache
def _threadpools() -> ThreadpoolController:
    """Made once per process. ``threadpool_limits`` inspects every loaded library on each call
    (15-50 ms measured with torch and scikit-learn imported on a loaded machine, against a
    70 ms fit at n = 2,000); a controller made once only switches the limit."""
    return ThreadpoolController()


def _gram_rows(Xb: np.ndarray, X: np.ndarray, sq_b: np.ndarray, sq: np.ndarray, params: dict) -> np.ndarray:
    """K(Xb, X), shape (len(Xb), n); RBF in place as exp(min(-gamma (|x|^2 + |z|^2 - 2 x.z), 0))."""
    if params["kernel"] != "rbf":
        return kernel_matrix(Xb, X, **params)
    gamma = params["gamma"]
    D = Xb @ X.T
    D *= 2 * gamma
    D -= gamma * sq_b[:, None]
    D -= gamma * sq
    np.minimum(D, 0.0, out=D)  # a squared distance is >= 0; round-off can make it slightly < 0
    return np.exp(D, out=D)


class _GramCache:
    """Kernel rows K(x_i, X) of shape (n,), each computed once, on first use.

    If the n x n Gram fits in ``size_mb`` as float32 the rows go into one preallocated
    matrix (pages are touched only for rows SMO asks for); otherwise into the core's LRU.
    """

    def __init__(self, X: np.ndarray, params: dict, size_mb: float):
        n = len(X)
        self.X, self.params = X, params
        self.dense = n * n * 4 <= size_mb * 2**20
        self.hits = self.misses = 0
        if self.dense:
            self.K = np.empty((n, n), dtype=np.float32)
            self.have = np.zeros(n, dtype=bool)
            self.sq = np.einsum("ij,ij->i", X, X)
        else:
            self.lru = _RowCache(X, params, size_mb)

    def __call__(self, i: int) -> np.ndarray:
        if not self.dense:
            return self.lru(i)
        if self.have[i]:
            self.hits += 1
        else:
            self.misses += 1
            self.K[i] = _gram_rows(self.X[i : i + 1], self.X, self.sq[i : i + 1], self.sq, self.params)[0]
            self.have[i] = True
        return self.K[i]

    def counts(self) -> tuple[int, int]:
        return (self.hits, self.misses) if self.dense else (self.lru.hits, self.lru.misses)


class _Active:
    """The active set A (global indices) and compact copies of the per-variable arrays on A.

    Scores are kept twice, masked, so that selection needs no ``np.where`` per step:
    ``s_up[t] = s_t`` if t in I_up else -inf, and ``s_low[t] = s_t`` if t in I_low else +inf.
    Every variable is in I_up or I_low (or both) when C > 0, so s_t is always recoverable;
    a gradient update shifts both (the infinities stay infinite).
    """

    def __init__(self, idx: np.ndarray, y, alpha, s, diag, C: float):
        self.idx, self.C = idx, C
        self.y, self.alpha, self.diag = y[idx], alpha[idx], diag[idx]
        self.up = ((self.y > 0) & (self.alpha < C)) | ((self.y < 0) & (self.alpha > 0))
        self.low = ((self.y < 0) & (self.alpha < C)) | ((self.y > 0) & (self.alpha > 0))
        self.s_up = np.where(self.up, s[idx], -np.inf)
        self.s_low = np.where(self.low, s[idx], np.inf)

    @property
    def s(self) -> np.ndarray:
        """The scores s_t on A (a new array)."""
        return np.where(self.up, self.s_up, self.s_low)

    def write_back(self, alpha: np.ndarray, s: np.ndarray) -> None:
        alpha[self.idx], s[self.idx] = self.alpha, self.s

    def shift(self, d: np.ndarray) -> None:
        """s <- s - d on A."""
        self.s_up -= d
        self.s_low -= d

    def set_status(self, t: int) -> None:
        """Snap alpha_t to its bound against round-off and refresh its I_up / I_low membership."""
        # Python floats: comparisons of NumPy scalars cost microseconds each, twice per step
        C, a = self.C, min(max(float(self.alpha[t]), 0.0), self.C)
        a = 0.0 if a < 1e-12 * C else C if a > C * (1 - 1e-12) else a
        s_t = float(self.s_up[t] if self.up[t] else self.s_low[t])
        self.alpha[t] = a
        pos = bool(self.y[t] > 0)
        self.up[t] = (pos and a < C) or (not pos and a > 0)
        self.low[t] = (not pos and a < C) or (pos and a > 0)
        self.s_up[t] = s_t if self.up[t] else -np.inf
        self.s_low[t] = s_t if self.low[t] else np.inf

    def shrinkable(self) -> np.ndarray:
        """Mask over A of bound variables that cannot be in a violating pair now."""
        m, M = self.s_up.max(), self.s_low.min()
        only_low, only_up = self.low & ~self.up, self.up & ~self.low
        return (only_low & (self.s_low > m)) | (only_up & (self.s_up < M))


def _gap(A: _Active) -> float:
    """m - M on the active set."""
    return float(A.s_up.max() - A.s_low.min())


def _select(A: _Active) -> tuple[int, np.ndarray]:
    """i = argmax_{I_up} s_t and b_t = m - s_t on I_low (-inf elsewhere), so max b = m - M."""
    i = int(A.s_up.argmax())  # ndarray methods: the np.* wrappers cost ~5 us a call here
    return i, A.s_up[i] - A.s_low


class _Solver:
    """State of one fit: full-length alpha and s (exact on A only), the Gram cache, the active set."""

    def __init__(self, X: np.ndarray, y: np.ndarray, C: float, params: dict, cache_size: float):
        self.X, self.y, self.C, self.params = X, y, C, params
        self.n = len(X)
        self.row = _GramCache(X, params, cache_size)
        self.diag = kernel_diagonal(X, **params)
        self.alpha, self.s = np.zeros(self.n), y.copy()  # s = -y G and G = -e at alpha = 0
        self.A = self._activate(np.arange(self.n))
        self.n_unshrink = 0

    def _activate(self, idx: np.ndarray) -> _Active:
        return _Active(idx, self.y, self.alpha, self.s, self.diag, self.C)

    @property
    def shrunk(self) -> bool:
        return len(self.A.idx) < self.n

    def shrink(self) -> None:
        """Drop the variables that cannot be in a violating pair now (kept if all could)."""
        drop = self.A.shrinkable()
        if drop.any() and not drop.all():
            self.A.write_back(self.alpha, self.s)
            self.A = self._activate(self.A.idx[~drop])

    def unshrink(self) -> None:
        """Write A back, recompute the scores of inactive variables exactly, reactivate all."""
        self.A.write_back(self.alpha, self.s)
        if self.shrunk:
            self.n_unshrink += 1
            self._reconstruct(np.setdiff1d(np.arange(self.n), self.A.idx))
        self.A = self._activate(np.arange(self.n))

    def _reconstruct(self, inactive: np.ndarray) -> None:
        """s_t = y_t - sum_j alpha_j y_j K(x_t, x_j) for t in ``inactive``, in float64."""
        sv = np.flatnonzero(self.alpha > 0)
        beta = self.alpha[sv] * self.y[sv]
        if self.row.dense and self.row.have[sv].all():
            # every alpha_j > 0 was once in a working set, so its row is cached: a gather, no exp
            self.s[inactive] = self.y[inactive] - beta @ self.row.K[np.ix_(sv, inactive)].astype(np.float64)
            return
        sq = np.einsum("ij,ij->i", self.X, self.X)
        for start in range(0, len(inactive), BLOCK):
            t = inactive[start : start + BLOCK]
            Kt = _gram_rows(self.X[t], self.X[sv], sq[t], sq[sv], self.params)
            self.s[t] = self.y[t] - Kt @ beta

    def _row(self, t: int) -> np.ndarray:
        """K(x_t, x_u) for u in A, as float64: ``astype`` is a plain copy, while a ufunc given
        float32 input and ``dtype=float64`` takes NumPy's buffered cast loop, ~6x slower here."""
        K = self.row(self.A.idx[t])
        return (K[self.A.idx] if self.shrunk else K).astype(np.float64)

    def step(self, i: int, b: np.ndarray) -> None:
        """One SMO step on A: pick j by WSS2, move (alpha_i, alpha_j), update s on A."""
        A = self.A
        Ki = self._row(i)
        a = Ki * -2.0
        a += A.diag
        a += A.diag[i]
        np.maximum(a, TAU, out=a)  # a_t = K_ii + K_tt - 2 K_it
        np.maximum(b, 0.0, out=b)  # only t in I_low with s_t < m are candidates
        gain = b * b
        gain /= a
        j = int(gain.argmax())  # = argmin -b_t^2 / a_t over the candidates
        Kj = self._row(j)
        C, yi, yj = self.C, float(A.y[i]), float(A.y[j])
        ai, aj = float(A.alpha[i]), float(A.alpha[j])
        delta = min(float(b[j] / a[j]), C - ai if yi > 0 else ai, aj if yj > 0 else C - aj)
        A.alpha[i] += yi * delta
        A.alpha[j] -= yj * delta
        A.set_status(i)
        A.set_status(j)
        Ki -= Kj
        Ki *= delta
        A.shift(Ki)


class FastSMOClassifier(SMOClassifier):
    """Binary C-SVM by SMO with shrinking and a Gram cache (same optimum as ``SMOClassifier``).

    Parameters
    ----------
    C, kernel, gamma, degree, coef0, tol, max_iter, cache_size : as ``SMOClassifier``;
        ``cache_size`` (MB) decides between the dense float32 Gram (n^2 * 4 bytes) and LRU rows.
    shrinking : bool
        Use the shrinking heuristic. libsvm's default is True; ours is False because
        ``make bench`` measures it slower up to n = 5,000: a step here costs ~15 NumPy calls
        whose fixed overhead, not the O(|A|) work, dominates, so a smaller A saves little
        while each exact score refresh costs a (n_SV x n_inactive) product.

    Attributes
    ----------
    As ``SMOClassifier``, plus ``dense_gram_`` (bool) and ``n_unshrink_`` (score reconstructions).
    """

    def __init__(
        self,
        C: float = 1.0,
        kernel: str = "rbf",
        gamma: float = 1.0,
        degree: int = 3,
        coef0: float = 0.0,
        tol: float = 1e-3,
        max_iter: int = 1_000_000,
        cache_size: float = 200.0,
        shrinking: bool = False,
    ):
        super().__init__(
            C=C,
            kernel=kernel,
            gamma=gamma,
            degree=degree,
            coef0=coef0,
            tol=tol,
            max_iter=max_iter,
            cache_size=cache_size,
        )
        self.shrinking = shrinking

    def fit(self, X, y) -> FastSMOClassifier:
        X, y = self._validate(X, y)
        # One BLAS thread, as libsvm: a kernel row is an (n x d) gemv, far too small to pay
        # for a thread hand-off, and on a loaded machine a second thread waits for a core.
        with _threadpools().limit(limits=1, user_api="blas"):
            return self._fit(X, y)

    def _fit(self, X: np.ndarray, y: np.ndarray) -> FastSMOClassifier:
        P = _Solver(X, y, float(self.C), self._params(), self.cache_size)
        every = min(P.n, SHRINK_EVERY)
        counter, unshrunk_once, n_iter, converged = every, False, 0, False
        while True:
            counter -= 1
            if counter == 0:
                counter = every
                if self.shrinking and not unshrunk_once and _gap(P.A) <= 10 * self.tol:
                    P.unshrink()  # libsvm: one exact refresh when first close to the optimum
                    unshrunk_once = True
                if self.shrinking:
                    P.shrink()
            i, b = _select(P.A)
            gap = b[b.argmax()]  # = m - M; ndarray.max() goes through a Python wrapper
            if gap < self.tol and P.shrunk:
                P.unshrink()  # optimal on A: verify on all n variables
                i, b = _select(P.A)
                gap = b[b.argmax()]
                counter = 1  # if SMO must go on, shrink again at once (as libsvm)
            if gap < self.tol:
                converged = True
                break
            if n_iter == self.max_iter:
                warnings.warn(
                    f"SMO stopped at max_iter={self.max_iter} with KKT gap {gap:.3g} > "
                    f"tol {self.tol}; raise max_iter or tol",
                    RuntimeWarning,
                    stacklevel=3,  # _fit <- fit <- the caller
                )
                break
            n_iter += 1
            P.step(i, b)
        P.unshrink()  # exact scores everywhere for the bias and the dual objective
        self._store_solution(X, y, P.alpha, -y * P.s, n_iter, converged)
        self.cache_hits_, self.cache_misses_ = P.row.counts()
        self.dense_gram_, self.n_unshrink_ = P.row.dense, P.n_unshrink
        return self
