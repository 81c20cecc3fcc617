"""Sampling blend weights uniformly on the probability simplex.

Blend weights live on the simplex  S_K = {w in R^K : w_i >= 0, sum_i w_i = 1}.
Drawing u_i ~ U(0, 1) independently and returning u / sum(u) is NOT uniform on S_K: it
piles mass near the centre (for K = 3 the density at the vertices is zero). Two constructions
that are exactly uniform, i.e. Dirichlet(1, ..., 1):

    exponential spacings:  e_i = -log(u_i) ~ Exp(1),   w = e / sum(e)
    sorted spacings:       0 = s_0 <= s_(1) <= ... <= s_(K-1) <= s_K = 1 from K-1 sorted
                           uniforms,  w_i = s_(i) - s_(i-1)

Under Dirichlet(1): E[w_i] = 1/K and the marginal w_i ~ Beta(1, K-1), which the tests
check with a KS test (the naive normalisation fails the same test).

Optuna searches over the K raw uniforms (``u_0 .. u_{K-1}`` in (0, 1)) and we map them with
``weights_from_uniforms``; the prior of the search is then the uniform simplex, and TPE
refines it from there.
"""

from __future__ import annotations

import numpy as np

# keep -log(u) finite: Optuna may suggest the bound itself
_EPS = 1e-12


def weights_from_uniforms(u) -> np.ndarray:
    """Map K uniforms in [0, 1] to a point of the simplex by exponential spacings.

    Parameters
    ----------
    u : array-like of shape (..., K)

    Returns
    -------
    w : ndarray of shape (..., K), non-negative, rows summing to 1.
    """
    u = np.asarray(u, dtype=float)
    if u.shape[-1] < 1:
        raise ValueError("need at least one weight")
    if np.any((u < 0) | (u > 1)) or not np.isfinite(u).all():
        raise ValueError(f"uniforms must lie in [0, 1], got {u}")
    e = -np.log(np.clip(u, _EPS, 1.0))
    total = e.sum(axis=-1, keepdims=True)
    # all u == 1 gives e == 0 everywhere: the only symmetric answer is the centre
    k = u.shape[-1]
    safe = np.where(total > 0, total, 1.0)
    return np.where(total > 0, e / safe, 1.0 / k)


def sample_dirichlet1(n: int, k: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` points uniform on the K-simplex via sorted uniform spacings; shape (n, k)."""
    if k < 1 or n < 0:
        raise ValueError(f"need k >= 1 and n >= 0, got n={n}, k={k}")
    cuts = np.sort(rng.uniform(size=(n, k - 1)), axis=1)
    edges = np.concatenate([np.zeros((n, 1)), cuts, np.ones((n, 1))], axis=1)
    return np.diff(edges, axis=1)


def naive_normalised(n: int, k: int, rng: np.random.Generator) -> np.ndarray:
    """The biased construction u / sum(u), kept only so tests can show its bias."""
    u = rng.uniform(size=(n, k))
    return u / u.sum(axis=1, keepdims=True)
