"""Sort once, read everything off the sorted column: PSI counts and the KS statistic.

For one numeric column, sorting the current window (O(m log m)) is the only expensive
step; after it

    bin counts   cuts = searchsorted(sorted, edges, side="left")     (k searches, not m)
                 counts = diff([0, cuts, n_values]);  NaNs (sorted last) counted apart
    KS           D = max |F_ref - F_cur| over both samples' values, from two searchsorted
                 calls on sorted arrays (cache friendly)

The reference is sorted once in ``fit``. Conventions (bins, eps, NaN bin, p-values) are
stated in ``psi.py`` and ``stattests.py``; the tests check every number against the
per-feature ``naive.py`` and ``scipy.stats.ks_2samp``.
"""

from __future__ import annotations

import numpy as np

from systems.drift.psi import EPS, N_BINS, decile_edges, psi_from_shares, shares, tvd_from_shares
from systems.drift.stattests import ks_pvalue


def _sorted_columns(x: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Each column sorted without its NaNs, and the NaN count per column."""
    x = np.asfortranarray(x, dtype=float)
    cols, nans = [], np.zeros(x.shape[1], dtype=np.int64)
    for j in range(x.shape[1]):
        s = np.sort(x[:, j])
        k = int(np.searchsorted(s, np.nan))  # NaNs sort last
        nans[j] = s.size - k
        cols.append(s[:k])
    return cols, nans


class NumericDrift:
    """PSI (reference deciles, NaN bin, eps floor) and KS for many numeric columns.

    Parameters
    ----------
    n_bins : int
        Quantile bins of the reference.
    eps : float
        Floor for empty-bin shares.
    """

    def __init__(self, n_bins: int = N_BINS, eps: float = EPS):
        self.n_bins = n_bins
        self.eps = eps

    def fit(self, reference: np.ndarray) -> NumericDrift:
        """reference : ndarray of shape (n_rows, n_features)."""
        self.sorted_, nans = _sorted_columns(reference)
        self.edges_ = []
        for j, s in enumerate(self.sorted_):
            if s.size == 0:
                raise ValueError(f"reference column {j} has no non-missing values; cannot build PSI bins")
            self.edges_.append(decile_edges(s, self.n_bins))
        self.width_ = max(e.size for e in self.edges_) + 2
        self.reference_shares_ = shares(self._counts(self.sorted_, nans))
        return self

    def _counts(self, cols: list[np.ndarray], nans: np.ndarray) -> np.ndarray:
        out = np.zeros((len(cols), self.width_))
        for j, (s, edges) in enumerate(zip(cols, self.edges_, strict=True)):
            cuts = np.searchsorted(s, edges, side="left")
            out[j, : edges.size + 1] = np.diff(np.concatenate([[0], cuts, [s.size]]))
            out[j, -1] = nans[j]
        return out

    def score(self, current: np.ndarray, pvalue: str = "exact") -> dict[str, np.ndarray]:
        """psi, tvd, ks_d, ks_p and current bin shares; arrays of shape (n_features,)."""
        cols, nans = _sorted_columns(current)
        cur = shares(self._counts(cols, nans))
        d = np.full(len(cols), np.nan)
        en = np.full(len(cols), np.nan)
        for j, (a, b) in enumerate(zip(self.sorted_, cols, strict=True)):
            if b.size == 0:
                continue
            both = np.concatenate([a, b])
            gap = (
                np.searchsorted(a, both, side="right") / a.size
                - np.searchsorted(b, both, side="right") / b.size
            )
            d[j] = max(gap.max(), np.clip(-gap.min(), 0, 1))
            en[j] = np.round(a.size * b.size / (a.size + b.size))
        return {
            "psi": psi_from_shares(self.reference_shares_, cur, self.eps),
            "tvd": tvd_from_shares(self.reference_shares_, cur),
            "ks_d": d,
            "ks_p": ks_pvalue(d, en, pvalue),
            "shares": cur,
        }
