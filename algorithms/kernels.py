"""Kernel functions K(x, z) = phi(x)^T phi(z) and Mercer's condition.

    linear       K(x, z) = x^T z
    polynomial   K(x, z) = (gamma x^T z + coef0)^degree
    rbf          K(x, z) = exp(-gamma ||x - z||^2),  ||x - z||^2 = ||x||^2 + ||z||^2 - 2 x^T z
    sigmoid      K(x, z) = tanh(gamma x^T z + coef0)

(the parametrisation of scikit-learn/libsvm, so the same numbers mean the same kernel).

Mercer: K is a valid kernel (an inner product in some feature space) iff every Gram
matrix K_ij = K(x_i, x_j) is symmetric positive semi-definite. Linear, polynomial with
gamma > 0, coef0 >= 0 and integer degree, and RBF always are. The sigmoid kernel is not:
K(x, x) = tanh(gamma ||x||^2 + coef0) < 0 whenever gamma ||x||^2 + coef0 < 0, and a
negative diagonal entry already rules out PSD (see ``sigmoid_counterexample``).
"""

from __future__ import annotations

import numpy as np

KERNELS = ("linear", "poly", "rbf", "sigmoid")


def kernel_matrix(
    X: np.ndarray, Z: np.ndarray, kernel: str = "rbf", gamma: float = 1.0, degree: int = 3, coef0: float = 0.0
) -> np.ndarray:
    """Gram block K(X, Z).

    Parameters
    ----------
    X : ndarray of shape (n, d)
    Z : ndarray of shape (m, d)

    Returns
    -------
    ndarray of shape (n, m)
    """
    X, Z = np.atleast_2d(np.asarray(X, float)), np.atleast_2d(np.asarray(Z, float))
    if X.shape[1] != Z.shape[1]:
        raise ValueError(f"X has {X.shape[1]} features but Z has {Z.shape[1]}")
    dot = X @ Z.T
    if kernel == "linear":
        return dot
    if kernel == "poly":
        return (gamma * dot + coef0) ** degree
    if kernel == "rbf":
        sq = (X * X).sum(1)[:, None] + (Z * Z).sum(1)[None, :] - 2 * dot
        return np.exp(-gamma * np.maximum(sq, 0.0))
    if kernel == "sigmoid":
        return np.tanh(gamma * dot + coef0)
    raise ValueError(f"unknown kernel {kernel!r}; choose from {KERNELS}")


def kernel_diagonal(
    X: np.ndarray, kernel: str = "rbf", gamma: float = 1.0, degree: int = 3, coef0: float = 0.0
) -> np.ndarray:
    """K(x_i, x_i) for every row, shape (n,), without forming the n x n matrix."""
    sq = (np.asarray(X, float) ** 2).sum(1)
    if kernel == "linear":
        return sq
    if kernel == "poly":
        return (gamma * sq + coef0) ** degree
    if kernel == "rbf":
        return np.ones(len(sq))
    if kernel == "sigmoid":
        return np.tanh(gamma * sq + coef0)
    raise ValueError(f"unknown kernel {kernel!r}; choose from {KERNELS}")


def min_eigenvalue(K: np.ndarray) -> float:
    """Smallest eigenvalue of the symmetric part of K (>= -tol for a Mercer kernel)."""
    K = np.asarray(K, float)
    return float(np.linalg.eigvalsh((K + K.T) / 2)[0])


def is_psd(K: np.ndarray, tol: float = 1e-9) -> bool:
    """True if K is PSD up to round-off, scaled by the largest |entry|."""
    scale = max(1.0, float(np.abs(K).max()))
    return min_eigenvalue(K) >= -tol * scale * len(K)


def sigmoid_counterexample(gamma: float = 1.0, coef0: float = -2.0) -> tuple[np.ndarray, np.ndarray]:
    """Two points whose sigmoid Gram matrix is not PSD; returns (X, K).

    x = (1,) gives K(x, x) = tanh(gamma + coef0) < 0 for coef0 < -gamma, so the Gram
    matrix has a negative diagonal entry: e_1^T K e_1 < 0.
    """
    X = np.array([[1.0], [2.0]])
    return X, kernel_matrix(X, X, "sigmoid", gamma=gamma, coef0=coef0)
