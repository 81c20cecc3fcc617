"""Intervals for measured figures: bootstrap, paired bootstrap, binomial, t, seed spread.

Design
------
A relation between two measured figures is decided on the interval of their difference
(see ``systems.core.ledger``). This module makes those intervals; every one is seeded, so
the same seed gives the same ledger.

Percentile bootstrap over rows. Draw B resamples of the n row indices with replacement,
compute the statistic on each, and take the (alpha/2, 1 - alpha/2) quantiles:

    I = [q_{alpha/2}(T*_1..T*_B), q_{1-alpha/2}(T*_1..T*_B)]

Paired bootstrap. When two models are scored on the same rows, the resample is shared,
so the interval is that of D* = m(y*, a*) - m(y*, b*). Pairing removes the between-row
variance the two scores have in common, which is why it resolves differences that two
separate intervals would call overlapping.

Binomial (Wilson score). For k successes in n trials, p = k/n and z = Phi^-1(1 - alpha/2):

    centre = (p + z^2/2n) / (1 + z^2/n),  half = z sqrt(p(1-p)/n + z^2/4n^2) / (1 + z^2/n)

(statsmodels' ``proportion_confint(method="wilson")`` computes the same; the tests check it.)

Mean (Student t). x_bar +- t_{n-1, 1-alpha/2} s / sqrt(n). For paired differences
d_i = a_i - b_i (same queries, two systems) the same interval is taken over d; when every
d_i is equal (often all 0: two rankers agree on every query) s = 0 and the interval is the
point, which also covers a single pair.

Speed-up from paired timings. When two schedules run interleaved round by round (a slow
spell of the machine hits both alike), each round gives a ratio r_i = slow_i / fast_i, and
ratios multiply, so the interval is taken on logs and mapped back:

    speed-up = exp(mean log r_i),   I = exp(t interval of mean log r_i)

Seed spread. Over a handful of seeds the honest summary is the range [min, max]: it makes
no distributional assumption and says how far another seed can move the figure.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import stats

from algorithms.metrics import roc_auc_rows
from systems.core.ledger import Interval

Metric = Callable[..., float]


def _resample_indices(n: int, n_boot: int, seed: int, strata: np.ndarray | None) -> np.ndarray:
    """(n_boot, n) row indices drawn with replacement (within each stratum if given)."""
    rng = np.random.default_rng(seed)
    if strata is None:
        return rng.integers(0, n, size=(n_boot, n))
    idx = np.empty((n_boot, n), dtype=np.int64)
    col = 0
    for value in np.unique(strata):
        rows = np.flatnonzero(strata == value)
        idx[:, col : col + rows.size] = rows[rng.integers(0, rows.size, size=(n_boot, rows.size))]
        col += rows.size
    return idx


def _quantiles(values: np.ndarray, level: float, method: str) -> Interval:
    values = values[np.isfinite(values)]
    if values.size == 0:
        raise ValueError("bootstrap produced no finite statistic (degenerate resamples)")
    alpha = 1.0 - level
    lo, hi = np.quantile(values, [alpha / 2, 1 - alpha / 2])
    return Interval(float(lo), float(hi), method, level)


def bootstrap_ci(
    stat: Metric,
    *arrays: np.ndarray,
    n_boot: int = 1000,
    level: float = 0.95,
    seed: int = 0,
    stratify: np.ndarray | None = None,
) -> Interval:
    """Percentile bootstrap interval of ``stat(*arrays)`` over shared row resamples.

    Parameters
    ----------
    stat : callable
        ``stat(*resampled_arrays) -> float``.
    *arrays : array-like, each of shape (n, ...)
        Resampled together, row by row.
    stratify : array of shape (n,), optional
        Resample within each stratum (e.g. the class label, so every resample keeps both
        classes and AUC stays defined).
    """
    arrays = tuple(np.asarray(a) for a in arrays)
    n = _check_rows(arrays)
    idx = _resample_indices(n, n_boot, seed, None if stratify is None else np.asarray(stratify))
    values = np.array([stat(*(a[i] for a in arrays)) for i in idx], dtype=float)
    strat = ", stratified" if stratify is not None else ""
    return _quantiles(values, level, f"bootstrap over {n} rows, {n_boot} resamples{strat}")


def paired_bootstrap_diff(
    metric: Metric,
    y: np.ndarray,
    score_a: np.ndarray,
    score_b: np.ndarray,
    n_boot: int = 1000,
    level: float = 0.95,
    seed: int = 0,
    stratify: bool = True,
) -> Interval:
    """Interval of ``metric(y, a) - metric(y, b)`` with both scored on the same resampled rows.

    ``stratify`` (default) resamples within each value of ``y``, which keeps ranking
    metrics such as ROC-AUC defined on every resample.
    """
    y, a, b = np.asarray(y), np.asarray(score_a), np.asarray(score_b)
    n = _check_rows((y, a, b))
    idx = _resample_indices(n, n_boot, seed, y if stratify else None)
    values = np.array([metric(y[i], a[i]) - metric(y[i], b[i]) for i in idx], dtype=float)
    strat = ", stratified by label" if stratify else ""
    return _quantiles(values, level, f"paired bootstrap over {n} rows, {n_boot} resamples{strat}")


def proportion_ci(k: int, n: int, level: float = 0.95) -> Interval:
    """Wilson score interval for a proportion k/n."""
    if n <= 0 or not 0 <= k <= n:
        raise ValueError(f"proportion_ci needs 0 <= k <= n and n > 0, got k={k}, n={n}")
    z = stats.norm.ppf(1 - (1 - level) / 2)
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return Interval(float(max(0.0, centre - half)), float(min(1.0, centre + half)), f"Wilson, {k}/{n}", level)


def mean_ci(x: np.ndarray, level: float = 0.95) -> Interval:
    """Student-t interval for the mean of ``x`` (at least two finite values)."""
    x = np.asarray(x, dtype=float)
    if x.size < 2 or not np.all(np.isfinite(x)):
        raise ValueError(f"mean_ci needs at least two finite values, got {x.size}")
    half = stats.t.ppf(1 - (1 - level) / 2, df=x.size - 1) * x.std(ddof=1) / np.sqrt(x.size)
    m = float(x.mean())
    return Interval(m - float(half), m + float(half), f"t interval of the mean, n={x.size}", level)


def paired_mean_ci(d: np.ndarray, level: float = 0.95) -> Interval:
    """t interval of the mean of paired differences ``d``; the point itself when all are equal."""
    d = np.asarray(d, dtype=float)
    if d.size == 0 or not np.all(np.isfinite(d)):
        raise ValueError(f"paired_mean_ci needs finite differences, got {d.size} values")
    if d.size < 2 or np.ptp(d) == 0:
        m = float(d.mean())
        return Interval(m, m, "every pair moved alike", level)
    return mean_ci(d, level)


def paired_speedup(slow: np.ndarray, fast: np.ndarray, level: float = 0.95) -> tuple[float, Interval]:
    """How many times faster ``fast`` runs than ``slow``, from seconds of interleaved rounds.

    Parameters
    ----------
    slow, fast : ndarray of float, shape (n_rounds,)
        Wall-clock seconds; round i of both ran back to back.

    Returns
    -------
    The geometric mean of slow_i / fast_i and its interval (see the module docstring).
    """
    slow, fast = np.asarray(slow, dtype=float), np.asarray(fast, dtype=float)
    if slow.shape != fast.shape or slow.ndim != 1:
        raise ValueError(
            f"paired_speedup needs two equal 1-d arrays, got shapes {slow.shape} and {fast.shape}"
        )
    if not (np.all(slow > 0) and np.all(fast > 0)):
        raise ValueError("paired_speedup needs positive times (seconds) on both sides")
    logs = np.log(slow) - np.log(fast)
    ci = paired_mean_ci(logs, level)
    return float(np.exp(logs.mean())), Interval(
        float(np.exp(ci.low)), float(np.exp(ci.high)), f"exp of the {ci.method} of log ratios", level
    )


def seed_spread(values: np.ndarray) -> Interval:
    """The range [min, max] of a figure over seeds."""
    v = np.asarray(values, dtype=float)
    if v.size < 2 or not np.all(np.isfinite(v)):
        raise ValueError(f"seed_spread needs at least two finite values, got {v.size}")
    return Interval(float(v.min()), float(v.max()), f"range over {v.size} seeds", 0.95)


def _check_rows(arrays: tuple[np.ndarray, ...]) -> int:
    if not arrays:
        raise ValueError("bootstrap needs at least one array")
    n = len(arrays[0])
    if n < 2 or any(len(a) != n for a in arrays):
        raise ValueError(f"bootstrap arrays need the same length >= 2, got {[len(a) for a in arrays]}")
    return n


def auc_ci(
    y: np.ndarray, score: np.ndarray, n_boot: int = 1000, level: float = 0.95, seed: int = 0
) -> Interval:
    """Bootstrap interval of ROC-AUC (resampled within each class), vectorised."""
    y, s = np.asarray(y), np.asarray(score, dtype=float)
    n = _check_rows((y, s))
    idx = _resample_indices(n, n_boot, seed, y)
    return _quantiles(
        roc_auc_rows(y[idx], s[idx]),
        level,
        f"bootstrap over {n} rows, {n_boot} resamples, stratified by label",
    )


def auc_diff_ci(
    y: np.ndarray,
    score_a: np.ndarray,
    score_b: np.ndarray,
    n_boot: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> Interval:
    """Paired bootstrap interval of AUC(a) - AUC(b) on the same rows, vectorised."""
    y, a, b = np.asarray(y), np.asarray(score_a, dtype=float), np.asarray(score_b, dtype=float)
    n = _check_rows((y, a, b))
    idx = _resample_indices(n, n_boot, seed, y)
    diff = roc_auc_rows(y[idx], a[idx]) - roc_auc_rows(y[idx], b[idx])
    return _quantiles(diff, level, f"paired bootstrap over {n} rows, {n_boot} resamples, stratified by label")
