"""Deterministic hash assignment, stratified balance, and the sample-ratio-mismatch test.

Design
------
A unit's arm must be a pure function of (salt, unit id), so the same user lands in the same
arm in every session, process and machine. Python's ``hash()`` is salted per process
(PYTHONHASHSEED), so it is not used; sha256 is:

    bucket(id) = int(sha256(salt + ":" + id)[:8 bytes]) mod B         (B = 10,000 buckets)
    arm(id)    = first j with bucket < B * (w_0 + ... + w_j)           (weights sum to 1)

A new salt per experiment re-randomises users between experiments (no carry-over of a
previous test's treatment into the next one's control).

Stratified balance. Hashing ignores the stratum, so balance within strata is a check, not a
mechanism: the arm-by-stratum table is tested for independence (chi-square), and each
stratum's realised share is reported with its Wilson interval.

Sample-ratio mismatch (SRM). With expected shares w and realised counts c (N = sum c):

    X^2 = sum_j (c_j - N w_j)^2 / (N w_j)  ~  chi2(k - 1) under a healthy split

(scipy.stats.chisquare). A tiny p-value (conventionally < 0.001) means the split itself is
broken (lost logging, bots, a redirect that drops users) and no effect estimate can be trusted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

N_BUCKETS = 10_000


def bucket(unit_id: str, salt: str, n_buckets: int = N_BUCKETS) -> int:
    """The unit's bucket in [0, n_buckets): first 8 bytes of sha256(salt:id), big-endian."""
    digest = hashlib.sha256(f"{salt}:{unit_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % n_buckets


def _check_weights(weights: Sequence[float]) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    if w.ndim != 1 or w.size < 2 or np.any(w <= 0) or not np.isclose(w.sum(), 1.0):
        raise ValueError(f"weights must be >= 2 positive shares summing to 1, got {list(weights)}")
    return w


def assign(unit_ids: Iterable[str], salt: str, weights: Sequence[float] = (0.5, 0.5)) -> np.ndarray:
    """Arm index (0 = control) per unit, shape (n,); deterministic in (salt, id)."""
    w = _check_weights(weights)
    edges = np.round(np.cumsum(w) * N_BUCKETS).astype(np.int64)
    b = np.fromiter((bucket(str(u), salt) for u in unit_ids), dtype=np.int64)
    return np.searchsorted(edges, b, side="right")


@dataclass(frozen=True)
class SRM:
    """Sample-ratio-mismatch test of realised arm counts against the designed shares."""

    counts: tuple[int, ...]
    expected_shares: tuple[float, ...]
    chi2: float
    p_value: float

    def flagged(self, alpha: float = 0.001) -> bool:
        return self.p_value < alpha


def srm_test(counts: Sequence[int], expected_shares: Sequence[float]) -> SRM:
    """Chi-square goodness of fit of ``counts`` to ``expected_shares`` (scipy.stats.chisquare)."""
    c = np.asarray(counts, dtype=float)
    w = _check_weights(expected_shares)
    if c.shape != w.shape or c.sum() <= 0:
        raise ValueError(f"counts {list(counts)} must match shares {list(expected_shares)} and be > 0")
    res = stats.chisquare(c, c.sum() * w)
    return SRM(tuple(int(x) for x in c), tuple(float(x) for x in w), float(res.statistic), float(res.pvalue))


@dataclass(frozen=True)
class Balance:
    """Realised treatment share per stratum and the independence test of arm x stratum."""

    table: pd.DataFrame  # rows: strata; columns: n, n_treatment, share, share_low, share_high
    chi2: float
    p_value: float


def stratum_balance(arm: np.ndarray, strata: np.ndarray, level: float = 0.95) -> Balance:
    """Per-stratum share of arm 1 with Wilson intervals, and chi2_contingency(stratum x arm)."""
    from statsmodels.stats.proportion import proportion_confint

    arm, strata = np.asarray(arm), np.asarray(strata)
    ct = pd.crosstab(strata, arm)
    rows = []
    for s, r in ct.iterrows():
        n, k = int(r.sum()), int(r.get(1, 0))
        lo, hi = proportion_confint(k, n, alpha=1 - level, method="wilson")
        rows.append(
            {
                "stratum": s,
                "n": n,
                "n_treatment": k,
                "share": k / n,
                "share_low": float(lo),
                "share_high": float(hi),
            }
        )
    chi2, p, _, _ = stats.chi2_contingency(ct.to_numpy()) if ct.shape[0] > 1 else (0.0, 1.0, 0, None)
    return Balance(pd.DataFrame(rows).set_index("stratum"), float(chi2), float(p))
