"""Empirical order of growth: the slope of a straight line through a log-log plot.

If y ~ c * x^k then log y = log c + k log x, so the least-squares slope of log y against
log x estimates k: -1 for an O(1/t) error, -2 for O(1/t^2), 1 for a cost linear in the
parameter count, 2 for a quadratic one.
"""

from __future__ import annotations

import numpy as np


def loglog_slope(x, y) -> float:
    """Least-squares slope of log(y) against log(x); both must be positive."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if (x <= 0).any() or (y <= 0).any():
        raise ValueError("log-log slope needs x > 0 and y > 0")
    return float(np.polyfit(np.log(x), np.log(y), 1)[0])
