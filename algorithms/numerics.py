"""Numerical building blocks shared by the derivations: input checks, stable softmax, gradient checks.

Every module in ``algorithms/`` needs the same few primitives, and each is written once here:

    check_finite(name, x, ndim)   float64 view of x; NaN, inf or a wrong rank is a ValueError
                                  naming the argument (a silent NaN would otherwise surface
                                  as a wrong gradient far from its cause)
    sigmoid(z)      = 1 / (1 + exp(-z))
    softmax(z)      = exp(z - max z) / sum exp(z - max z)      along ``axis``
    log_softmax(z)  = (z - max z) - log sum exp(z - max z)
                      (subtracting the max leaves the value unchanged and keeps exp <= 1,
                      so large logits cannot overflow)
    numerical_gradient(f, x)      central differences (f(x + eps e_i) - f(x - eps e_i)) / (2 eps),
                                  the reference every analytic gradient is checked against

The log-log slope used to read empirical orders of growth is ``algorithms.scaling``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def check_finite(name: str, x, ndim: int | None = None) -> np.ndarray:
    """float64 copy-free view of ``x``; raises ValueError on NaN/inf or a wrong rank."""
    arr = np.asarray(x, dtype=np.float64)
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimensions, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or inf ({int(np.sum(~np.isfinite(arr)))} entries)")
    return arr


def sigmoid(z):
    """1 / (1 + exp(-z)), elementwise."""
    return 1.0 / (1.0 + np.exp(-z))


def softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """Stable softmax along ``axis``: exp(z - max) / sum exp(z - max)."""
    shifted = z - np.max(z, axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=axis, keepdims=True)


def log_softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """Stable log softmax: z - max - log sum exp(z - max)."""
    shifted = z - np.max(z, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def numerical_gradient(f: Callable[[], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central differences (f(x + eps e_i) - f(x - eps e_i)) / (2 eps), perturbing ``x`` in place.

    ``f`` takes no arguments and reads ``x`` (e.g. a closure over a parameter array), so the
    same helper checks weights, biases and inputs. Error is O(eps^2) plus rounding
    O(machine_eps / eps); eps = 1e-6 in float64 gives ~1e-9 relative error on smooth f.
    """
    if x.dtype != np.float64:
        raise TypeError(f"numerical_gradient needs a float64 array, got {x.dtype}")
    if not x.flags.c_contiguous:
        raise ValueError("numerical_gradient perturbs x in place and needs a C-contiguous array")
    grad = np.empty_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        f_plus = f()
        flat[i] = old - eps
        f_minus = f()
        flat[i] = old
        gflat[i] = (f_plus - f_minus) / (2.0 * eps)
    return grad
