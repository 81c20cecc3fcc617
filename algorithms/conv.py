"""2-D convolution and max pooling, forward and backward (NCHW, as in PyTorch).

Shapes: x (N, C_in, H, W), kernel w (C_out, C_in, K_h, K_w), bias b (C_out,),
output y (N, C_out, H', W'), stride S, zero padding P on every side.

Output size
-----------
    H' = floor((H - K_h + 2P) / S) + 1        (same for W')

The floor matters: when S does not divide H - K + 2P the last rows of the padded input
are never covered by a window, and (H - K + 2P)/S + 1 without it is not an integer.

Forward (cross-correlation, no kernel flip, as every framework computes "convolution")
-------------------------------------------------------------------------------------
    y[n, o, h, v] = b[o] + sum_{c, i, j} xp[n, c, S h + i, S v + j] * w[o, c, i, j]

where xp is x zero-padded by P. Implemented as a tensor contraction of the windows
view (N, C_in, H', W', K_h, K_w) with w.

Backward, given g = dL/dy of shape (N, C_out, H', W')
-----------------------------------------------------
    dL/db[o]          = sum_{n, h, v} g[n, o, h, v]
    dL/dw[o, c, i, j] = sum_{n, h, v} g[n, o, h, v] * xp[n, c, S h + i, S v + j]
    dL/dxp[n, c, r, s] = sum_{o, i, j} w[o, c, i, j] * g[n, o, (r - i)/S, (s - j)/S]
                         (terms whose indices are not integers in range are zero)

The last sum is a transposed convolution: put S - 1 zeros between the entries of g
(dilation), pad it by K - 1, and cross-correlate with the kernel flipped in both spatial
axes with its channel axes swapped. Cropping P from each side of dL/dxp gives dL/dx.

Max pooling (kernel K, stride S, no padding)
--------------------------------------------
    y[n, c, h, v] = max_{i, j < K} x[n, c, S h + i, S v + j]
    dL/dx routes each g[n, c, h, v] to the argmax of its window (the first one on ties,
    as PyTorch does) and adds where overlapping windows share an argmax; every other
    input gets zero gradient.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from algorithms.numerics import check_finite


def output_size(n: int, kernel: int, padding: int = 0, stride: int = 1) -> int:
    """floor((n - kernel + 2 padding) / stride) + 1, with the inputs checked."""
    if stride < 1 or padding < 0 or kernel < 1:
        raise ValueError(f"need stride >= 1, padding >= 0, kernel >= 1; got {stride}, {padding}, {kernel}")
    if n + 2 * padding < kernel:
        raise ValueError(f"kernel {kernel} is larger than the padded input {n} + 2*{padding}")
    return (n - kernel + 2 * padding) // stride + 1


def _windows(xp: np.ndarray, kh: int, kw: int, stride: int) -> np.ndarray:
    """View of shape (N, C, H', W', kh, kw) of the padded input's receptive fields."""
    return sliding_window_view(xp, (kh, kw), axis=(2, 3))[:, :, ::stride, ::stride]


def _correlate(xp: np.ndarray, w: np.ndarray, stride: int) -> tuple[np.ndarray, np.ndarray]:
    win = _windows(xp, w.shape[2], w.shape[3], stride)
    y = np.tensordot(win, w, axes=([1, 4, 5], [1, 2, 3]))  # (N, H', W', C_out)
    return y.transpose(0, 3, 1, 2), win


def conv2d_forward(x, w, b, stride: int = 1, padding: int = 0) -> tuple[np.ndarray, dict]:
    """y of shape (N, C_out, H', W') and the cache for ``conv2d_backward``."""
    x = check_finite("x", x, ndim=4)
    w = check_finite("w", w, ndim=4)
    b = check_finite("b", b)
    if w.shape[1] != x.shape[1]:
        raise ValueError(
            f"w must have shape (C_out, {x.shape[1]}, K_h, K_w) to match x's "
            f"{x.shape[1]} channels, got {w.shape}"
        )
    if b.shape != (w.shape[0],):
        raise ValueError(f"b must have shape ({w.shape[0]},), got {b.shape}")
    for n, k in ((x.shape[2], w.shape[2]), (x.shape[3], w.shape[3])):
        output_size(n, k, padding, stride)
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    y, win = _correlate(xp, w, stride)
    y = y + b.reshape(1, -1, 1, 1)
    return y, {"x_shape": x.shape, "w": w, "win": win, "stride": stride, "padding": padding}


def conv_transpose2d(g, w, stride: int = 1, padding: int = 0, out_hw: tuple[int, int] | None = None):
    """Transposed convolution of g (N, C_out, H', W') with w (C_out, C_in, K_h, K_w).

    Returns (N, C_in, H, W): the adjoint of ``conv2d_forward``'s linear map x -> y - b, so
    it is dL/dx when g = dL/dy. ``out_hw`` is (H, W) of the forward input; by default the
    smallest size that gives H' (no uncovered rows).
    """
    g = check_finite("g", g, ndim=4)
    w = check_finite("w", w, ndim=4)
    if g.shape[1] != w.shape[0]:
        raise ValueError(f"g must have shape (N, {w.shape[0]}, H', W') to match w, got {g.shape}")
    n, _, ho, wo = g.shape
    kh, kw = w.shape[2:]
    if out_hw is None:
        out_hw = ((ho - 1) * stride + kh - 2 * padding, (wo - 1) * stride + kw - 2 * padding)
    H, W = out_hw
    if (output_size(H, kh, padding, stride), output_size(W, kw, padding, stride)) != (ho, wo):
        raise ValueError(f"out_hw {out_hw} does not map to g's spatial shape {(ho, wo)}")
    dilated = np.zeros((n, g.shape[1], (ho - 1) * stride + 1, (wo - 1) * stride + 1))
    dilated[:, :, ::stride, ::stride] = g
    full = np.pad(dilated, ((0, 0), (0, 0), (kh - 1, kh - 1), (kw - 1, kw - 1)))
    flipped = w[:, :, ::-1, ::-1].transpose(1, 0, 2, 3)  # (C_in, C_out, K_h, K_w)
    covered, _ = _correlate(full, flipped, 1)  # rows/cols windows reached
    dxp = np.zeros((n, w.shape[1], H + 2 * padding, W + 2 * padding))
    dxp[:, :, : covered.shape[2], : covered.shape[3]] = covered
    return dxp[:, :, padding : padding + H, padding : padding + W]


def conv2d_backward(g, cache) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(dL/dx, dL/dw, dL/db) from g = dL/dy of shape (N, C_out, H', W')."""
    g = check_finite("g", g, ndim=4)
    win, w = cache["win"], cache["w"]
    expected = (cache["x_shape"][0], w.shape[0], win.shape[2], win.shape[3])
    if g.shape != expected:
        raise ValueError(f"g must have shape {expected} (the output's), got {g.shape}")
    db = g.sum(axis=(0, 2, 3))
    dw = np.tensordot(g, win, axes=([0, 2, 3], [0, 2, 3]))  # (C_out, C_in, K_h, K_w)
    dx = conv_transpose2d(g, w, cache["stride"], cache["padding"], cache["x_shape"][2:])
    return dx, dw, db


def maxpool2d_forward(x, kernel: int, stride: int | None = None) -> tuple[np.ndarray, dict]:
    """y of shape (N, C, H', W') with H' = floor((H - kernel) / stride) + 1, and a cache."""
    x = check_finite("x", x, ndim=4)
    stride = kernel if stride is None else stride
    ho, wo = output_size(x.shape[2], kernel, 0, stride), output_size(x.shape[3], kernel, 0, stride)
    win = _windows(x, kernel, kernel, stride).reshape(*x.shape[:2], ho, wo, kernel * kernel)
    arg = win.argmax(axis=-1)  # first maximum on ties
    y = np.take_along_axis(win, arg[..., None], axis=-1)[..., 0]
    return y, {"x_shape": x.shape, "arg": arg, "kernel": kernel, "stride": stride}


def maxpool2d_backward(g, cache) -> np.ndarray:
    """dL/dx: each g[n, c, h, v] added to its window's argmax, zero elsewhere."""
    g = check_finite("g", g, ndim=4)
    arg, k, s = cache["arg"], cache["kernel"], cache["stride"]
    if g.shape != arg.shape:
        raise ValueError(f"g must have shape {arg.shape} (the pooled output's), got {g.shape}")
    n, c, h, v = np.indices(arg.shape)
    rows, cols = h * s + arg // k, v * s + arg % k
    dx = np.zeros(cache["x_shape"])
    np.add.at(dx, (n, c, rows, cols), g)  # overlapping windows add up
    return dx
