"""L1, L2 and Elastic Net penalised least squares (scikit-learn's objectives).

    Ridge (L2)     min_w ||y - X w||^2 + alpha ||w||^2
                   => w = (X^T X + alpha I)^(-1) X^T y                         (closed form)
    Lasso (L1)     min_w 1/(2n) ||y - X w||^2 + alpha ||w||_1
    Elastic Net    min_w 1/(2n) ||y - X w||^2 + alpha r ||w||_1 + alpha (1 - r)/2 ||w||^2

The intercept is not penalised: centre X and y, solve, then b = mean(y) - mean(X) w.

Coordinate descent for Lasso / Elastic Net. Fix every weight but w_j and let
rho_j = (1/n) x_j^T (y - X w + x_j w_j) (the correlation of feature j with the residual
that excludes it), z_j = (1/n) x_j^T x_j. The one-dimensional problem
    min 1/2 z_j w_j^2 - rho_j w_j + alpha r |w_j| + alpha (1 - r)/2 w_j^2
is solved by soft-thresholding:
    w_j = S(rho_j, alpha r) / (z_j + alpha (1 - r)),   S(a, t) = sign(a) max(|a| - t, 0)
so w_j is EXACTLY zero whenever |rho_j| <= alpha r: that is where L1's sparsity comes
from. L2 only divides by (z_j + alpha), shrinking every weight without zeroing any.
Above alpha_max = max_j |x_j^T y| / (n r) every Lasso weight is zero.

With two nearly identical features, Lasso's objective barely changes when weight moves
between them and it keeps one; the L2 part of Elastic Net is strictly convex and
prefers to split the weight evenly, so it keeps both (the "grouping effect").
How near-identical matters: when both features are noisy copies of one latent signal,
averaging them cancels part of the noise, and once alpha is small enough Lasso keeps
both too. In our runs at correlation 0.9999 Lasso kept one over most of its path; at
0.997 it kept both over most of it (``make algorithms`` measures this).
"""

from __future__ import annotations

import numpy as np


def _check(X, y) -> tuple[np.ndarray, np.ndarray]:
    X, y = np.asarray(X, float), np.asarray(y, float)
    if X.ndim != 2 or y.ndim != 1 or len(X) != len(y) or len(y) == 0:
        raise ValueError(f"X must be 2-D and y 1-D with one value per row: X {X.shape}, y {y.shape}")
    if not (np.isfinite(X).all() and np.isfinite(y).all()):
        raise ValueError("X and y must be finite (no NaN or inf); impute or drop those rows first")
    return X, y


def _centre(X, y, fit_intercept: bool):
    if not fit_intercept:
        return X, y, np.zeros(X.shape[1]), 0.0
    xm, ym = X.mean(0), y.mean()
    return X - xm, y - ym, xm, ym


def soft_threshold(a, t):
    """S(a, t) = sign(a) max(|a| - t, 0)."""
    return np.sign(a) * np.maximum(np.abs(a) - t, 0.0)


def ridge(X, y, alpha: float, fit_intercept: bool = True) -> tuple[np.ndarray, float]:
    """Closed-form ridge; returns (coef of shape (d,), intercept)."""
    X, y = _check(X, y)
    if alpha < 0:
        raise ValueError(f"alpha must be >= 0, got {alpha}")
    Xc, yc, xm, ym = _centre(X, y, fit_intercept)
    w = np.linalg.solve(Xc.T @ Xc + alpha * np.eye(X.shape[1]), Xc.T @ yc)
    return w, float(ym - xm @ w)


def elastic_net(
    X,
    y,
    alpha: float,
    l1_ratio: float = 1.0,
    fit_intercept: bool = True,
    tol: float = 1e-10,
    max_iter: int = 10_000,
    w0: np.ndarray | None = None,
) -> tuple[np.ndarray, float, int]:
    """Cyclic coordinate descent; l1_ratio=1 is the Lasso.

    Returns (coef of shape (d,), intercept, n_sweeps). Stops when no weight moved more
    than ``tol`` in a full sweep. ``w0`` warm-starts (used along a path).
    """
    X, y = _check(X, y)
    if alpha < 0 or not 0 <= l1_ratio <= 1:
        raise ValueError(f"need alpha >= 0 and 0 <= l1_ratio <= 1, got alpha={alpha}, l1_ratio={l1_ratio}")
    Xc, yc, xm, ym = _centre(X, y, fit_intercept)
    n, d = Xc.shape
    z = (Xc * Xc).sum(0) / n
    w = np.zeros(d) if w0 is None else np.array(w0, float)
    resid = yc - Xc @ w  # kept up to date so each coordinate costs O(n)
    l1, l2 = alpha * l1_ratio, alpha * (1 - l1_ratio)
    sweeps = 0
    while sweeps < max_iter:
        sweeps += 1
        biggest = 0.0
        for j in range(d):
            if z[j] == 0:
                continue
            rho = Xc[:, j] @ resid / n + z[j] * w[j]
            new = soft_threshold(rho, l1) / (z[j] + l2)
            if new != w[j]:
                resid -= Xc[:, j] * (new - w[j])
                biggest = max(biggest, abs(new - w[j]))
                w[j] = new
        if biggest <= tol:
            break
    return w, float(ym - xm @ w), sweeps


def lasso_alpha_max(X, y, l1_ratio: float = 1.0) -> float:
    """Smallest alpha at which every (centred) Lasso / Elastic Net weight is zero."""
    X, y = _check(X, y)
    Xc, yc = X - X.mean(0), y - y.mean()
    return float(np.abs(Xc.T @ yc).max() / (len(y) * l1_ratio))


def regularisation_path(X, y, alphas, kind: str = "lasso", l1_ratio: float = 0.5) -> np.ndarray:
    """Coefficients along ``alphas`` (any order), shape (len(alphas), d).

    kind: "lasso", "elastic_net" (with ``l1_ratio``) or "ridge". For ridge, alpha is
    scaled by n so that the same alpha means the same per-sample penalty as the others.
    """
    X, y = _check(X, y)
    coefs, w = [], None
    for a in alphas:
        if kind == "ridge":
            coefs.append(ridge(X, y, a * len(y))[0])
            continue
        r = 1.0 if kind == "lasso" else l1_ratio
        if kind not in ("lasso", "elastic_net"):
            raise ValueError(f"unknown kind {kind!r}; choose lasso, elastic_net or ridge")
        w = elastic_net(X, y, a, r, w0=w)[0]
        coefs.append(w)
    return np.array(coefs)
