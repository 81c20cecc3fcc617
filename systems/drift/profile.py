"""Score a large window against a precomputed reference profile, without sorting it.

``NumericDrift`` sorts every current column (O(m log m) each). With the reference
profiled once (sorted columns, PSI decile edges, and K fine quantile "bucket" edges with
the reference CDF at each), a current column needs only bucket look-ups, and the exact
KS statistic follows from a bound:

    buckets      E_0 < ... < E_{K-1} reference values (its K-quantiles); bucket k holds
                 E_{k-1} < x <= E_k  (E_{-1} = -inf, E_K = +inf);  k = searchsorted(E, x, "left")
    at edges     G_k = F_ref(E_k) - F_cur(E_k), exact: F_cur(E_k) = (counts of buckets 0..k) / m
    lower bound  D >= D_lo = max_k |G_k|          (the E_k are reference values, where KS looks)
    upper bound  inside bucket k both CDFs are monotone between the bucket's ends, so
                 |F_ref(x) - F_cur(x)| <= U_k = max(F_ref(E_k) - F_cur(E_{k-1}),
                                                    F_cur(E_k) - F_ref(E_{k-1}))
    exact D      max(D_lo, the exact gap at every reference and current value of each
                 bucket with U_k > D_lo); buckets with U_k <= D_lo cannot hold the max

so only the current values of a few candidate buckets are sorted. The result is the same
D as evaluating both CDFs at every observed value (``numeric.py``, ``scipy.stats.ks_2samp``),
not an approximation; the tests check it to 1e-15. PSI bin counts come from the same kind of
look-up against the 9 decile edges (bin b holds edge[b-1] <= x < edge[b], ``psi.py``); the
p-value uses Kolmogorov's limit form (``stattests.ks_pvalue(..., "limit")``) unless asked.
Columns are scored on a small thread pool: NumPy's look-ups release the GIL.

Look-ups. A binary search per value into 2048 edges costs more than sorting the column,
so ``EdgeIndex`` answers ``searchsorted(edges, x, side)`` from a table over a uniform grid
of C = 32 K cells between the first and last edge: cell c = floor((x - edge_0) / width),
guess = the answer at the cell's left end, then a check (edge[guess-1] < x <= edge[guess]
for side "left", <= / < for "right"); the few values that fail the check (their cell
holds an edge) get the binary search. The check makes the result exact.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np

from systems.drift.psi import EPS, N_BINS, decile_edges, psi_from_shares, shares, tvd_from_shares
from systems.drift.stattests import ks_pvalue

N_BUCKETS = 2048


class EdgeIndex:
    """``searchsorted(edges, x, side)`` by a grid table plus an exactness check (module docstring)."""

    def __init__(self, edges: np.ndarray, side: str, cells_per_edge: int = 32):
        self.edges, self.side = np.asarray(edges, dtype=float), side
        self.lo, span = float(self.edges[0]), float(self.edges[-1] - self.edges[0])
        self.n_cells = max(64, cells_per_edge * self.edges.size)
        # a few edges (the PSI deciles): a binary search is already cheaper than the table
        self.direct = self.edges.size < 64 or not (span > 0 and np.isfinite(span))
        if self.direct:
            return
        self.inv_width = self.n_cells / span
        left_ends = self.lo + np.arange(self.n_cells) / self.inv_width
        self.table = np.searchsorted(self.edges, left_ends, side=side)
        self.padded = np.concatenate([[-np.inf], self.edges, [np.inf]])

    def __call__(self, x: np.ndarray) -> np.ndarray:
        if self.direct:
            return np.searchsorted(self.edges, x, side=self.side)
        cell = np.clip((x - self.lo) * self.inv_width, 0, self.n_cells - 1).astype(np.intp)
        k = self.table[cell]
        below, above = self.padded[k], self.padded[k + 1]
        ok = (below < x) & (x <= above) if self.side == "left" else (below <= x) & (x < above)
        bad = np.flatnonzero(~ok)
        if bad.size:
            k[bad] = np.searchsorted(self.edges, x[bad], side=self.side)
        return k


class _Column:
    """Profile of one reference column: sorted values, PSI edges, KS buckets."""

    def __init__(self, x: np.ndarray, n_bins: int, n_buckets: int):
        s = np.sort(x)
        k = int(np.searchsorted(s, np.nan))  # NaNs sort last
        self.sorted, self.n_nan = s[:k], s.size - k
        if self.sorted.size == 0:
            raise ValueError("reference column has no non-missing values; cannot build PSI bins")
        self.edges = decile_edges(self.sorted, n_bins)
        counts = np.bincount(
            np.searchsorted(self.edges, self.sorted, side="right"), minlength=self.edges.size + 1
        )
        self.ref_counts = np.append(counts, self.n_nan).astype(float)
        n = self.sorted.size
        picks = (np.arange(1, n_buckets + 1) * n) // n_buckets - 1
        self.buckets = np.unique(self.sorted[np.clip(picks, 0, n - 1)])
        self.f_ref = np.searchsorted(self.sorted, self.buckets, side="right") / n  # F_ref(E_k)
        self.bin_of = EdgeIndex(self.edges, "right")
        self.bucket_of = EdgeIndex(self.buckets, "left")

    def score(self, x: np.ndarray) -> tuple[np.ndarray, float, float]:
        """(current PSI bin counts incl. the NaN bin, KS D, effective n) of one current column."""
        nan = np.isnan(x)
        n_nan = int(nan.sum())
        b = x[~nan] if n_nan else x
        counts = np.bincount(self.bin_of(b), minlength=self.edges.size + 1)
        cur_counts = np.append(counts, n_nan).astype(float)
        if b.size == 0:
            return cur_counts, np.nan, np.nan
        return (
            cur_counts,
            self._ks(b),
            float(np.round(self.sorted.size * b.size / (self.sorted.size + b.size))),
        )

    def _ks(self, b: np.ndarray) -> float:
        a, e, n, m = self.sorted, self.buckets, self.sorted.size, b.size
        k_of = self.bucket_of(b)  # bucket of each current value, 0..K
        c_cur = np.cumsum(np.bincount(k_of, minlength=e.size + 1))  # #cur <= E_k (k < K)
        f_cur = c_cur[:-1] / m
        d_lo = float(np.abs(self.f_ref - f_cur).max())
        # bucket k's ends: (E_{k-1}, E_k]; the last bucket (above E_{K-1}) ends at +inf
        ref_lo = np.concatenate([[0.0], self.f_ref])
        ref_hi = np.concatenate([self.f_ref, [1.0]])
        cur_lo = np.concatenate([[0.0], f_cur])
        cur_hi = c_cur / m
        upper = np.maximum(ref_hi - cur_lo, cur_hi - ref_lo)
        cand = np.flatnonzero(upper > d_lo)
        if cand.size == 0:
            return d_lo
        picked = np.zeros(e.size + 1, dtype=bool)
        picked[cand] = True
        s = np.sort(b[picked[k_of]])  # the current values of the candidate buckets only
        lo_val = np.concatenate([[-np.inf], e])[cand]
        hi_val = np.concatenate([e, [np.inf]])[cand]
        # every reference and current value inside the candidate buckets
        ref_lo_i = np.searchsorted(a, lo_val, side="right")
        ref_hi_i = np.searchsorted(a, hi_val, side="right")
        pts = np.concatenate([s] + [a[i:j] for i, j in zip(ref_lo_i, ref_hi_i, strict=True)])
        k_pts = np.searchsorted(e, pts, side="left")
        # #cur <= x = #cur in buckets before x's bucket + #selected cur in x's bucket that are <= x
        before = np.concatenate([[0], c_cur])[k_pts]
        start = np.searchsorted(s, np.concatenate([[-np.inf], e])[k_pts], side="right")
        n_cur = before + np.searchsorted(s, pts, side="right") - start
        gap = np.searchsorted(a, pts, side="right") / n - n_cur / m
        return max(d_lo, float(np.abs(gap).max()))


class ReferenceProfile:
    """Fit once on a reference window; score many current windows (PSI, TVD, exact KS D, p).

    Parameters
    ----------
    n_bins : int
        PSI quantile bins.
    eps : float
        Floor for empty-bin shares.
    n_buckets : int
        Fine quantile buckets for the KS bound (more buckets: fewer candidate values).
    n_threads : int
        Columns scored in parallel.
    """

    def __init__(
        self, n_bins: int = N_BINS, eps: float = EPS, n_buckets: int = N_BUCKETS, n_threads: int = 2
    ):
        self.n_bins, self.eps, self.n_buckets, self.n_threads = n_bins, eps, n_buckets, n_threads

    def fit(self, reference: np.ndarray) -> ReferenceProfile:
        """reference : ndarray of shape (n_rows, n_features)."""
        x = np.asfortranarray(reference, dtype=float)
        self.columns_ = [_Column(x[:, j], self.n_bins, self.n_buckets) for j in range(x.shape[1])]
        self.width_ = max(c.edges.size for c in self.columns_) + 2
        return self

    def _pad(self, counts: np.ndarray) -> np.ndarray:
        out = np.zeros(self.width_)
        out[: counts.size - 1] = counts[:-1]
        out[-1] = counts[-1]  # the NaN bin is always last, as in NumericDrift
        return out

    def score(self, current: np.ndarray, pvalue: str = "limit") -> dict[str, np.ndarray]:
        """psi, tvd, ks_d, ks_p; arrays of shape (n_features,)."""
        x = np.asarray(current, dtype=float)
        if x.ndim != 2 or x.shape[1] != len(self.columns_):
            raise ValueError(f"current window must have shape (n, {len(self.columns_)}), got {x.shape}")
        with ThreadPoolExecutor(self.n_threads) as pool:
            res = list(
                pool.map(lambda j: self.columns_[j].score(np.ascontiguousarray(x[:, j])), range(x.shape[1]))
            )
        ref = shares(np.array([self._pad(c.ref_counts) for c in self.columns_]))
        cur = shares(np.array([self._pad(r[0]) for r in res]))
        d = np.array([r[1] for r in res])
        en = np.array([r[2] for r in res])
        return {
            "psi": psi_from_shares(ref, cur, self.eps),
            "tvd": tvd_from_shares(ref, cur),
            "ks_d": d,
            "ks_p": ks_pvalue(d, en, pvalue),
        }
