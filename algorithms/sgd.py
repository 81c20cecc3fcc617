"""Mini-batch SGD with momentum for linear regression, and the exact-gradient rate study.

Objective (half mean squared error, so the gradient has no stray factor 2)
-------------------------------------------------------------------------
    f_B(w) = 1/(2m) * ||X_B w - y_B||^2            for a mini-batch B of m rows
    grad f_B(w) = (1/m) * X_B^T (X_B w - y_B)      shape (n_features,)

The intercept is handled by appending a column of ones to X (its weight is the last
entry of ``w``); there is no penalty term, so it needs no special treatment.

Momentum convention (used everywhere in this module)
----------------------------------------------------
    plain        w <- w - lr * g(w)
    heavy_ball   v <- mu * v + g(w);            w <- w - lr * v
    nesterov     v <- mu * v + g(w - lr*mu*v);  w <- w - lr * v     (gradient at the look-ahead)

``v`` accumulates gradients (it points uphill), and the step subtracts it. The other
common form keeps u = -lr * v ("u <- mu*u - lr*g; w <- w + u"); with a constant lr the
two produce the same iterates. Mixing the two is the classic bug: writing the update as
"v <- mu*v + lr*g" and then "w <- w + v" climbs the loss instead of descending it. The
interview listing behind this module does exactly that in its comments while its code
uses the correct "u" form; ``make algorithms`` measures what the comment's version does.

Why momentum helps on ill-conditioned problems: on a quadratic with curvatures
lambda_min .. lambda_max, plain GD needs O(kappa) steps per e-fold of error
(kappa = lambda_max/lambda_min); heavy ball with tuned (lr, mu) needs O(sqrt(kappa)).

Rates on convex problems that are NOT strongly convex (``accelerated_gradient``)
-------------------------------------------------------------------------------
With exact gradients and lr = 1/L,
    gradient descent             f(w_t) - f* <= L ||w_0 - w*||^2 / (2 t)        O(1/t)
    Nesterov, mu_t = (t-1)/(t+2) f(w_t) - f* <= 2 L ||w_0 - w*||^2 / (t + 1)^2  O(1/t^2)
The O(1/t^2) rate belongs to Nesterov's method with the growing momentum schedule;
heavy ball with a constant mu has no such guarantee (it is O(1/t) with a better constant).
With noisy mini-batch gradients neither bound holds: the error stalls at a floor set by
lr and the gradient variance, and acceleration accumulates that noise.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted

METHODS = ("plain", "heavy_ball", "nesterov")


class DivergenceError(FloatingPointError):
    """The loss blew up: the learning rate is too large for this problem's curvature."""


def _check_xy(X, y) -> tuple[np.ndarray, np.ndarray]:
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if X.ndim != 2 or X.shape[0] == 0:
        raise ValueError(f"X must be a non-empty 2-D array (n_samples, n_features), got shape {X.shape}")
    if y.ndim != 1 or y.shape[0] != X.shape[0]:
        raise ValueError(
            f"y must be 1-D with one value per row of X: X has {X.shape[0]} rows, y has shape {y.shape}"
        )
    if not np.isfinite(X).all():
        raise ValueError(
            f"X contains {int((~np.isfinite(X)).sum())} non-finite values (NaN or inf); "
            "impute or drop them first"
        )
    if not np.isfinite(y).all():
        raise ValueError(f"y contains {int((~np.isfinite(y)).sum())} non-finite values (NaN or inf)")
    return X, y


def mse_loss(w: np.ndarray, X: np.ndarray, y: np.ndarray) -> float:
    """f(w) = 1/(2m) ||X w - y||^2 for X of shape (m, d), w of shape (d,)."""
    r = X @ w - y
    return float(r @ r) / (2 * len(y))


def mse_gradient(w: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """grad f(w) = (1/m) X^T (X w - y), shape (d,)."""
    return X.T @ (X @ w - y) / len(y)


def momentum_step(
    w: np.ndarray, v: np.ndarray, grad: Callable[[np.ndarray], np.ndarray], lr: float, mu: float, method: str
) -> tuple[np.ndarray, np.ndarray]:
    """One update in this module's convention; returns new (w, v). ``grad`` maps w -> g."""
    if method == "plain":
        return w - lr * grad(w), v
    if method == "heavy_ball":
        v = mu * v + grad(w)
    elif method == "nesterov":
        v = mu * v + grad(w - lr * mu * v)
    else:
        raise ValueError(f"unknown method {method!r}; choose from {METHODS}")
    return w - lr * v, v


class MomentumSGDRegressor(RegressorMixin, BaseEstimator):
    """Least-squares linear regression by mini-batch SGD with optional momentum (a scikit-learn regressor).

    Parameters
    ----------
    learning_rate : float
        Step size lr > 0.
    momentum : float
        mu in [0, 1); ignored by ``method="plain"``.
    method : {"plain", "heavy_ball", "nesterov"}
    batch_size : int
        Rows per mini-batch (the last batch of an epoch may be smaller); ``None`` = full batch.
    max_epochs : int
        Passes over the data; the rows are reshuffled at the start of each pass.
    tol : float
        Stop after the first epoch whose full-data gradient norm is <= tol (0 = never).
    fit_intercept : bool
    divergence_factor : float
        Raise ``DivergenceError`` if the full-data loss exceeds this multiple of the
        loss at w = 0 (or stops being finite).
    random_state : int or numpy.random.Generator or None

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    loss_history_ : list of float
        Full-data loss f(w) before training and after each epoch.
    n_epochs_ : int
    n_features_in_ : int
    """

    def __init__(
        self,
        learning_rate: float = 0.01,
        momentum: float = 0.9,
        method: str = "heavy_ball",
        batch_size: int | None = 32,
        max_epochs: int = 100,
        tol: float = 0.0,
        fit_intercept: bool = True,
        divergence_factor: float = 1e6,
        random_state=None,
    ):
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.method = method
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.tol = tol
        self.fit_intercept = fit_intercept
        self.divergence_factor = divergence_factor
        self.random_state = random_state

    def _design(self, X: np.ndarray) -> np.ndarray:
        return np.c_[X, np.ones(len(X))] if self.fit_intercept else X

    def fit(self, X, y) -> MomentumSGDRegressor:
        X, y = _check_xy(X, y)
        if not (self.learning_rate > 0 and np.isfinite(self.learning_rate)):
            raise ValueError(f"learning_rate must be a finite number > 0, got {self.learning_rate}")
        if not 0 <= self.momentum < 1:
            raise ValueError(f"momentum must be in [0, 1), got {self.momentum}")
        if self.method not in METHODS:
            raise ValueError(f"unknown method {self.method!r}; choose from {METHODS}")
        if self.batch_size is not None and self.batch_size < 1:
            raise ValueError(f"batch_size must be >= 1 or None, got {self.batch_size}")
        rng = np.random.default_rng(self.random_state)
        A = self._design(X)
        n, d = A.shape
        m = n if self.batch_size is None else min(self.batch_size, n)
        w, v = np.zeros(d), np.zeros(d)
        limit = self.divergence_factor * max(mse_loss(w, A, y), np.finfo(float).tiny)
        history = [mse_loss(w, A, y)]
        for epoch in range(1, self.max_epochs + 1):
            order = rng.permutation(n)
            with np.errstate(over="ignore", invalid="ignore"):
                for start in range(0, n, m):
                    rows = order[start : start + m]
                    Ab, yb = A[rows], y[rows]
                    w, v = momentum_step(
                        w,
                        v,
                        lambda u, Ab=Ab, yb=yb: mse_gradient(u, Ab, yb),
                        self.learning_rate,
                        self.momentum,
                        self.method,
                    )
                loss = mse_loss(w, A, y)
            history.append(loss)
            if not np.isfinite(loss) or loss > limit:
                raise DivergenceError(
                    f"SGD diverged at epoch {epoch}: loss {loss:.3g} vs {history[0]:.3g} at the start "
                    f"(learning_rate={self.learning_rate}, method={self.method}). Lower the learning "
                    "rate (for full-batch GD it must be below 2/lambda_max of X^T X / n) or scale X."
                )
            if self.tol > 0 and np.linalg.norm(mse_gradient(w, A, y)) <= self.tol:
                break
        self.coef_ = w[:-1] if self.fit_intercept else w
        self.intercept_ = float(w[-1]) if self.fit_intercept else 0.0
        self.loss_history_ = history
        self.n_epochs_ = epoch
        self.n_features_in_ = X.shape[1]
        return self

    def predict(self, X) -> np.ndarray:
        check_is_fitted(self)
        X = np.asarray(X, dtype=float)
        return X @ self.coef_ + self.intercept_


def accelerated_gradient(
    grad: Callable[[np.ndarray], np.ndarray],
    w0: np.ndarray,
    lr: float,
    n_steps: int,
    method: str = "nesterov",
    momentum: float | None = None,
    loss: Callable[[np.ndarray], float] | None = None,
) -> np.ndarray:
    """Run ``n_steps`` updates from ``w0``; returns the losses, shape (n_steps + 1,).

    ``momentum=None`` with ``method="nesterov"`` uses the schedule mu_t = (t - 1)/(t + 2)
    (t = 1, 2, ...) that gives the O(1/t^2) bound; a number gives a constant mu.
    ``grad`` may be exact or stochastic (a fresh mini-batch per call).
    """
    if loss is None:
        raise ValueError("pass loss=callable(w) -> float to record the trajectory")
    w, v = np.asarray(w0, dtype=float).copy(), np.zeros_like(w0, dtype=float)
    out = np.empty(n_steps + 1)
    out[0] = loss(w)
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(1, n_steps + 1):
            mu = (t - 1) / (t + 2) if momentum is None else momentum
            w, v = momentum_step(w, v, grad, lr, mu, method)
            out[t] = loss(w)
            if not np.isfinite(out[t]):
                raise DivergenceError(f"{method} diverged at step {t} (lr={lr}); lower the learning rate")
    return out
