"""Sequential decisions with daily looks, vectorised over thousands of experiments.

Design
------
Each experiment has cumulative counts after day t = 1..T: n_a, k_a (control), n_b, k_b.
Every procedure is a pair of boundaries on a statistic; the experiment stops at the first
day either is crossed and ships B only when the upper one is crossed first. All are
calibrated to the same one-sided 5% level, because "ship B when B is not better" is the
error a product team pays for:

    fixed horizon   z_T > z_{0.95}  at day T only (pooled two-proportion z)
    naive peeking   z_t > z_{0.95}  (ship) or z_t < -z_{0.95} (stop) at any day t
    Bayes P(B>A)    P(p_b > p_a | data) > 0.95 (ship) or < 0.05 (stop), Beta(1, 1) priors
    Bayes loss      E[max(p_a - p_b, 0) | data] < eps (ship) or E[max(p_b - p_a, 0)] < eps
    mSPRT           Lambda_t >= 1 / (2 alpha) with theta_hat > 0 (ship), < 0 (stop)

Posteriors. Beta(1 + k, 1 + n - k) has mean m = (k + 1) / (n + 2) and variance
m (1 - m) / (n + 3); at these counts (hundreds of conversions) the difference of two Betas is
normal to three decimals (checked against Beta draws in the tests), so with
D = p_b - p_a ~ N(mu, s^2):

    P(B > A) = Phi(mu / s)
    E[max(-D, 0)] = s phi(mu / s) - mu Phi(-mu / s)      (expected loss of shipping B)

mSPRT (Johari, Pekelis, Walsh 2017), normal approximation. theta_hat = p_b - p_a with
V = p (1 - p) (1/n_a + 1/n_b) (pooled p, the variance under H0) and a N(0, tau^2) mixing
distribution over the effect:

    Lambda_t = sqrt(V / (V + tau^2)) exp(theta_hat^2 tau^2 / (2 V (V + tau^2)))

Under H0, 1/Lambda_t is a supermartingale-based always-valid p-value: P(sup_t Lambda_t >=
1/alpha) <= alpha however often one looks. We run it two-sided at 2 alpha and ship only on the
positive side, which by symmetry spends alpha on "ship B".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import stats

from data.experiments import DailyCounts
from systems.abtest.stats import two_proportion_z


@dataclass(frozen=True)
class Cumulative:
    """Cumulative counts after each day, each of shape (n_sims, days)."""

    n_a: np.ndarray
    k_a: np.ndarray
    n_b: np.ndarray
    k_b: np.ndarray

    @classmethod
    def of(cls, daily: DailyCounts) -> Cumulative:
        c = [np.cumsum(x, axis=1) for x in (daily.n_a, daily.k_a, daily.n_b, daily.k_b)]
        return cls(*c)

    @property
    def days(self) -> int:
        return self.n_a.shape[1]


def _posterior_diff(c: Cumulative) -> tuple[np.ndarray, np.ndarray]:
    m_a = (c.k_a + 1) / (c.n_a + 2)
    m_b = (c.k_b + 1) / (c.n_b + 2)
    var = m_a * (1 - m_a) / (c.n_a + 3) + m_b * (1 - m_b) / (c.n_b + 3)
    return m_b - m_a, np.sqrt(var)


def prob_b_better(c: Cumulative) -> np.ndarray:
    """P(p_b > p_a | data) under Beta(1, 1) priors, normal approximation; shape (n_sims, days)."""
    mu, s = _posterior_diff(c)
    return stats.norm.cdf(mu / s)


def expected_loss(c: Cumulative) -> tuple[np.ndarray, np.ndarray]:
    """(loss of shipping B, loss of keeping A): E[max(p_a - p_b, 0)], E[max(p_b - p_a, 0)]."""
    mu, s = _posterior_diff(c)
    r = mu / s
    pdf = stats.norm.pdf(r)
    loss_b = s * pdf - mu * stats.norm.cdf(-r)
    return loss_b, loss_b + mu  # E[max(D, 0)] = E[max(-D, 0)] + E[D]


def msprt_lambda(c: Cumulative, tau: float) -> tuple[np.ndarray, np.ndarray]:
    """(Lambda_t, theta_hat_t) of the normal-mixture SPRT; shape (n_sims, days)."""
    n_a, n_b = c.n_a.astype(float), c.n_b.astype(float)
    p = (c.k_a + c.k_b) / (n_a + n_b)
    v = p * (1 - p) * (1 / n_a + 1 / n_b)
    theta = c.k_b / n_b - c.k_a / n_a
    t2 = tau * tau
    with np.errstate(divide="ignore", invalid="ignore"):
        log_lam = 0.5 * np.log(v / (v + t2)) + theta**2 * t2 / (2 * v * (v + t2))
    # no conversions yet: no variance, no evidence
    return np.where(v > 0, np.exp(np.minimum(log_lam, 700.0)), 1.0), theta


def always_valid_p(c: Cumulative, tau: float) -> np.ndarray:
    """Running always-valid two-sided p-value min(1, min_{s<=t} 1/Lambda_s); shape (n_sims, days)."""
    lam, _ = msprt_lambda(c, tau)
    return np.minimum.accumulate(np.minimum(1.0, 1.0 / lam), axis=1)


@dataclass(frozen=True)
class Outcome:
    """Per experiment: the day the procedure stopped (1..T, 0 = ran to the end) and whether it ships B."""

    name: str
    stop_day: np.ndarray
    ship_b: np.ndarray

    def days_to_ship(self, horizon: int) -> np.ndarray:
        """Day B was shipped; experiments that never ship B count as the full horizon."""
        return np.where(self.ship_b, np.where(self.stop_day > 0, self.stop_day, horizon), horizon)


def first_crossing(name: str, upper: np.ndarray, lower: np.ndarray) -> Outcome:
    """Stop at the first day either boundary is crossed; ship B iff it was the upper one."""
    hit = upper | lower
    any_hit = hit.any(axis=1)
    first = hit.argmax(axis=1)
    rows = np.arange(hit.shape[0])
    ship = any_hit & upper[rows, first]
    return Outcome(name, np.where(any_hit, first + 1, 0), ship)


@dataclass(frozen=True)
class Procedures:
    """The thresholds of each procedure (all at the one-sided level ``alpha``)."""

    alpha: float = 0.05
    bayes_threshold: float = 0.95
    loss_eps: float = 0.0005
    tau: float = 0.005

    def run(self, c: Cumulative) -> dict[str, Outcome]:
        z_crit = stats.norm.ppf(1 - self.alpha)
        z = two_proportion_z(c.k_a, c.n_a, c.k_b, c.n_b)
        last = np.zeros_like(z, dtype=bool)
        last[:, -1] = True
        pb = prob_b_better(c)
        loss_b, loss_a = expected_loss(c)
        lam, theta = msprt_lambda(c, self.tau)
        big = lam >= 1 / (2 * self.alpha)
        out = [
            first_crossing("fixed_horizon", last & (z > z_crit), last & (z <= z_crit)),
            first_crossing("naive_peeking", z > z_crit, z < -z_crit),
            first_crossing("bayes_prob", pb > self.bayes_threshold, pb < 1 - self.bayes_threshold),
            first_crossing(
                "bayes_loss",
                (loss_b < self.loss_eps) & (loss_b <= loss_a),
                (loss_a < self.loss_eps) & (loss_a < loss_b),
            ),
            first_crossing("msprt", big & (theta > 0), big & (theta < 0)),
        ]
        return {o.name: o for o in out}


def bayes_rule(threshold: float) -> Callable[[Cumulative], Outcome]:
    def rule(c: Cumulative) -> Outcome:
        pb = prob_b_better(c)
        return first_crossing(f"bayes_prob_{threshold:.4f}", pb > threshold, pb < 1 - threshold)

    return rule


def calibrate_bayes(c_h0: Cumulative, alpha: float = 0.05, iters: int = 30) -> float:
    """The P(B > A) threshold whose ship-B rate under H0, with daily looks, is ``alpha``.

    Bisection on the threshold over the given A/A experiments (use a set separate from the
    one the calibrated rule is then evaluated on).
    """
    pb = prob_b_better(c_h0)
    lo, hi = 0.5, 1 - 1e-9
    for _ in range(iters):
        mid = (lo + hi) / 2
        fpr = first_crossing("", pb > mid, pb < 1 - mid).ship_b.mean()
        lo, hi = (mid, hi) if fpr > alpha else (lo, mid)
    return hi
