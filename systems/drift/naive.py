"""A straightforward per-feature drift computation: the yardstick for ``make bench``.

Written the way one would first write it: for each feature, recompute the reference
deciles, count each bin with a boolean mask, and call ``scipy.stats.ks_2samp`` on the
raw columns. It follows the same conventions as ``psi.py`` (edges q10..q90, bin b holds
edge[b-1] <= x < edge[b], out-of-range values in the edge bins, NaN bin, eps floor,
constant column split in three) so a unit test can demand identical numbers.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from systems.drift.psi import EPS


def naive_psi(reference: np.ndarray, current: np.ndarray, n_bins: int = 10, eps: float = EPS) -> float:
    """PSI of one numeric feature; 1-D arrays (NaN = missing)."""
    ref_vals = reference[~np.isnan(reference)]
    edges = sorted(set(np.quantile(ref_vals, [k / n_bins for k in range(1, n_bins)]).tolist()))
    if len(edges) == 1 and ref_vals.min() == ref_vals.max():
        edges = [edges[0], float(np.nextafter(edges[0], np.inf))]
    bounds = [-math.inf] + edges + [math.inf]
    psi = 0.0
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
        e = np.mean((reference >= lo) & (reference < hi))
        a = np.mean((current >= lo) & (current < hi))
        e, a = max(e, eps), max(a, eps)
        psi += (a - e) * math.log(a / e)
    e, a = max(np.mean(np.isnan(reference)), eps), max(np.mean(np.isnan(current)), eps)
    return psi + (a - e) * math.log(a / e)


def naive_ks(reference: np.ndarray, current: np.ndarray) -> tuple[float, float]:
    r = stats.ks_2samp(reference[~np.isnan(reference)], current[~np.isnan(current)], method="asymp")
    return float(r.statistic), float(r.pvalue)


def naive_drift(reference: np.ndarray, current: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """PSI, KS statistic, KS p-value per column of two (n_rows, n_features) arrays."""
    psi, d, p = [], [], []
    for j in range(reference.shape[1]):
        psi.append(naive_psi(reference[:, j], current[:, j]))
        dj, pj = naive_ks(reference[:, j], current[:, j])
        d.append(dj)
        p.append(pj)
    return np.array(psi), np.array(d), np.array(p)
