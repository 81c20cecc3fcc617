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

Categorical: a two-sample test of homogeneity on the 2 x K table of category counts
(reference row, current row), never a goodness-of-fit test against the reference shares:
the reference is a sample too, and treating its shares as exact overstates the evidence
(a category seen once in the reference and never in the current window alone adds 1 to
a goodness-of-fit statistic). The table is prepared by a stated merge rule:

    1. drop categories absent from both windows
    2. a category is sparse when its expected count E_ij = r_i c_j / N is below 5 in
       either row (Cochran's rule); all sparse categories are pooled into one column
    3. if that pooled column is still sparse, it is merged into the smallest remaining
       column; repeat until no column is sparse or one column is left
    4. >= 2 columns: Pearson chi-square on the merged table (``chi2_contingency``, no
       continuity correction, dof = columns - 1)
       1 column (counts too small to leave two categories): Fisher's exact test on the
       2 x 2 table (largest category vs the rest of the original table)

A category unseen in the reference is a column of its own until the rule merges it.

Both p-values shrink like exp(-c n effect^2): at production sizes a negligible shift
is "significant". That is why PSI, an effect size, drives actions here and p-values only
with a persistence rule (p < 0.01 for 3 consecutive weeks).
"""

from __future__ import annotations

from dataclasses import dataclass

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


MIN_EXPECTED = 5.0


@dataclass(frozen=True)
class CategoricalTest:
    """Result of the two-sample categorical test (see module docstring)."""

    statistic: float
    p_value: float
    dof: int
    method: str  # "chi2", "chi2 (merged: a+b)", "fisher exact (2x2)" or "none (...)"
    merged: tuple[str, ...] = ()


def _expected(table: np.ndarray) -> np.ndarray:
    return table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / table.sum()


def merge_sparse(table: np.ndarray, names: list[str]) -> tuple[np.ndarray, list[str], tuple[str, ...]]:
    """Apply merge steps 2-3 to a 2 x K table; returns the table, column names, merged names."""
    table, names = table.astype(float), list(names)
    sparse = _expected(table).min(axis=0) < MIN_EXPECTED
    if not sparse.any() or table.shape[1] < 2:
        return table, names, ()
    merged = tuple(n for n, s in zip(names, sparse, strict=True) if s)
    pooled = table[:, sparse].sum(axis=1, keepdims=True)
    table = np.hstack([table[:, ~sparse], pooled])
    names = [n for n, s in zip(names, sparse, strict=True) if not s] + ["+".join(merged)]
    while table.shape[1] > 1 and _expected(table)[:, -1].min() < MIN_EXPECTED:
        j = int(np.argmin(table[:, :-1].sum(axis=0)))  # the smallest remaining column
        merged = merged + (names[j],)
        table[:, -1] += table[:, j]
        table = np.delete(table, j, axis=1)
        names = names[:j] + names[j + 1 :]
        names[-1] = "+".join(merged)
    return table, names, merged


def categorical_test(ref_counts, cur_counts, categories=None) -> CategoricalTest:
    """Two-sample test of two category count vectors of shape (K,) (see module docstring)."""
    table = np.vstack([ref_counts, cur_counts]).astype(float)
    names = list(categories) if categories is not None else [str(j) for j in range(table.shape[1])]
    keep = table.sum(axis=0) > 0
    table, names = table[:, keep], [n for n, k in zip(names, keep, strict=True) if k]
    if table.shape[1] < 2 or (table.sum(axis=1) == 0).any():
        return CategoricalTest(0.0, 1.0, 0, "none (fewer than two categories or an empty window)")
    original = table
    table, names, merged = merge_sparse(table, names)
    if table.shape[1] >= 2:
        res = stats.chi2_contingency(table, correction=False)
        how = f"chi2 (merged: {'+'.join(merged)})" if merged else "chi2"
        return CategoricalTest(float(res.statistic), float(res.pvalue), int(res.dof), how, merged)
    # too few counts to keep two columns: exact test, largest category against the rest
    j = int(np.argmax(original.sum(axis=0)))
    two = np.column_stack([original[:, j], original.sum(axis=1) - original[:, j]])
    res = stats.fisher_exact(two)
    return CategoricalTest(float(res.statistic), float(res.pvalue), 1, "fisher exact (2x2)", merged)


def chi_square(ref_counts: np.ndarray, cur_counts: np.ndarray) -> tuple[float, float]:
    """Statistic and p-value of ``categorical_test`` (kept for callers that need only these)."""
    t = categorical_test(ref_counts, cur_counts)
    return t.statistic, t.p_value
