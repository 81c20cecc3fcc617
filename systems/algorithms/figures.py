"""How the AL demos record figures in the ledger, so the same seed gives the same ledger.

Values computed through BLAS can differ in their last bits between runs (the kernel chosen
depends on memory alignment and thread count), and the ledger must not. Two policies are in
use: ``ledger_figures`` records round-off-level errors as their power-of-ten upper bound (at
least 1e-12) and every other figure with 4 significant digits; ``two_digits`` keeps 2
significant digits of a single round-off-level figure.
"""

from __future__ import annotations

import numpy as np


def ledger_figures(measured: dict[str, float], roundoff: set[str]) -> dict[str, float]:
    """Figures as the ledger records them; names in ``roundoff`` become upper bounds."""
    out = {}
    for k, v in measured.items():
        if k in roundoff:
            v = 1e-12 if v <= 1e-12 else 10.0 ** np.ceil(np.log10(v))
        out[k] = float(f"{v:.4g}")
    return out


def max_abs_diff(a, b) -> float:
    """Largest |a - b| over all entries."""
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b))))


def rel_error(a, b) -> float:
    """||a - b|| / ||b|| (Frobenius), with b the reference."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(b), 1e-300))


def two_digits(x: float) -> float:
    """``x`` with 2 significant digits (for round-off-level figures)."""
    return float(f"{x:.2g}")
