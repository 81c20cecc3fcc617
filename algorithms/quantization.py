"""Weight and activation quantizers written from their definitions: INT8, absmax INT4, NF4.

Convention: a weight matrix ``W`` has shape (d_out, d_in), like ``torch.nn.Linear.weight``;
"per-channel" means one scale per output row (axis 0), "per-tensor" one scale for all.
Every quantizer returns integer codes plus what is needed to map them back, and
``dequantize`` gives the float reconstruction ``W_hat``; the reconstruction error is
``W - W_hat``.

Symmetric INT8 (weights)
    s = max|W| / 127.5 (torch's ``per_tensor_symmetric`` convention: the half-range of
    [-128, 127]),   q = clip(round(W / s), -128, 127),   W_hat = s q.
    Zero maps to zero exactly. Per-channel uses max|W_i.| per row i: a row of small
    weights is then not forced onto a grid sized for the largest row.

Asymmetric INT8 (activations)
    The range is widened to contain 0 (so padding and ReLU zeros are exact):
    lo = min(min x, 0), hi = max(max x, 0), n = 2^b - 1 levels,
    s = (hi - lo) / n,   z = clip(round(-lo / s), 0, n),   q = clip(round(x / s) + z, 0, n),
    x_hat = s (q - z). ``reduce_range`` uses 7 bits (n = 127), as torch's x86 (fbgemm)
    kernels do for activations to leave headroom in the 16-bit accumulation.

Dynamic vs static activation quantization
    Dynamic: (s, z) are computed from each input batch at run time (the "observed range").
    Static: (s, z) are fixed beforehand from a calibration set; inputs outside the
    calibrated range are clipped, inputs with a narrower range waste levels.

Block-wise absmax INT4
    W is flattened row-major into blocks of B values; each block has its own
    a = max|block|, codes k in {-7..7}: q = round(7 w / a), w_hat = a q / 7 (15 levels,
    uniform, symmetric).

NF4 (NormalFloat 4, QLoRA, Dettmers et al. 2023)
    Levels are quantiles of N(0, 1) normalised to [-1, 1], so each level carries an equal
    share of a normal weight's probability mass and levels crowd near zero. To have an
    exact zero and use all 16 codes, the construction is asymmetric: 8 positive levels from
    the quantiles of p in linspace(delta, 1/2, 9)[:-1] and 7 negative ones from
    linspace(delta, 1/2, 8)[:-1], plus 0, each side divided by its largest value:

        delta = (1/2) ((1 - 1/(2*15)) + (1 - 1/(2*16))) = 0.9677083...

    (the mean of the outermost quantile positions for 15 and 16 equal-mass bins, which
    keeps Phi^-1 finite). A block is normalised by its absmax, each value is mapped to
    the nearest level, and w_hat = a * level[q].

All arithmetic is float64 NumPy; the code is a reference, not a fast kernel.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import norm

NF4_OFFSET = 0.5 * ((1 - 1 / (2 * 15)) + (1 - 1 / (2 * 16)))


@dataclass(frozen=True)
class Quantized:
    """Integer codes and the parameters that map them back to floats.

    Attributes
    ----------
    codes : ndarray of int
        Same shape as the input (block formats: the input's shape too).
    scale : ndarray
        Broadcastable to ``codes`` (per-tensor: shape (); per-channel: (d_out, 1)), or
        one absmax per block for the block formats, shape (n_blocks,).
    zero_point : ndarray
        Same shape as ``scale`` (zeros for symmetric formats).
    scheme : str
        "int8_sym", "uint8_asym", "int4_absmax" or "nf4".
    block : int
        Block size of the block formats (0 otherwise).
    """

    codes: np.ndarray
    scale: np.ndarray
    zero_point: np.ndarray
    scheme: str
    block: int = 0

    def dequantize(self) -> np.ndarray:
        return dequantize(self)


def _check(x) -> np.ndarray:
    a = np.asarray(x, dtype=np.float64)
    if a.size == 0:
        raise ValueError("cannot quantize an empty array")
    if not np.all(np.isfinite(a)):
        raise ValueError("cannot quantize non-finite values (NaN or inf in the input)")
    return a


def _absmax(a: np.ndarray, per_channel: bool) -> np.ndarray:
    if per_channel:
        if a.ndim != 2:
            raise ValueError(f"per-channel quantization needs a 2-D (d_out, d_in) matrix, got {a.shape}")
        return np.abs(a).max(axis=1, keepdims=True)
    return np.asarray(np.abs(a).max())


def quantize_int8_symmetric(w, per_channel: bool = False) -> Quantized:
    """Symmetric INT8: s = max|w| / 127.5, q = clip(round(w / s), -128, 127)."""
    a = _check(w)
    s = _absmax(a, per_channel) / 127.5
    s = np.where(s == 0, 1.0, s)  # an all-zero row keeps code 0 with any scale
    q = np.clip(np.rint(a / s), -128, 127).astype(np.int8)
    return Quantized(q, s, np.zeros_like(s), "int8_sym")


def activation_qparams(x, bits: int = 8, reduce_range: bool = False) -> tuple[float, int]:
    """(scale, zero_point) of the asymmetric quantizer for the range of ``x`` widened to 0."""
    a = _check(x)
    n = 2 ** (bits - 1 if reduce_range else bits) - 1
    lo, hi = min(float(a.min()), 0.0), max(float(a.max()), 0.0)
    s = (hi - lo) / n if hi > lo else 1.0
    z = int(np.clip(np.rint(-lo / s), 0, n))
    return s, z


def quantize_asymmetric(
    x, scale: float | None = None, zero_point: int | None = None, bits: int = 8, reduce_range: bool = False
) -> Quantized:
    """Asymmetric (affine) quantization; (scale, zero_point) from ``x`` itself unless given (static)."""
    a = _check(x)
    n = 2 ** (bits - 1 if reduce_range else bits) - 1
    if scale is None or zero_point is None:
        scale, zero_point = activation_qparams(a, bits, reduce_range)
    if not scale > 0:
        raise ValueError(f"scale must be > 0, got {scale}")
    q = np.clip(np.rint(a / scale) + zero_point, 0, n).astype(np.int64)
    return Quantized(q, np.asarray(scale), np.asarray(zero_point), "uint8_asym")


def _blocks(a: np.ndarray, block: int) -> np.ndarray:
    if block < 1 or a.size % block:
        raise ValueError(f"block size {block} must divide the number of values ({a.size})")
    return a.reshape(-1, block)


def quantize_int4_absmax(w, block: int = 64) -> Quantized:
    """Block-wise absmax INT4: codes in {-7..7}, w_hat = absmax * q / 7."""
    a = _check(w)
    b = _blocks(a, block)
    amax = np.abs(b).max(axis=1)
    safe = np.where(amax == 0, 1.0, amax)
    # divide first: |b| / absmax <= 1, so 7 * (b / absmax) cannot overflow as 7 * b can (|w| > 2.6e307)
    q = np.clip(np.rint(7 * (b / safe[:, None])), -7, 7).astype(np.int8)
    return Quantized(q.reshape(a.shape), amax, np.zeros_like(amax), "int4_absmax", block)


def nf4_levels() -> np.ndarray:
    """The 16 NF4 levels in [-1, 1], ascending (see the module docstring), shape (16,)."""
    pos = norm.ppf(np.linspace(NF4_OFFSET, 0.5, 9)[:-1])
    neg = -norm.ppf(np.linspace(NF4_OFFSET, 0.5, 8)[:-1])
    v = np.sort(np.concatenate([pos / pos.max(), [0.0], neg / np.abs(neg).max()]))
    return v


def quantize_nf4(w, block: int = 64) -> Quantized:
    """Block-wise NF4: each value -> index of the nearest level of ``nf4_levels`` times absmax."""
    a = _check(w)
    b = _blocks(a, block)
    amax = np.abs(b).max(axis=1)
    safe = np.where(amax == 0, 1.0, amax)
    levels = nf4_levels()
    x = b / safe[:, None]
    # nearest level: compare against the midpoints between consecutive levels
    mids = (levels[1:] + levels[:-1]) / 2
    q = np.searchsorted(mids, x).astype(np.uint8)
    return Quantized(q.reshape(a.shape), amax, np.zeros_like(amax), "nf4", block)


def dequantize(qt: Quantized) -> np.ndarray:
    """Float reconstruction of a ``Quantized``, same shape as the original input."""
    if qt.scheme == "int8_sym":
        return qt.codes.astype(np.float64) * qt.scale
    if qt.scheme == "uint8_asym":
        return (qt.codes.astype(np.float64) - qt.zero_point) * qt.scale
    shape = qt.codes.shape
    codes = qt.codes.reshape(-1, qt.block)
    if qt.scheme == "int4_absmax":
        return (codes.astype(np.float64) / 7 * qt.scale[:, None]).reshape(shape)  # q / 7 first: no overflow
    if qt.scheme == "nf4":
        return (nf4_levels()[codes] * qt.scale[:, None]).reshape(shape)
    raise ValueError(f"unknown scheme {qt.scheme!r}")


def relative_error(w, w_hat) -> float:
    """||W - W_hat||_F^2 / ||W||_F^2 (0 = exact)."""
    w, w_hat = np.asarray(w, np.float64), np.asarray(w_hat, np.float64)
    den = float(np.sum(w * w))
    return float(np.sum((w - w_hat) ** 2)) / den if den > 0 else 0.0


def dynamic_int8_linear(x, weight: Quantized, bias=None, reduce_range: bool = True) -> np.ndarray:
    """y = dequant(quant_dyn(x)) @ dequant(W)^T + b, the arithmetic of a dynamic INT8 linear.

    ``x`` (n, d_in) is quantized per tensor with a range measured on this very batch
    (asymmetric, 7-bit when ``reduce_range`` like torch's fbgemm kernel); ``weight`` is a
    symmetric INT8 ``Quantized`` of the (d_out, d_in) matrix, made once ahead of time.
    The integer product accumulates exactly; this reference computes it in float64,
    which is exact for these magnitudes.
    """
    xq = quantize_asymmetric(x, reduce_range=reduce_range)
    y = dequantize(xq) @ dequantize(weight).T
    return y if bias is None else y + np.asarray(bias, np.float64)


def static_int8_linear(
    x, weight: Quantized, scale: float, zero_point: int, bias=None, reduce_range: bool = True
) -> np.ndarray:
    """Like ``dynamic_int8_linear`` but with activation (scale, zero_point) fixed by calibration."""
    xq = quantize_asymmetric(x, scale, zero_point, reduce_range=reduce_range)
    y = dequantize(xq) @ dequantize(weight).T
    return y if bias is None else y + np.asarray(bias, np.float64)
