"""Scaled dot-product attention and multi-head self-attention, forward and backward.

Scaled dot-product attention (leading batch/head axes broadcast)
---------------------------------------------------------------
    q : (..., n_q, d_k)   k : (..., n_k, d_k)   v : (..., n_k, d_v)
    S = scale * q k^T                 (..., n_q, n_k),  scale = 1/sqrt(d_k) by default
    S[mask == False] = -inf           mask True = may attend (PyTorch SDPA's boolean rule)
    A = softmax(S) over the last axis  rows sum to 1; masked entries are exactly 0
    O = A v                           (..., n_q, d_v)

Why 1/sqrt(d_k): with q, k entries independent with mean 0 and variance 1, q.k is a sum
of d_k such products, so Var(q.k) = d_k. Unscaled logits spread as sqrt(d_k), the
softmax approaches one-hot (entropy -> 0) and its Jacobian diag(A) - A A^T -> 0, so
little gradient flows. Scaling restores unit variance whatever d_k.

Backward, given G = dL/dO
-------------------------
    dL/dv = A^T G                                 (..., n_k, d_v)
    dL/dA = G v^T                                 (..., n_q, n_k)
    dL/dS = A * (dL/dA - rowsum(dL/dA * A))       softmax Jacobian applied row by row
    dL/dq = scale * dL/dS k,   dL/dk = scale * dL/dS^T q

Multi-head self-attention (x : (N, L, d), h heads of width d_h = d / h)
-----------------------------------------------------------------------
    Q = x W_q + b_q,  K = x W_k + b_k,  V = x W_v + b_v   W_* : (d, d)  (x @ W convention)
    split the last axis into h heads: (N, h, L, d_h); O_i = Attention(Q_i, K_i, V_i)
    y = concat(O_1..O_h) W_o + b_o                         W_o : (d, d)
PyTorch's nn.MultiheadAttention stores the transposes (y = x W^T + b) and stacks
[W_q; W_k; W_v] into in_proj_weight; its boolean attn_mask marks positions NOT allowed.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator

from algorithms.numerics import check_finite, softmax


def row_entropy(weights: np.ndarray) -> np.ndarray:
    """Entropy in nats of each row of a row-stochastic matrix (0 log 0 = 0)."""
    w = np.asarray(weights)
    logw = np.log(np.where(w > 0, w, 1.0))
    return -np.sum(w * logw, axis=-1)


def causal_mask(n: int) -> np.ndarray:
    """(n, n) boolean mask, True on and below the diagonal: position i sees j <= i."""
    return np.tril(np.ones((n, n), dtype=bool))


def scaled_dot_product_attention(q, k, v, mask=None, causal: bool = False, scale: float | None = None):
    """Return (O, A, cache); see the module docstring for shapes and conventions."""
    q, k, v = check_finite("q", q), check_finite("k", k), check_finite("v", v)
    if q.ndim < 2 or q.shape[-1] != k.shape[-1]:
        raise ValueError(f"k must have shape (..., n_k, {q.shape[-1]}) to match q's d_k, got {k.shape}")
    if v.shape[-2] != k.shape[-2]:
        raise ValueError(f"v must have shape (..., {k.shape[-2]}, d_v) to match k's n_k, got {v.shape}")
    n_q, n_k = q.shape[-2], k.shape[-2]
    scale = 1.0 / np.sqrt(q.shape[-1]) if scale is None else float(scale)
    allowed = np.ones((n_q, n_k), dtype=bool)
    if mask is not None:
        mask = np.asarray(mask)
        if mask.dtype != bool or mask.shape[-2:] != (n_q, n_k) or mask.ndim > max(q.ndim, k.ndim):
            raise ValueError(
                f"mask must be boolean with shape (..., {n_q}, {n_k}) (n_q, n_k), "
                f"got {mask.dtype} {mask.shape}"
            )
        allowed = allowed & mask
    if causal:
        allowed = allowed & causal_mask(max(n_q, n_k))[:n_q, :n_k]
    if not np.all(allowed.any(axis=-1)):
        raise ValueError("every query needs at least one position it may attend to; a mask row is all False")
    S = np.where(allowed, scale * (q @ np.swapaxes(k, -1, -2)), -np.inf)
    A = softmax(S)
    out = A @ v
    return out, A, {"q": q, "k": k, "v": v, "A": A, "scale": scale}


def attention_backward(g, cache) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(dL/dq, dL/dk, dL/dv) from g = dL/dO."""
    q, k, v, A, scale = (cache[x] for x in ("q", "k", "v", "A", "scale"))
    expected = A.shape[:-1] + (v.shape[-1],)
    g = check_finite("g", g)
    if g.shape != expected:
        raise ValueError(f"g must have shape {expected} (the output's), got {g.shape}")
    dv = np.swapaxes(A, -1, -2) @ g
    dA = g @ np.swapaxes(v, -1, -2)
    dS = A * (dA - np.sum(dA * A, axis=-1, keepdims=True))
    dq = scale * dS @ k
    dk = scale * np.swapaxes(dS, -1, -2) @ q
    # broadcasting may have expanded q, k or v: sum the gradient back to each input's shape
    return tuple(_unbroadcast(d, x.shape) for d, x in ((dq, q), (dk, k), (dv, v)))


def _unbroadcast(d: np.ndarray, shape: tuple) -> np.ndarray:
    while d.ndim > len(shape):
        d = d.sum(axis=0)
    for i, n in enumerate(shape):
        if n == 1 and d.shape[i] != 1:
            d = d.sum(axis=i, keepdims=True)
    return d


class MultiHeadSelfAttention(BaseEstimator):
    """Multi-head self-attention with an output projection.

    A layer, not an estimator (no ``fit``), so it takes only ``BaseEstimator``: ``clone``
    gives the same shape, uninitialised.

    Parameters
    ----------
    embed_dim : int
        Model width d; must be divisible by ``num_heads``.
    num_heads : int
        Number of heads h.
    """

    NAMES = ("w_q", "b_q", "w_k", "b_k", "w_v", "b_v", "w_o", "b_o")

    def __init__(self, embed_dim: int, num_heads: int):
        self.embed_dim = embed_dim
        self.num_heads = num_heads

    def initialize(self, rng: np.random.Generator) -> MultiHeadSelfAttention:
        d, h = self.embed_dim, self.num_heads
        if h < 1 or d % h:
            raise ValueError(f"embed_dim {d} must be divisible by num_heads {h}")
        self.params_ = {}
        for name in self.NAMES:
            self.params_[name] = (
                rng.normal(0, 1 / np.sqrt(d), (d, d)) if name.startswith("w") else rng.normal(0, 0.1, d)
            )
        return self

    def _split(self, t: np.ndarray) -> np.ndarray:
        n, L, d = t.shape
        return t.reshape(n, L, self.num_heads, d // self.num_heads).transpose(0, 2, 1, 3)

    def forward(self, x, mask=None, causal: bool = False):
        """y of shape (N, L, d), per-head weights (N, h, L, L), and the cache."""
        x = check_finite("x", x, ndim=3)
        if x.shape[2] != self.embed_dim:
            raise ValueError(f"x must have shape (N, L, {self.embed_dim}), got {x.shape}")
        p = self.params_
        heads = [self._split(x @ p[f"w_{c}"] + p[f"b_{c}"]) for c in "qkv"]  # 3 x (N, h, L, d_h)
        o, A, att_cache = scaled_dot_product_attention(*heads, mask=mask, causal=causal)
        concat = o.transpose(0, 2, 1, 3).reshape(x.shape)  # (N, L, d)
        y = concat @ p["w_o"] + p["b_o"]
        return y, A, {"x": x, "concat": concat, "att": att_cache}

    def backward(self, g, cache) -> tuple[dict, np.ndarray]:
        """(gradients by parameter name, dL/dx) from g = dL/dy of shape (N, L, d)."""
        x, concat, p = cache["x"], cache["concat"], self.params_
        g = check_finite("g", g)
        if g.shape != x.shape:
            raise ValueError(f"g must have shape {x.shape} (the output's), got {g.shape}")
        grads = {"w_o": np.einsum("nli,nlj->ij", concat, g), "b_o": g.sum(axis=(0, 1))}
        d_o = self._split(g @ p["w_o"].T)  # (N, h, L, d_h)
        d_heads = attention_backward(d_o, cache["att"])
        dx = np.zeros_like(x)
        for c, dh in zip("qkv", d_heads, strict=True):
            d_proj = dh.transpose(0, 2, 1, 3).reshape(x.shape)  # (N, L, d)
            grads[f"w_{c}"] = np.einsum("nli,nlj->ij", x, d_proj)
            grads[f"b_{c}"] = d_proj.sum(axis=(0, 1))
            dx += d_proj @ p[f"w_{c}"].T
        return grads, dx
