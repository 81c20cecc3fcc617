"""Tests on heavy-tailed revenue (AB-07): Welch t vs Mann-Whitney vs CUPED, and interval coverage.

Each simulated experiment draws users from ``data.experiments`` (revenue is zero for ~98% of
users and lognormal with a long tail for the rest), with a pre-period revenue covariate drawn
from the same users. The same experiments feed every test, so power differences are paired
(t interval over experiments of reject_a - reject_b). Coverage is the share of experiments
whose delta-method interval for the relative revenue lift contains the planted lift.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from data.experiments import NO_LIFT, STORY_LIFTS, Lifts, draw_users, email_arrays
from systems.abtest.stats import cuped_adjust, mann_whitney_p, welch_p
from systems.core.ledger import Interval
from systems.core.uncertainty import mean_ci, proportion_ci

TESTS = ("welch", "mann_whitney", "cuped_welch")


@dataclass(frozen=True)
class PowerStudy:
    n_per_arm: int
    rejects_h1: dict[str, np.ndarray]  # (n_sims,) bool per test
    rejects_h0: dict[str, np.ndarray]
    coverage: float
    coverage_ci: Interval
    variance_ratio_cuped: float  # var(adjusted) / var(raw), mean over experiments
    revenue_kurtosis: float

    def power(self, test: str) -> tuple[float, Interval]:
        r = self.rejects_h1[test]
        return float(r.mean()), proportion_ci(int(r.sum()), r.size)

    def fpr(self, test: str) -> tuple[float, Interval]:
        r = self.rejects_h0[test]
        return float(r.mean()), proportion_ci(int(r.sum()), r.size)

    def paired(self, a: str, b: str) -> Interval:
        return mean_ci(self.rejects_h1[a].astype(float) - self.rejects_h1[b].astype(float))


def _batch(b: int, n: int, lifts: Lifts, alpha: float, rng: np.random.Generator):
    ctr, u = draw_users((b, 2, n), rng)
    _, _, pre = email_arrays(ctr, u, False, rng)
    treated = np.zeros((b, 2, n), dtype=bool)
    treated[:, 1] = True
    _, _, y = email_arrays(ctr, u, treated, rng, lifts)
    flat_y, flat_x = y.reshape(b, 2 * n), pre.reshape(b, 2 * n)
    adj = cuped_adjust(flat_y, flat_x, axis=1).reshape(b, 2, n)
    rej = {
        "welch": welch_p(y[:, 0], y[:, 1], axis=1) < alpha,
        "mann_whitney": mann_whitney_p(y[:, 0], y[:, 1], axis=1) < alpha,
        "cuped_welch": welch_p(adj[:, 0], adj[:, 1], axis=1) < alpha,
    }
    m = y.mean(axis=2)
    v = y.var(axis=2, ddof=1)
    lr = np.log(m[:, 1] / m[:, 0])
    se = np.sqrt(v[:, 1] / (n * m[:, 1] ** 2) + v[:, 0] / (n * m[:, 0] ** 2))
    target = np.log(lifts.revenue)
    cover = (lr - 1.959963984540054 * se <= target) & (target <= lr + 1.959963984540054 * se)
    vr = adj.reshape(b, -1).var(axis=1) / flat_y.var(axis=1)
    yc = flat_y - flat_y.mean(axis=1, keepdims=True)
    kurt = (yc**4).mean(axis=1) / (yc**2).mean(axis=1) ** 2 - 3
    return rej, cover, vr, kurt


def power_study(n_sims: int, n: int, alpha: float, rng: np.random.Generator, batch: int = 10) -> PowerStudy:
    h1 = {t: [] for t in TESTS}
    h0 = {t: [] for t in TESTS}
    cover, vr, kurt = [], [], []
    for start in range(0, n_sims, batch):
        b = min(batch, n_sims - start)
        rej, cov, v, k = _batch(b, n, STORY_LIFTS, alpha, rng)
        for t in TESTS:
            h1[t].append(rej[t])
        cover.append(cov)
        vr.append(v)
        kurt.append(k)
        rej0, _, _, _ = _batch(b, n, NO_LIFT, alpha, rng)
        for t in TESTS:
            h0[t].append(rej0[t])
    cov = np.concatenate(cover)
    return PowerStudy(
        n,
        {t: np.concatenate(h1[t]) for t in TESTS},
        {t: np.concatenate(h0[t]) for t in TESTS},
        float(cov.mean()),
        proportion_ci(int(cov.sum()), cov.size),
        float(np.concatenate(vr).mean()),
        float(np.median(np.concatenate(kurt))),
    )
