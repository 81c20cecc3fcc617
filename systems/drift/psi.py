"""Population Stability Index, vectorised over features.

    PSI = sum_b (A_b - E_b) * ln(A_b / E_b)

E_b is the share of the reference (training) window in bin b, A_b the share of the
current window. Convention used here:

- numeric bins: edges at the reference deciles q10..q90 (10 bins for a continuous
  feature); bin b holds edge[b-1] <= x < edge[b] (``searchsorted(..., side="right")``).
  Values below the reference minimum land in the first bin and values above its maximum
  in the last: out-of-range values are kept, not dropped.
- tied deciles (a discrete feature) merge into fewer bins; a constant reference column
  (every decile equal, zero-width bins) gets the three bins x < c, x == c, x > c so a
  shift away from the constant still shows.
- a missing value (NaN) has its own bin, so a rising null rate counts as drift.
- categorical: one bin per category of reference OR current; a category never seen in
  the reference has E_b = 0 and is counted, not dropped.
- empty bins: shares are floored at ``eps`` (default 1e-4) before the log, the usual
  guard against ln(0). With an unseen category of share a, the term is about
  a * ln(a / eps), so ``eps`` decides how loud an unseen category is; it is stated here
  and configurable.

The numeric side is computed in ``numeric.py`` (sorted columns); this module holds
the bins, the formula and the categorical side.

The total variation distance TVD = 0.5 * sum_b |A_b - E_b| (the share of the population
that would have to move bins) is the "drift in percent" used to skip retraining.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

EPS = 1e-4
N_BINS = 10


def decile_edges(reference: np.ndarray, n_bins: int = N_BINS) -> np.ndarray:
    """Inner bin edges of one numeric reference column (NaNs ignored).

    Returns
    -------
    edges : ndarray of shape (k,), sorted, unique; the column gets k + 1 value bins.
    """
    x = reference[~np.isnan(reference)]
    if x.size == 0:
        raise ValueError("reference column has no non-missing values; cannot build PSI bins")
    q = np.quantile(x, np.arange(1, n_bins) / n_bins)
    edges = np.unique(q)
    if edges.size == 1 and x.min() == x.max():
        # zero-width deciles: split into below / equal / above the constant
        edges = np.array([edges[0], np.nextafter(edges[0], np.inf)])
    return edges


def shares(counts: np.ndarray) -> np.ndarray:
    """Row-normalised counts; an all-zero row stays zero."""
    total = counts.sum(axis=-1, keepdims=True)
    return np.divide(counts, total, out=np.zeros_like(counts, dtype=float), where=total > 0)


def psi_from_shares(expected: np.ndarray, actual: np.ndarray, eps: float = EPS) -> np.ndarray:
    """PSI along the last axis; ``expected``/``actual`` of shape (..., n_bins)."""
    e = np.maximum(expected, eps)
    a = np.maximum(actual, eps)
    return np.sum((a - e) * np.log(a / e), axis=-1)


def tvd_from_shares(expected: np.ndarray, actual: np.ndarray) -> np.ndarray:
    return 0.5 * np.abs(actual - expected).sum(axis=-1)


def _as_categories(values) -> pd.Series:
    return pd.Series(np.asarray(values, dtype=object)).fillna("<missing>").astype(str)


def category_counts(reference, current) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Sorted reference categories then unseen ones of current, and both count vectors.

    Missing values are the category ``"<missing>"``.
    """
    rc = _as_categories(reference).value_counts()
    cc = _as_categories(current).value_counts()
    cats = sorted(rc.index) + sorted(set(cc.index) - set(rc.index))
    return (
        cats,
        rc.reindex(cats, fill_value=0).to_numpy(float),
        cc.reindex(cats, fill_value=0).to_numpy(float),
    )


def categorical_psi(reference, current, eps: float = EPS) -> tuple[float, list[str]]:
    """PSI over categories (unseen ones counted) and the list of unseen categories."""
    cats, rc, cc = category_counts(reference, current)
    unseen = [c for c, r in zip(cats, rc, strict=True) if r == 0]
    return float(psi_from_shares(shares(rc), shares(cc), eps)), unseen
