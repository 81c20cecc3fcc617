"""Batch normalisation: training-mode forward, two equivalent backward passes, inference.

Forward (training mode), per channel c over the m = N (dense) or N*H*W (conv) values:

    mu_c     = (1/m) sum x                       x      : (N, C) or (N, C, H, W)
    var_c    = (1/m) sum (x - mu_c)^2            biased, as used for normalising
    x_hat    = (x - mu_c) / sqrt(var_c + eps)
    y        = gamma_c * x_hat + beta_c          gamma, beta : (C,)

Backward, expanded form (one chain-rule step per intermediate, given g = dL/dy):

    dL/dx_hat = g * gamma
    dL/dvar   = sum dL/dx_hat * (x - mu) * (-1/2) (var + eps)^(-3/2)
    dL/dmu    = sum dL/dx_hat * (-1/sqrt(var + eps)) + dL/dvar * (-2/m) sum (x - mu)
    dL/dx     = dL/dx_hat / sqrt(var + eps) + dL/dmu / m + dL/dvar * 2 (x - mu) / m
    dL/dgamma = sum g * x_hat,   dL/dbeta = sum g

(the second term of dL/dmu is zero, since sum (x - mu) = 0). Substituting and collecting
terms gives the compact form used in practice, with d = dL/dx_hat:

    dL/dx = (1 / (m sqrt(var + eps))) * (m d - sum d - x_hat * sum (d * x_hat))

Running statistics (PyTorch's convention, momentum 0.1):

    running_mean <- (1 - momentum) running_mean + momentum mu
    running_var  <- (1 - momentum) running_var  + momentum var * m / (m - 1)   (unbiased)

Inference replaces (mu, var) by the running statistics, so each sample's output depends
on that sample only, not on the rest of its batch.
"""

from __future__ import annotations

import numpy as np

from algorithms.numerics import check_finite


def _axes(x: np.ndarray) -> tuple[int, ...]:
    if x.ndim not in (2, 4):
        raise ValueError(f"x must have shape (N, C) or (N, C, H, W), got {x.shape}")
    return (0,) if x.ndim == 2 else (0, 2, 3)


def _per_channel(v: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Reshape a (C,) vector to broadcast against x."""
    return v.reshape((1, -1) + (1,) * (x.ndim - 2))


def _check_params(x: np.ndarray, **vectors) -> list[np.ndarray]:
    out = []
    for name, v in vectors.items():
        v = check_finite(name, v)
        if v.shape != (x.shape[1],):
            raise ValueError(f"{name} must have shape ({x.shape[1]},) (one per channel), got {v.shape}")
        out.append(v)
    return out


def batchnorm_forward(x, gamma, beta, eps: float = 1e-5) -> tuple[np.ndarray, dict]:
    """Training-mode forward with batch statistics; returns y (same shape as x) and a cache."""
    x = check_finite("x", x)
    axes = _axes(x)
    gamma, beta = _check_params(x, gamma=gamma, beta=beta)
    m = x.size // x.shape[1]
    if m < 2:
        raise ValueError(f"batch norm needs >= 2 values per channel in training mode, got {m}")
    mu = x.mean(axis=axes)
    var = x.var(axis=axes)
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = (x - _per_channel(mu, x)) * _per_channel(inv_std, x)
    y = _per_channel(gamma, x) * x_hat + _per_channel(beta, x)
    cache = {
        "x": x,
        "x_hat": x_hat,
        "mu": mu,
        "var": var,
        "inv_std": inv_std,
        "gamma": gamma,
        "eps": eps,
        "m": m,
        "axes": axes,
    }
    return y, cache


def _check_grad(dy, cache) -> np.ndarray:
    dy = check_finite("dy", dy)
    if dy.shape != cache["x"].shape:
        raise ValueError(f"dy must have shape {cache['x'].shape} (same as x), got {dy.shape}")
    return dy


def batchnorm_backward_expanded(dy, cache) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(dL/dx, dL/dgamma, dL/dbeta) through mu and var step by step (module docstring)."""
    dy = _check_grad(dy, cache)
    x, x_hat, mu, var, eps, m, axes = (cache[k] for k in ("x", "x_hat", "mu", "var", "eps", "m", "axes"))
    xc = x - _per_channel(mu, x)
    d_xhat = dy * _per_channel(cache["gamma"], x)
    d_var = np.sum(d_xhat * xc, axis=axes) * -0.5 * (var + eps) ** -1.5
    d_mu = np.sum(d_xhat, axis=axes) * -cache["inv_std"] + d_var * (-2.0 / m) * np.sum(xc, axis=axes)
    dx = (
        d_xhat * _per_channel(cache["inv_std"], x)
        + _per_channel(d_mu, x) / m
        + _per_channel(d_var, x) * 2.0 * xc / m
    )
    return dx, np.sum(dy * x_hat, axis=axes), np.sum(dy, axis=axes)


def batchnorm_backward_compact(dy, cache) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(dL/dx, dL/dgamma, dL/dbeta) in the collected form (m d - sum d - x_hat sum d x_hat)."""
    dy = _check_grad(dy, cache)
    x, x_hat, m, axes = cache["x"], cache["x_hat"], cache["m"], cache["axes"]
    d = dy * _per_channel(cache["gamma"], x)
    s1 = _per_channel(np.sum(d, axis=axes), x)
    s2 = _per_channel(np.sum(d * x_hat, axis=axes), x)
    dx = _per_channel(cache["inv_std"] / m, x) * (m * d - s1 - x_hat * s2)
    return dx, np.sum(dy * x_hat, axis=axes), np.sum(dy, axis=axes)


def update_running_stats(running_mean, running_var, cache, momentum: float = 0.1):
    """New (running_mean, running_var) from one training batch (unbiased variance, as torch)."""
    if not 0.0 <= momentum <= 1.0:
        raise ValueError(f"momentum must lie in [0, 1], got {momentum}")
    m = cache["m"]
    mean = (1.0 - momentum) * np.asarray(running_mean) + momentum * cache["mu"]
    var = (1.0 - momentum) * np.asarray(running_var) + momentum * cache["var"] * m / (m - 1)
    return mean, var


def batchnorm_inference(x, gamma, beta, running_mean, running_var, eps: float = 1e-5) -> np.ndarray:
    """Inference-mode output: normalise with the running statistics (no batch dependence)."""
    x = check_finite("x", x)
    _axes(x)
    gamma, beta, rm, rv = _check_params(
        x, gamma=gamma, beta=beta, running_mean=running_mean, running_var=running_var
    )
    if np.any(rv < 0):
        raise ValueError("running_var must be non-negative")
    x_hat = (x - _per_channel(rm, x)) / np.sqrt(_per_channel(rv, x) + eps)
    return _per_channel(gamma, x) * x_hat + _per_channel(beta, x)
