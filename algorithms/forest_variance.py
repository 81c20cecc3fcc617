"""Variance of an average of correlated estimators, and what it predicts for a random forest.

T estimators h_1..h_T with Var h_t = sigma^2 and Corr(h_s, h_t) = rho (s != t):

    Var( (1/T) sum_t h_t ) = (1/T^2) [ T sigma^2 + T (T - 1) rho sigma^2 ]
                           = rho sigma^2 + (1 - rho) sigma^2 / T

so averaging removes only the uncorrelated part: as T grows the variance falls to
rho sigma^2, not to 0. Random forests lower rho (bootstrap rows, random feature subsets
per split) at some cost in bias and sigma^2.

Simulation: h_t = sigma (sqrt(rho) Z_0 + sqrt(1 - rho) Z_t) with independent standard
normals has exactly that covariance (one shared factor).

For a real forest at a test point x the randomness is the training set D AND the tree
seeds. sigma^2(x) = Var h_t(x) and rho(x) = Corr(h_s(x), h_t(x)) are taken over both,
for two trees of the SAME forest (same D), by a random-effects ANOVA over trees within
and between forests (``estimate_sigma2_rho``). We estimate them from one batch of forests,
then predict Var over D of a T-tree forest for other T on independent training sets
(not a re-arrangement of the same numbers, which would agree by algebra).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def mean_variance(sigma2, rho, T):
    """rho sigma^2 + (1 - rho) sigma^2 / T."""
    if np.any(np.asarray(T) < 1):
        raise ValueError("T must be >= 1")
    return rho * sigma2 + (1 - rho) * sigma2 / T


def simulate_mean_variance(sigma2: float, rho: float, T: int, n_sims: int, rng: np.random.Generator) -> float:
    """Sample variance of the mean of T equicorrelated normals over n_sims draws."""
    if not 0 <= rho <= 1:
        raise ValueError(f"the one-factor simulation needs 0 <= rho <= 1, got {rho}")
    shared = rng.normal(size=(n_sims, 1))
    own = rng.normal(size=(n_sims, T))
    h = np.sqrt(sigma2) * (np.sqrt(rho) * shared + np.sqrt(1 - rho) * own)
    return float(h.mean(1).var(ddof=1))


def tree_predictions(
    fit_forest: Callable[[np.ndarray, np.ndarray], object],
    draw: Callable[[], tuple],
    X_test: np.ndarray,
    n_forests: int,
) -> np.ndarray:
    """Per-tree predictions of forests on independent training sets.

    ``draw()`` returns a fresh (X, y); ``fit_forest(X, y)`` returns a fitted
    scikit-learn forest. Returns shape (n_forests, n_trees, n_test).
    """
    out = []
    for _ in range(n_forests):
        forest = fit_forest(*draw())
        out.append(np.stack([tree.predict(X_test) for tree in forest.estimators_]))
    return np.array(out)


def estimate_sigma2_rho(preds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """sigma^2(x) and rho(x) from predictions of shape (n_forests, n_trees, n_test).

    One-way random-effects ANOVA, unbiased for both parts: given its training set, a
    forest's trees are i.i.d., and the covariance of two of them is Var_D(E[h | D]), so

        within  = mean over forests of the sample variance of its trees -> (1 - rho) sigma^2
        between = sample variance of the forests' mean predictions
                                                  -> rho sigma^2 + (1 - rho) sigma^2 / T
    """
    R, T, _ = preds.shape
    if T < 2 or R < 2:
        raise ValueError(f"need >= 2 forests of >= 2 trees, got {R} forests of {T}")
    within = preds.var(axis=1, ddof=1).mean(0)
    between = preds.mean(1).var(axis=0, ddof=1)
    shared = between - within / T  # rho sigma^2 (can dip below 0 by sampling error)
    sigma2 = shared + within
    return sigma2, shared / sigma2
