"""Uncertainty of the drift figures the ledger compares: PSI, F1 loss, approval gain.

Every interval here is a seeded percentile bootstrap (95%, ``N_BOOT`` resamples), so the
same seed gives the same ledger (see ``systems.core.uncertainty``).

PSI with the bins held fixed. Given the reference and current bin counts R and C, a row
bootstrap of either window with the reference's bin edges held fixed is a multinomial
draw of its counts:

    R* ~ Multinomial(n_ref, R / n_ref),   C* ~ Multinomial(n_cur, C / n_cur)
    PSI* = PSI(R* / n_ref, C* / n_cur)            (same eps floor as the point value)

so the interval costs two multinomial draws per resample, not a re-sort. It leaves out
the variance of re-estimating the decile edges, which is small next to the count noise
at the reference sizes used here (tens of thousands of rows).

F1 loss of an event (paired). ``sample_week`` draws a week with and without an event on
the same random stream, so row i of both frames is the same applicant; resampling the
row indices once for both keeps that pairing:

    loss* = 1 - F1(y_with[i*], p_with[i*]) / F1(y_without[i*], p_without[i*])

Approval gain: rows of the evaluation frame resampled, the gain recomputed on each.
"""

from __future__ import annotations

import numpy as np

from systems.core.ledger import Interval
from systems.drift.psi import EPS, psi_from_shares

N_BOOT = 400
LEVEL = 0.95


def _interval(values: np.ndarray, method: str) -> Interval:
    values = values[np.isfinite(values)]
    lo, hi = np.quantile(values, [(1 - LEVEL) / 2, 1 - (1 - LEVEL) / 2])
    return Interval(float(lo), float(hi), method, LEVEL)


def psi_ci(ref_counts, cur_counts, seed: int, eps: float = EPS, n_boot: int = N_BOOT) -> Interval:
    """Bootstrap interval of PSI from the two bin-count vectors (bins fixed), shape (k,)."""
    r, c = np.asarray(ref_counts, dtype=float), np.asarray(cur_counts, dtype=float)
    if r.shape != c.shape or r.sum() <= 0 or c.sum() <= 0:
        raise ValueError(f"psi_ci needs two non-empty count vectors of one shape, got {r.shape}, {c.shape}")
    g = np.random.default_rng(seed)
    rs = g.multinomial(int(r.sum()), r / r.sum(), size=n_boot) / r.sum()
    cs = g.multinomial(int(c.sum()), c / c.sum(), size=n_boot) / c.sum()
    return _interval(
        psi_from_shares(rs, cs, eps), f"multinomial bootstrap of both windows' bin counts, {n_boot} resamples"
    )


def _f1_rows(y: np.ndarray, flag: np.ndarray) -> np.ndarray:
    """F1 per row of (B, n) boolean label/flag matrices."""
    tp = (y & flag).sum(axis=1)
    denom = y.sum(axis=1) + flag.sum(axis=1)
    return np.divide(2.0 * tp, denom, out=np.zeros(len(y)), where=denom > 0)


def f1_loss_ci(pairs, seed: int, n_boot: int = N_BOOT) -> Interval:
    """Interval of the mean over weeks of 1 - F1(with) / F1(without), rows paired.

    pairs : list of (y_with, flag_with, y_without, flag_without), each of shape (n,)
        one tuple per measured week; flags are the model's decisions (p >= threshold).
    """
    g = np.random.default_rng(seed)
    total = np.zeros(n_boot)
    for y_a, f_a, y_b, f_b in pairs:
        n = len(y_a)
        idx = g.integers(0, n, size=(n_boot, n))
        ya, fa = np.asarray(y_a, bool)[idx], np.asarray(f_a, bool)[idx]
        yb, fb = np.asarray(y_b, bool)[idx], np.asarray(f_b, bool)[idx]
        total += 1 - _f1_rows(ya, fa) / _f1_rows(yb, fb)
    return _interval(total / len(pairs), f"paired bootstrap over rows of each week, {n_boot} resamples")


def resampled_ci(stat, n_rows: int, seed: int, n_boot: int = N_BOOT) -> Interval:
    """Interval of ``stat(idx)`` over ``n_boot`` row resamples ``idx`` of shape (n_rows,)."""
    g = np.random.default_rng(seed)
    values = np.array([stat(g.integers(0, n_rows, n_rows)) for _ in range(n_boot)], dtype=float)
    return _interval(values, f"bootstrap over {n_rows} rows, {n_boot} resamples")


def feature_psi_ci(reference, current, feature: str, numeric: bool, n_bins: int, eps: float, seed: int):
    """(PSI, Interval) of one feature of two frames, binned as the monitor bins it."""
    from systems.drift.numeric import NumericDrift
    from systems.drift.psi import category_counts

    if numeric:
        nd = NumericDrift(n_bins, eps).fit(reference[[feature]].to_numpy(float))
        cur = nd.score(current[[feature]].to_numpy(float))["shares"][0]
        rc, cc = nd.reference_shares_[0] * len(reference), cur * len(current)
    else:
        _, rc, cc = category_counts(reference[feature], current[feature])
    point = float(psi_from_shares(rc / rc.sum(), cc / cc.sum(), eps))
    return point, psi_ci(rc, cc, seed, eps)
