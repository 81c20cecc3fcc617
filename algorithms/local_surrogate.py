"""A LIME-style local surrogate: a weighted linear fit to a black box around one point.

Derivation
----------
To explain f at x0 (d features), sample perturbations in standardised units

    u_i ~ N(0, I_d),  z_i = x0 + s * u_i           s = per-feature scale (e.g. training std)

weight each by its closeness to x0 with an exponential kernel

    w_i = exp(-||u_i||^2 / kernel_width^2)          kernel_width default 0.75 * sqrt(d) (LIME's)

and solve the weighted ridge problem

    min_{b, beta}  sum_i w_i (f(z_i) - b - u_i . beta)^2 + alpha ||beta||^2

whose normal equations, with U1 = [1, U] and W = diag(w), are

    (U1' W U1 + alpha * diag(0, 1, ..., 1)) [b; beta] = U1' W f.

``coef_[j]`` is then the change of f per one standard deviation of feature j near x0
(for a smooth f and small kernel, coef_ -> s_j * df/dx_j(x0)); ``score_`` is the weighted
R^2 of the fit, i.e. how linear f is over the neighbourhood. Features listed in
``frozen`` are held at their x0 value (e.g. a binary flag with no meaningful slope).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from sklearn.base import BaseEstimator


def weighted_ridge(U: np.ndarray, y: np.ndarray, w: np.ndarray, alpha: float = 0.0):
    """Solve the weighted ridge normal equations (intercept unpenalised).

    Parameters
    ----------
    U : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    w : ndarray of shape (n_samples,), non-negative
    alpha : float

    Returns
    -------
    intercept : float
    coef : ndarray of shape (n_features,)
    """
    n, d = U.shape
    U1 = np.hstack([np.ones((n, 1)), U])
    A = U1.T @ (U1 * w[:, None])
    A[1:, 1:] += alpha * np.eye(d)
    sol = np.linalg.solve(A, U1.T @ (w * y))
    return float(sol[0]), sol[1:]


class LocalSurrogate(BaseEstimator):
    """Explain one prediction of a black-box function with a local weighted linear model.

    ``fit`` takes the black box and a point, not (X, y), so it takes only ``BaseEstimator``
    (``get_params``, ``clone``), not a regressor mixin.

    Parameters
    ----------
    n_samples : int
        Perturbations drawn around the point.
    kernel_width : float or None
        Width of the exponential kernel in standardised units (None: 0.75 * sqrt(d)).
    alpha : float
        Ridge penalty on the slopes (LIME uses 1.0).
    frozen : sequence of int
        Feature indices held at their value at the point.
    """

    def __init__(
        self,
        n_samples: int = 5000,
        kernel_width: float | None = None,
        alpha: float = 1.0,
        frozen: tuple[int, ...] = (),
    ):
        self.n_samples = n_samples
        self.kernel_width = kernel_width
        self.alpha = alpha
        self.frozen = frozen

    def fit(self, f: Callable[[np.ndarray], np.ndarray], x0, scale, rng: np.random.Generator):
        """Fit the surrogate of ``f`` around ``x0``.

        Parameters
        ----------
        f : callable, ndarray (n, d) -> ndarray (n,)
            The black box (e.g. a model's fraud probability).
        x0 : array-like of shape (n_features,)
        scale : array-like of shape (n_features,), positive
            One standard unit per feature (e.g. its training standard deviation).
        rng : numpy.random.Generator

        Returns
        -------
        self, with ``coef_`` (n_features,), ``intercept_``, ``score_`` (weighted R^2),
        ``prediction_`` (f at x0) and ``kernel_width_``.
        """
        x0 = np.asarray(x0, dtype=float)
        scale = np.asarray(scale, dtype=float)
        if x0.ndim != 1 or scale.shape != x0.shape:
            raise ValueError(f"x0 and scale must be 1-D of the same length, got {x0.shape}, {scale.shape}")
        if not (np.isfinite(scale).all() and (scale > 0).all()):
            raise ValueError("scale must be finite and > 0 for every feature")
        if self.n_samples < x0.size + 2:
            raise ValueError(f"n_samples={self.n_samples} is too few for {x0.size} features")
        d = x0.size
        width = self.kernel_width if self.kernel_width is not None else 0.75 * np.sqrt(d)
        U = rng.standard_normal((self.n_samples, d))
        U[:, list(self.frozen)] = 0.0
        Z = x0 + U * scale
        y = np.asarray(f(Z), dtype=float)
        if y.shape != (self.n_samples,):
            raise ValueError(f"f must return shape ({self.n_samples},), got {y.shape}")
        w = np.exp(-np.sum(U**2, axis=1) / width**2)
        free = np.setdiff1d(np.arange(d), list(self.frozen))
        b, beta = weighted_ridge(U[:, free], y, w, self.alpha)
        coef = np.zeros(d)
        coef[free] = beta
        resid = y - b - U @ coef
        ybar = np.average(y, weights=w)
        ss_tot = np.sum(w * (y - ybar) ** 2)
        self.coef_ = coef
        self.intercept_ = b
        self.score_ = float(1 - np.sum(w * resid**2) / ss_tot) if ss_tot > 0 else 1.0
        self.prediction_ = float(np.asarray(f(x0[None, :]), dtype=float)[0])
        self.kernel_width_ = float(width)
        return self
