"""Two-sample tests: Kolmogorov-Smirnov for numeric features, chi-square for categorical.

KS: D = sup_x |F_ref(x) - F_cur(x)|, the largest gap between the two empirical CDFs,
evaluated at every observed value (both CDFs right-continuous, ``side="right"``).
Two-sided p-value from Smirnov's distribution with effective size
en = round(n m / (n + m)): ``p = kstwo.sf(D, en)``, exactly what
``scipy.stats.ks_2samp(method="asymp")`` does. The reference is sorted once in ``fit``
and reused for every window, which is where the speed comes from; missing values are
left out of both samples (the PSI's NaN bin tracks them).

Chi-square: the 2 x K table of category counts (reference row, current row) tested for
homogeneity with ``scipy.stats.chi2_contingency`` (no continuity correction); a category
unseen in the reference is a column of its own.

Both p-values shrink like exp(-c n effect^2): at production sizes a negligible shift
is "significant". That is why PSI, an effect size, drives actions here and p-values only
with a persistence rule (p < 0.01 for 3 consecutive weeks).
"""

from __future__ import annotations

import numpy as np
from scipy import stats


class KSReference:
    """Sorted reference columns, fitted once; ``test`` compares a window with them."""

    def fit(self, reference: np.ndarray) -> KSReference:
        """reference : ndarray of shape (n_rows, n_features), float (NaN = missing)."""
        reference = np.asarray(reference, dtype=float)
        self.sorted_ = [np.sort(c[~np.isnan(c)]) for c in reference.T]
        return self

    def test(self, current: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """KS statistic and p-value per feature, two ndarrays of shape (n_features,).

        A feature with no non-missing value in either window gets D = nan, p = nan.
        """
        current = np.asarray(current, dtype=float)
        d = np.full(current.shape[1], np.nan)
        en = np.full(current.shape[1], np.nan)
        for j, a in enumerate(self.sorted_):
            b = np.sort(current[:, j][~np.isnan(current[:, j])])
            if a.size == 0 or b.size == 0:
                continue
            both = np.concatenate([a, b])
            gap = (
                np.searchsorted(a, both, side="right") / a.size
                - np.searchsorted(b, both, side="right") / b.size
            )
            d[j] = max(gap.max(), np.clip(-gap.min(), 0, 1))
            en[j] = np.round(a.size * b.size / (a.size + b.size))
        p = np.full_like(d, np.nan)
        ok = ~np.isnan(d)
        p[ok] = np.clip(stats.kstwo.sf(d[ok], en[ok]), 0, 1)
        return d, p


def chi_square(ref_counts: np.ndarray, cur_counts: np.ndarray) -> tuple[float, float]:
    """Chi-square homogeneity statistic and p-value of two category count vectors."""
    table = np.vstack([ref_counts, cur_counts]).astype(float)
    table = table[:, table.sum(axis=0) > 0]
    if table.shape[1] < 2 or (table.sum(axis=1) == 0).any():
        return 0.0, 1.0
    res = stats.chi2_contingency(table, correction=False)
    return float(res.statistic), float(res.pvalue)
