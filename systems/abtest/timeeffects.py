"""Time effects: a weekly cycle with a novelty effect, and a ramped rollout (Simpson's paradox).

Design
------
Estimate after t days (cumulative, per experiment):

    lift_hat(t) = (K_b(t) / N_b(t)) / (K_a(t) / N_a(t)) - 1

The target is the lift a launched feature keeps: one whole week after novelty has faded,

    lift_true = sum_{d in week} p_a(d) (lift + w weekend(d)) / sum_{d in week} p_a(d)

(equal traffic per day). bias(t) = mean over experiments of lift_hat(t) - lift_true, with a
t interval over experiments; the paired difference bias(7) - bias(28) uses the same experiments.

Ramp. Day d has n_a(d), n_b(d) users. The pooled estimate ignores the day:

    pooled = sum k_b / sum n_b - sum k_a / sum n_a

and mixes a changing share with a drifting baseline. The per-period (stratified by day,
Cochran-Mantel-Haenszel style) estimate compares arms within each day that has both,

    strat = sum_d w_d (p_b,d - p_a,d) / sum_d w_d,   w_d = 1 / (1/n_a,d + 1/n_b,d),
    var   = sum_d w_d^2 v_d / (sum_d w_d)^2,          v_d = p_a q_a / n_a + p_b q_b / n_b.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from data.experiments import DailyCounts, Ramp, weekday_shape
from systems.core.ledger import Interval
from systems.core.uncertainty import mean_ci


def lift_by_day(daily: DailyCounts) -> np.ndarray:
    """Cumulative relative lift after each day, shape (n_sims, days)."""
    ka, na = np.cumsum(daily.k_a, axis=1), np.cumsum(daily.n_a, axis=1)
    kb, nb = np.cumsum(daily.k_b, axis=1), np.cumsum(daily.n_b, axis=1)
    return (kb / nb) / (ka / na) - 1


def steady_lift(lift: float, weekend_extra: float, weekly_amplitude: float) -> float:
    """The lift a launched feature keeps over one whole week (module docstring)."""
    d = np.arange(7)
    shape = weekday_shape(d)
    base = 1 + weekly_amplitude * shape
    return float(np.sum(base * (lift + weekend_extra * (shape > 0))) / np.sum(base))


@dataclass(frozen=True)
class WeekStudy:
    """Estimates after selected days against the steady-state lift."""

    truth: float
    days: tuple[int, ...]
    mean: dict[int, float]
    bias: dict[int, Interval]
    bias_7_minus_28: Interval
    by_day: np.ndarray  # (n_sims, days) cumulative lift


def week_study(daily: DailyCounts, truth: float, days=(7, 10, 14, 28)) -> WeekStudy:
    est = lift_by_day(daily)
    mean = {d: float(est[:, d - 1].mean()) for d in days}
    bias = {d: mean_ci(est[:, d - 1] - truth) for d in days}
    paired = mean_ci(est[:, 6] - est[:, 27])
    return WeekStudy(truth, tuple(days), mean, bias, paired, est)


@dataclass(frozen=True)
class RampStudy:
    """Pooled vs per-day estimates of the treatment effect over a ramp."""

    truth: float
    pooled: float
    pooled_ci: Interval
    stratified: float
    stratified_ci: Interval
    days_used: int


def ramp_study(ramp: Ramp, level: float = 0.95) -> RampStudy:
    z = float(stats.norm.ppf(1 - (1 - level) / 2))
    pa, pb = ramp.k_a.sum() / ramp.n_a.sum(), ramp.k_b.sum() / ramp.n_b.sum()
    se = np.sqrt(pa * (1 - pa) / ramp.n_a.sum() + pb * (1 - pb) / ramp.n_b.sum())
    both = (ramp.n_a > 0) & (ramp.n_b > 0)
    na, nb = ramp.n_a[both].astype(float), ramp.n_b[both].astype(float)
    qa, qb = ramp.k_a[both] / na, ramp.k_b[both] / nb
    w = 1 / (1 / na + 1 / nb)
    strat = float(np.sum(w * (qb - qa)) / w.sum())
    s_se = float(np.sqrt(np.sum(w**2 * (qa * (1 - qa) / na + qb * (1 - qb) / nb))) / w.sum())
    pooled = float(pb - pa)
    return RampStudy(
        ramp.effect,
        pooled,
        Interval(float(pooled - z * se), float(pooled + z * se), "Wald, pooled over days", level),
        strat,
        Interval(strat - z * s_se, strat + z * s_se, "Wald, stratified by day (CMH weights)", level),
        int(both.sum()),
    )
