"""GPTQ for one linear layer (Frantar et al. 2022), next to round-to-nearest (RTN).

Problem
-------
For a layer with weights W (d_out, d_in) and calibration inputs X (d_in, n) (one column
per token), find quantized weights Q on a fixed grid minimising the layer output error

    E(Q) = ||W X - Q X||_F^2 = sum_rows (w - q) H_half (w - q)^T,   H_half = X X^T.

The rows are independent (they share X), so each row solves the same quadratic problem.
With H = 2 X X^T (the Hessian of E in one row), E = (1/2) sum_rows dw H dw^T.

Optimal Brain Quantization step
-------------------------------
Quantize one coordinate j of a row w to q_j, then let the not-yet-quantized coordinates F
absorb the error. Minimising (1/2) dw H dw^T subject to dw_j = q_j - w_j gives

    delta_F = -(w_j - q_j) / [H^-1]_jj * [H^-1]_{F, j}          (the compensation)
    added error = (w_j - q_j)^2 / [H^-1]_jj

and the inverse Hessian of the remaining coordinates is H^-1 with row/column j eliminated
(one Gaussian-elimination step).

GPTQ's three changes
--------------------
1. Fixed order: quantize columns 0, 1, ..., d_in - 1 for every row at once (the order
   barely matters for large layers, and all rows then share one sequence of H^-1).
2. Cholesky: the eliminations of H^-1 in this fixed order are exactly the rows of the
   upper Cholesky factor U of H^-1 (H^-1 = U^T U): after eliminating columns < j, the
   needed row is U[j, j:] * U[j, j], so

       err_j = (w_j - q_j) / U[j, j]
       w_{j+1:} -= err_j * U[j, j+1:]

   which is numerically stable where repeated eliminations are not.
3. Lazy batches: columns are processed in blocks of B; inside a block the update touches
   only the block's columns, and the accumulated errors update the rest of W once per
   block, W[:, i2:] -= Err_block @ U[i1:i2, i2:] (a matrix product instead of d_in
   rank-1 updates over the whole matrix). The result is identical to B = 1.

Damping: H += lambda * mean(diag H) * I (lambda = 0.01) keeps H invertible when tokens are
few or inputs collinear. An input that is always zero (H_jj = 0) gets H_jj = 1 and its
column zeroed: it never contributes to W X.

Grid: asymmetric min-max per output row (or per group of ``group_size`` input columns),
b bits, levels s * (k - z), k in {0..2^b - 1}; RTN rounds every weight to that grid.
GPTQ uses the same grid, so the two differ only in the error compensation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class GPTQResult:
    """Quantized (dequantized-to-float) weights and the objective before/after.

    Attributes
    ----------
    weight : ndarray (d_out, d_in)
        The quantized weights, as floats on the grid.
    codes : ndarray of int (d_out, d_in)
    scale, zero : ndarray (d_out, n_groups)
        Grid per row and group.
    """

    weight: np.ndarray
    codes: np.ndarray
    scale: np.ndarray
    zero: np.ndarray


def hessian(X, damp: float = 0.01) -> np.ndarray:
    """H = 2 X X^T + damp * mean(diag) I for inputs X of shape (d_in, n_tokens)."""
    x = np.asarray(X, np.float64)
    if x.ndim != 2 or x.shape[1] < 1:
        raise ValueError(f"calibration inputs must be (d_in, n_tokens), got shape {x.shape}")
    h = 2.0 * x @ x.T
    dead = np.diag(h) == 0
    h[dead, dead] = 1.0
    h[np.diag_indices_from(h)] += damp * float(np.mean(np.diag(h)))
    return h


def row_grid(w: np.ndarray, bits: int) -> tuple[np.ndarray, np.ndarray]:
    """Asymmetric min-max grid per row of ``w`` (d_out, k): (scale, zero), each (d_out,)."""
    if not 1 <= bits <= 16:
        raise ValueError(f"bits must be in 1..16, got {bits}")
    n = 2**bits - 1
    lo = np.minimum(w.min(axis=1), 0.0)
    hi = np.maximum(w.max(axis=1), 0.0)
    both_zero = (lo == 0) & (hi == 0)
    lo, hi = np.where(both_zero, -1.0, lo), np.where(both_zero, 1.0, hi)
    scale = (hi - lo) / n
    zero = np.rint(-lo / scale)
    return scale, zero


def _round(
    w_col: np.ndarray, scale: np.ndarray, zero: np.ndarray, bits: int
) -> tuple[np.ndarray, np.ndarray]:
    q = np.clip(np.rint(w_col / scale) + zero, 0, 2**bits - 1)
    return scale * (q - zero), q


def _grids(W: np.ndarray, bits: int, group_size: int | None) -> tuple[np.ndarray, np.ndarray, int]:
    d_in = W.shape[1]
    g = d_in if group_size is None else group_size
    if d_in % g:
        raise ValueError(f"group_size {g} must divide d_in = {d_in}")
    grids = [row_grid(W[:, i : i + g], bits) for i in range(0, d_in, g)]
    return np.stack([s for s, _ in grids], 1), np.stack([z for _, z in grids], 1), g


def rtn(W, bits: int, group_size: int | None = None) -> GPTQResult:
    """Round-to-nearest on the same per-row (per-group) grid GPTQ uses."""
    w = np.asarray(W, np.float64)
    scale, zero, g = _grids(w, bits, group_size)
    cols = np.arange(w.shape[1]) // g
    q = np.clip(np.rint(w / scale[:, cols]) + zero[:, cols], 0, 2**bits - 1)
    return GPTQResult(scale[:, cols] * (q - zero[:, cols]), q.astype(np.int64), scale, zero)


def gptq(
    W, X, bits: int, block_size: int = 128, damp: float = 0.01, group_size: int | None = None
) -> GPTQResult:
    """Quantize W (d_out, d_in) with GPTQ, using calibration inputs X (d_in, n_tokens)."""
    w = np.array(W, dtype=np.float64)
    if w.ndim != 2 or np.asarray(X).shape[0] != w.shape[1]:
        raise ValueError(f"W is {w.shape} and X is {np.asarray(X).shape}: need W (d_out, d_in), X (d_in, n)")
    if block_size < 1:
        raise ValueError(f"block_size must be >= 1, got {block_size}")
    h = hessian(X, damp)
    w[:, np.diag(np.asarray(X, np.float64) @ np.asarray(X, np.float64).T) == 0] = 0.0
    # grid from the original weights (as RTN), so only the compensation differs
    scale, zero, g = _grids(w, bits, group_size)
    # upper Cholesky factor of H^-1: H^-1 = U^T U
    u = np.linalg.cholesky(np.linalg.inv(h)).T
    d_in = w.shape[1]
    qw = np.zeros_like(w)
    codes = np.zeros(w.shape, dtype=np.int64)
    for i1 in range(0, d_in, block_size):
        i2 = min(i1 + block_size, d_in)
        err = np.zeros((w.shape[0], i2 - i1))
        for j in range(i1, i2):
            qcol, code = _round(w[:, j], scale[:, j // g], zero[:, j // g], bits)
            qw[:, j], codes[:, j] = qcol, code
            e = (w[:, j] - qcol) / u[j, j]
            w[:, j + 1 : i2] -= np.outer(e, u[j, j + 1 : i2])  # inside the block: eager
            err[:, j - i1] = e
        w[:, i2:] -= err @ u[i1:i2, i2:]  # the rest: once per block (lazy)
    return GPTQResult(qw, codes, scale, zero)


def output_error(W, Q, X) -> float:
    """||W X - Q X||_F^2 for W, Q (d_out, d_in) and X (d_in, n)."""
    d = (np.asarray(W, np.float64) - np.asarray(Q, np.float64)) @ np.asarray(X, np.float64)
    return float(np.sum(d * d))


def relative_output_error(W, Q, X) -> float:
    """||W X - Q X||_F^2 / ||W X||_F^2."""
    ref = np.asarray(W, np.float64) @ np.asarray(X, np.float64)
    den = float(np.sum(ref * ref))
    return output_error(W, Q, X) / den if den > 0 else 0.0
