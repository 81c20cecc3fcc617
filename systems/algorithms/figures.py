"""How the AL demos record figures in the ledger, so the same seed gives the same ledger.

Values computed through BLAS can differ in their last bits between runs (the kernel chosen
depends on memory alignment and thread count), and the ledger must not. Round-off-level
errors are therefore recorded as their power-of-ten upper bound (at least 1e-12), and every
other figure keeps 4 significant digits.
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
