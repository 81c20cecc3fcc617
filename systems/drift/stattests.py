"""Two-sample tests: Kolmogorov-Smirnov for numeric features, chi-square for categorical.

KS: D = sup_x |F_ref(x) - F_cur(x)|, the largest gap between the two empirical CDFs,
evaluated at every observed value (both CDFs right-continuous, ``side="right"``).
Two-sided p-value with effective size en = round(n m / (n + m)):

    pvalue="exact"  p = kstwo.sf(D, en), exactly what ``scipy.stats.ks_2samp(method="asymp")``
                    does; accurate, but slow in the far tail at large en (about 0.1-0.5 s
                    per feature at en = 1e5..5e5, measured in ``make bench``)
    pvalue="limit"  p = kstwobign.sf(sqrt(en) D), Kolmogorov's limiting distribution;
                    relative gap to "exact" shrinks like 1/sqrt(en) (under 1% at en = 1e5)

D itself is computed in ``numeric.py`` from sorted columns; missing values are left out
of both samples (the PSI's NaN bin tracks them).

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


def ks_pvalue(d: np.ndarray, en: np.ndarray, pvalue: str = "exact") -> np.ndarray:
    """Two-sided KS p-values for statistics ``d`` at effective sizes ``en`` (NaN stays NaN)."""
    if pvalue not in ("exact", "limit"):
        raise ValueError(f"pvalue must be 'exact' or 'limit', got {pvalue!r}")
    p = np.full_like(d, np.nan)
    ok = ~np.isnan(d)
    if pvalue == "exact":
        p[ok] = np.clip(stats.kstwo.sf(d[ok], en[ok]), 0, 1)
    else:
        p[ok] = np.clip(stats.kstwobign.sf(np.sqrt(en[ok]) * d[ok]), 0, 1)
    return p


def chi_square(ref_counts: np.ndarray, cur_counts: np.ndarray) -> tuple[float, float]:
    """Chi-square homogeneity statistic and p-value of two category count vectors."""
    table = np.vstack([ref_counts, cur_counts]).astype(float)
    table = table[:, table.sum(axis=0) > 0]
    if table.shape[1] < 2 or (table.sum(axis=1) == 0).any():
        return 0.0, 1.0
    res = stats.chi2_contingency(table, correction=False)
    return float(res.statistic), float(res.pvalue)
