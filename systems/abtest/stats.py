"""Effect estimates and tests, vectorised over experiments (closed forms, checked against
statsmodels and scipy in tests/systems/abtest/test_stats.py).

Design
------
Two proportions, k_a / n_a (control) and k_b / n_b (treatment):

    pooled z   z = (p_b - p_a) / sqrt(p (1 - p) (1/n_a + 1/n_b)),  p = (k_a + k_b) / (n_a + n_b)
               (statsmodels.proportions_ztest; z^2 is scipy's chi2_contingency without
               continuity correction)
    Wald CI    (p_b - p_a) +- z_{1-a/2} sqrt(p_a q_a / n_a + p_b q_b / n_b)

Relative lift R = m_b / m_a - 1 by the delta method on the log ratio:

    se(log(m_b / m_a)) = sqrt(v_b / (n_b m_b^2) + v_a / (n_a m_a^2))
    CI = exp(log(m_b / m_a) +- z se) - 1          (asymmetric, never below -100%)

CUPED with a pre-period covariate x (Deng et al. 2013): theta = cov(y, x) / var(x) over both
arms pooled, y' = y - theta (x - mean(x)); the difference in means of y' is unbiased for the
same effect (x is fixed before assignment) with variance reduced by a factor 1 - rho^2.

Multiple metrics: Bonferroni, Holm and Benjamini-Hochberg via statsmodels' multipletests.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats
from statsmodels.stats.multitest import multipletests


def two_proportion_z(k_a, n_a, k_b, n_b) -> np.ndarray:
    """Pooled two-proportion z of b against a (positive when b converts more); any shape."""
    k_a, n_a, k_b, n_b = (np.asarray(x, dtype=float) for x in (k_a, n_a, k_b, n_b))
    p = (k_a + k_b) / (n_a + n_b)
    se = np.sqrt(p * (1 - p) * (1 / n_a + 1 / n_b))
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (k_b / n_b - k_a / n_a) / se
    return np.where(se > 0, z, 0.0)


def p_two_sided(z) -> np.ndarray:
    return 2 * stats.norm.sf(np.abs(z))


@dataclass(frozen=True)
class Estimate:
    """A difference b - a (absolute) and b / a - 1 (relative), each with its interval."""

    control: float
    treatment: float
    diff: float
    diff_low: float
    diff_high: float
    rel: float
    rel_low: float
    rel_high: float


def _z(level: float) -> float:
    return float(stats.norm.ppf(1 - (1 - level) / 2))


def estimate(
    m_a: float, v_a: float, n_a: int, m_b: float, v_b: float, n_b: int, level: float = 0.95
) -> Estimate:
    """Absolute (Wald) and relative (delta method, log scale) lift from arm means/variances."""
    z = _z(level)
    diff = m_b - m_a
    se = np.sqrt(v_a / n_a + v_b / n_b)
    if m_a > 0 and m_b > 0:
        lr = np.log(m_b / m_a)
        se_lr = np.sqrt(v_b / (n_b * m_b**2) + v_a / (n_a * m_a**2))
        rel, lo, hi = np.expm1(lr), np.expm1(lr - z * se_lr), np.expm1(lr + z * se_lr)
    else:  # a zero mean has no relative lift; report NaN rather than a made-up number
        rel = lo = hi = float("nan")
    return Estimate(
        float(m_a),
        float(m_b),
        float(diff),
        float(diff - z * se),
        float(diff + z * se),
        float(rel),
        float(lo),
        float(hi),
    )


def estimate_from_samples(y_a: np.ndarray, y_b: np.ndarray, level: float = 0.95) -> Estimate:
    y_a, y_b = np.asarray(y_a, dtype=float), np.asarray(y_b, dtype=float)
    return estimate(y_a.mean(), y_a.var(ddof=1), y_a.size, y_b.mean(), y_b.var(ddof=1), y_b.size, level)


def cuped_theta(y: np.ndarray, x: np.ndarray, axis: int = -1) -> np.ndarray:
    """theta = cov(y, x) / var(x) along ``axis`` (arms pooled)."""
    y, x = np.asarray(y, dtype=float), np.asarray(x, dtype=float)
    xc = x - x.mean(axis=axis, keepdims=True)
    yc = y - y.mean(axis=axis, keepdims=True)
    return (xc * yc).sum(axis=axis) / (xc * xc).sum(axis=axis)


def cuped_adjust(y: np.ndarray, x: np.ndarray, axis: int = -1) -> np.ndarray:
    """y - theta (x - mean x), same shape as y."""
    y, x = np.asarray(y, dtype=float), np.asarray(x, dtype=float)
    theta = np.expand_dims(cuped_theta(y, x, axis), axis)
    return y - theta * (x - x.mean(axis=axis, keepdims=True))


def adjust(p_values, method: str = "holm") -> np.ndarray:
    """Adjusted p-values: method in {'bonferroni', 'holm', 'fdr_bh'} (statsmodels multipletests)."""
    p = np.asarray(p_values, dtype=float)
    return multipletests(p, method=method)[1] if p.size else p


def welch_p(y_a: np.ndarray, y_b: np.ndarray, axis: int = -1) -> np.ndarray:
    """Two-sided Welch t-test p-value (scipy.stats.ttest_ind, equal_var=False)."""
    return stats.ttest_ind(y_b, y_a, equal_var=False, axis=axis).pvalue


def mann_whitney_p(y_a: np.ndarray, y_b: np.ndarray, axis: int = -1) -> np.ndarray:
    """Two-sided Mann-Whitney U p-value, normal approximation with tie correction (scipy)."""
    return stats.mannwhitneyu(y_b, y_a, alternative="two-sided", method="asymptotic", axis=axis).pvalue
