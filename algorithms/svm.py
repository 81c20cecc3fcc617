"""Soft-margin C-SVM solved in the dual by SMO (Platt's idea, libsvm's working-set rule).

Primal:   min_{w,b,xi} 1/2 ||w||^2 + C sum_i xi_i   s.t. y_i (w^T phi(x_i) + b) >= 1 - xi_i, xi_i >= 0
Lagrangian stationarity gives w = sum_i alpha_i y_i phi(x_i) and sum_i alpha_i y_i = 0, so

Dual:     min_alpha f(alpha) = 1/2 alpha^T Q alpha - e^T alpha,   Q_ij = y_i y_j K(x_i, x_j)
          s.t.  0 <= alpha_i <= C,   y^T alpha = 0
Decision: f(x) = sum_i alpha_i y_i K(x_i, x) + b

SMO changes two multipliers at a time, the smallest step that keeps y^T alpha = 0:
alpha_i += y_i * delta, alpha_j -= y_j * delta. With the gradient G = Q alpha - e,

    I_up  = {t : alpha_t < C, y_t = +1  or  alpha_t > 0, y_t = -1}   (can move "up")
    I_low = {t : alpha_t < C, y_t = -1  or  alpha_t > 0, y_t = +1}
    m = max_{t in I_up} -y_t G_t,   M = min_{t in I_low} -y_t G_t

KKT holds iff m <= M; we stop when m - M < tol (libsvm's criterion and default 1e-3).
Working set (second order, "WSS2" of Fan, Chen & Lin 2005, as libsvm):
    i = argmax_{t in I_up} -y_t G_t
    j = argmin_{t in I_low, -y_t G_t < m} -b_t^2 / a_t,   b_t = m + y_t G_t > 0,
                                                           a_t = K_ii + K_tt - 2 K_it
Along the pair, f(delta) = f - b delta + a delta^2 / 2, so delta = b / a clipped to the box,
and the gradient update is G <- G + delta * y * (K_i - K_j) (two kernel rows, O(n)).

The bias: a free vector (0 < alpha_t < C) lies on its margin, y_t f(x_t) = 1, which gives
b = -y_t G_t; we average over free vectors, or take (m + M)/2 if there are none.
Kernel rows are computed on demand and kept in an LRU cache of ``cache_size`` MB.
No shrinking heuristic (libsvm's speed-up): every iteration scans all n points. The same
solver with shrinking and a dense float32 Gram cache is ``algorithms.svm_fast``.
"""

from __future__ import annotations

import warnings
from collections import OrderedDict
from dataclasses import astuple, dataclass

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from algorithms.kernels import KERNELS, kernel_diagonal, kernel_matrix

TAU = 1e-12  # libsvm's floor for a_t when K is not strictly PD along the pair


class _RowCache:
    """LRU cache of kernel rows K(x_i, X), each of shape (n,)."""

    def __init__(self, X: np.ndarray, params: dict, size_mb: float):
        self.X, self.params = X, params
        self.capacity = max(2, int(size_mb * 2**20 // (8 * len(X))))
        self.rows: OrderedDict[int, np.ndarray] = OrderedDict()
        self.hits = self.misses = 0

    def __call__(self, i: int) -> np.ndarray:
        row = self.rows.get(i)
        if row is not None:
            self.rows.move_to_end(i)
            self.hits += 1
            return row
        self.misses += 1
        row = kernel_matrix(self.X[i : i + 1], self.X, **self.params)[0]
        self.rows[i] = row
        if len(self.rows) > self.capacity:
            self.rows.popitem(last=False)
        return row


class SMOClassifier(ClassifierMixin, BaseEstimator):
    """Binary C-SVM by SMO, a scikit-learn classifier (``clone`` and ``GridSearchCV`` work).

    Parameters
    ----------
    C : float
        Box constraint, > 0.
    kernel : {"linear", "poly", "rbf", "sigmoid"}
    gamma, degree, coef0 : kernel parameters (see ``algorithms.kernels``).
    tol : float
        Stop when the maximal KKT violation m - M is below tol.
    max_iter : int
        Cap on SMO steps; reaching it warns and leaves ``converged_`` False.
    cache_size : float
        Kernel-row cache in MB.

    Attributes
    ----------
    classes_ : ndarray of shape (2,)          classes_[1] is the positive class (+1)
    alpha_ : ndarray of shape (n_samples,)    dual variables
    support_ : ndarray of int                 indices with alpha > 0
    dual_coef_ : ndarray of shape (n_SV,)     alpha_i y_i on the support vectors
    intercept_ : float                        b
    coef_ : ndarray of shape (n_features,)    w = sum alpha_i y_i x_i (linear kernel only)
    dual_objective_ : float                   e^T alpha - 1/2 alpha^T Q alpha (maximised)
    kkt_gap_ : float                          m - M at exit
    n_iter_ : int
    n_features_in_ : int
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
    ):
        self.C = C
        self.kernel = kernel
        self.gamma = gamma
        self.degree = degree
        self.coef0 = coef0
        self.tol = tol
        self.max_iter = max_iter
        self.cache_size = cache_size

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False  # one dual problem separates two classes
        return tags

    def _params(self) -> dict:
        return {"kernel": self.kernel, "gamma": self.gamma, "degree": self.degree, "coef0": self.coef0}

    def _validate(self, X, y) -> tuple[np.ndarray, np.ndarray]:
        if not (np.isscalar(self.C) and self.C > 0 and np.isfinite(self.C)):
            raise ValueError(f"C must be a finite number > 0, got {self.C!r}")
        if self.kernel not in KERNELS:
            raise ValueError(f"unknown kernel {self.kernel!r}; choose from {KERNELS}")
        if self.kernel != "linear" and not self.gamma > 0:
            raise ValueError(f"gamma must be > 0, got {self.gamma}")
        if not self.tol > 0:
            raise ValueError(f"tol must be > 0, got {self.tol}")
        X = np.asarray(X, dtype=float)
        y = np.asarray(y)
        if X.ndim != 2 or len(X) == 0:
            raise ValueError(f"X must be a non-empty 2-D array (n_samples, n_features), got shape {X.shape}")
        if y.ndim != 1 or len(y) != len(X):
            raise ValueError(
                f"y must be 1-D with one label per row of X: X has {len(X)} rows, y has shape {y.shape}"
            )
        if not np.isfinite(X).all():
            raise ValueError(f"X contains {int((~np.isfinite(X)).sum())} non-finite values (NaN or inf)")
        if y.dtype.kind == "f" and not np.isfinite(y).all():
            raise ValueError("y contains non-finite labels (NaN or inf)")
        self.classes_ = np.unique(y)
        if len(self.classes_) != 2:
            raise ValueError(
                f"Only binary classification is supported: y must hold exactly 2 classes, "
                f"got {len(self.classes_)} ({self.classes_[:5]})"
            )
        self.n_features_in_ = X.shape[1]
        return X, np.where(y == self.classes_[1], 1.0, -1.0)

    def fit(self, X, y) -> SMOClassifier:
        X, y = self._validate(X, y)
        n, C = len(X), float(self.C)
        row = _RowCache(X, self._params(), self.cache_size)
        diag = kernel_diagonal(X, **self._params())
        alpha = np.zeros(n)
        G = -np.ones(n)  # gradient of f at alpha = 0
        converged, n_iter = False, 0
        while True:
            score = -y * G
            up = ((y > 0) & (alpha < C)) | ((y < 0) & (alpha > 0))
            low = ((y < 0) & (alpha < C)) | ((y > 0) & (alpha > 0))
            i = int(np.argmax(np.where(up, score, -np.inf)))
            m, M = score[i], np.min(np.where(low, score, np.inf))
            if m - M < self.tol:
                converged = True
                break
            if n_iter == self.max_iter:
                warnings.warn(
                    f"SMO stopped at max_iter={self.max_iter} with KKT gap {m - M:.3g} > tol "
                    f"{self.tol}; raise max_iter or tol",
                    RuntimeWarning,
                    stacklevel=2,
                )
                break
            n_iter += 1
            Ki = row(i)
            b = m - score  # b_t = m + y_t G_t
            a = np.maximum(diag[i] + diag - 2 * Ki, TAU)
            cand = low & (b > 0)
            j = int(np.argmin(np.where(cand, -(b * b) / a, np.inf)))
            Kj = row(j)
            delta = b[j] / a[j]
            # box limits along (alpha_i += y_i delta, alpha_j -= y_j delta), delta > 0
            delta = min(delta, C - alpha[i] if y[i] > 0 else alpha[i], alpha[j] if y[j] > 0 else C - alpha[j])
            alpha[i] += y[i] * delta
            alpha[j] -= y[j] * delta
            for t in (i, j):  # snap round-off so bound status is exact
                alpha[t] = min(max(alpha[t], 0.0), C)
                if alpha[t] < 1e-12 * C:
                    alpha[t] = 0.0
                elif alpha[t] > C * (1 - 1e-12):
                    alpha[t] = C
            G += delta * y * (Ki - Kj)
        self._store_solution(X, y, alpha, G, n_iter, converged)
        self.cache_hits_, self.cache_misses_ = row.hits, row.misses
        return self

    def _store_solution(
        self, X: np.ndarray, y: np.ndarray, alpha: np.ndarray, G: np.ndarray, n_iter: int, converged: bool
    ) -> None:
        """Set the fitted attributes from the dual solution alpha and its gradient G = Q alpha - e."""
        C = float(self.C)
        score = -y * G
        free = (alpha > 0) & (alpha < C)
        up = ((y > 0) & (alpha < C)) | ((y < 0) & (alpha > 0))
        low = ((y < 0) & (alpha < C)) | ((y > 0) & (alpha > 0))
        m, M = np.max(score[up], initial=-np.inf), np.min(score[low], initial=np.inf)
        self.intercept_ = float(score[free].mean()) if free.any() else float((m + M) / 2)
        self.alpha_ = alpha
        self.support_ = np.flatnonzero(alpha > 0)
        self.support_vectors_ = X[self.support_]
        self.dual_coef_ = alpha[self.support_] * y[self.support_]
        self.dual_objective_ = float(-0.5 * alpha @ (G - 1))  # f = 1/2 a^T (G - e); dual = -f
        self.kkt_gap_ = float(m - M)
        self.n_iter_ = n_iter
        self.converged_ = converged
        if self.kernel == "linear":
            self.coef_ = self.dual_coef_ @ self.support_vectors_

    def decision_function(self, X) -> np.ndarray:
        """f(x) = sum_i alpha_i y_i K(x_i, x) + b, shape (n,); > 0 means classes_[1]."""
        check_is_fitted(self)
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[1] != self.support_vectors_.shape[1]:
            raise ValueError(f"X must have shape (n, {self.support_vectors_.shape[1]}), got {X.shape}")
        if not np.isfinite(X).all():
            raise ValueError("X contains non-finite values (NaN or inf)")
        return kernel_matrix(X, self.support_vectors_, **self._params()) @ self.dual_coef_ + self.intercept_

    def predict(self, X) -> np.ndarray:
        return np.where(self.decision_function(X) > 0, self.classes_[1], self.classes_[0])


@dataclass(frozen=True)
class KKTViolations:
    """Largest violation of each KKT condition (0 where it holds exactly)."""

    box: float  # 0 <= alpha <= C
    equality: float  # |y^T alpha|
    at_zero: float  # alpha_i = 0      => y_i f(x_i) >= 1
    free: float  # 0 < alpha_i < C  => y_i f(x_i) = 1
    at_c: float  # alpha_i = C      => y_i f(x_i) <= 1

    def worst(self) -> float:
        return max(astuple(self))


def kkt_violations(alpha: np.ndarray, y: np.ndarray, margins: np.ndarray, C: float) -> KKTViolations:
    """Largest violation of each KKT condition; ``margins`` = y_i f(x_i), y in {-1, +1}.

    alpha_i = 0      => y_i f(x_i) >= 1
    0 < alpha_i < C  => y_i f(x_i) = 1
    alpha_i = C      => y_i f(x_i) <= 1
    plus the feasibility conditions 0 <= alpha <= C and y^T alpha = 0.
    """
    zero, bound = alpha <= 0, alpha >= C
    free = ~zero & ~bound

    def worst(v: np.ndarray) -> float:
        return float(np.max(v, initial=0.0))

    return KKTViolations(
        box=worst(np.r_[-alpha, alpha - C]),
        equality=abs(float(alpha @ y)),
        at_zero=worst(1 - margins[zero]),
        free=worst(np.abs(margins[free] - 1)),
        at_c=worst(margins[bound] - 1),
    )
