"""Deterministic canary routing and how much traffic a canary needs to see a regression.

Routing: bucket(key) = int(sha256(salt + key)[:8], 16) mod 10,000; a key goes to the
canary when bucket < share x 10,000. The same key always lands in the same arm (no
state, every worker agrees), and raising the share from 5% to 20% to 100% only moves
keys into the canary, never back (a customer does not flip between versions).

Detection: the canary's error rate p1 against the stable model's p0, one-sided
two-proportion z-test at alpha with power 1 - beta, with n_stable = n_canary x (1 - s) / s
(the split is unbalanced). Cohen's h = 2 asin(sqrt(p1)) - 2 asin(sqrt(p0)) and

    n_canary = ((z_{1-alpha} + z_{1-beta}) / h)^2 x (1 + s / (1 - s))

(statsmodels ``NormalIndPower`` with ratio = (1 - s) / s computes the same). Total
requests = n_canary / s; at a rate R req/s that is n_canary / (s R) seconds. A seeded
simulation of the test at that n checks the power.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
from scipy import stats
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportion_effectsize

BUCKETS = 10_000


def bucket(key: str, salt: str = "canary-v1") -> int:
    return int(hashlib.sha256(f"{salt}:{key}".encode()).hexdigest()[:8], 16) % BUCKETS


def to_canary(key: str, share: float, salt: str = "canary-v1") -> bool:
    return bucket(key, salt) < round(share * BUCKETS)


@dataclass(frozen=True)
class Split:
    share: float
    n_keys: int
    n_canary: int
    stable_on_repeat: bool  # every key routed the same way twice
    monotone_rollout: bool  # every canary key at 5% is still canary at 20% and 100%
    share_20: float


def measure_split(keys: list[str], share: float) -> Split:
    b = np.array([bucket(k) for k in keys])
    again = np.array([bucket(k) for k in keys])
    canary = b < round(share * BUCKETS)
    at20 = b < round(0.20 * BUCKETS)
    monotone = bool(np.all(at20[canary]) and np.all(b[at20] < BUCKETS))
    return Split(
        share, len(keys), int(canary.sum()), bool(np.array_equal(b, again)), monotone, float(at20.mean())
    )


@dataclass(frozen=True)
class Detection:
    n_canary: int
    n_total: int
    seconds_at_rate: float
    simulated_power: float
    n_sims: int
    detected: int


def requests_to_detect(p0: float, p1: float, share: float, alpha: float = 0.05, power: float = 0.8) -> int:
    h = proportion_effectsize(p1, p0)
    n = NormalIndPower().solve_power(
        effect_size=h, alpha=alpha, power=power, ratio=(1 - share) / share, alternative="larger"
    )
    return int(np.ceil(n))


def simulate_power(
    p0: float, p1: float, share: float, n_canary: int, seed: int, n_sims: int = 4000, alpha: float = 0.05
) -> int:
    """How many of ``n_sims`` simulated canaries the one-sided pooled z-test flags."""
    rng = np.random.default_rng(seed)
    n_stable = int(round(n_canary * (1 - share) / share))
    k1 = rng.binomial(n_canary, p1, n_sims)
    k0 = rng.binomial(n_stable, p0, n_sims)
    pooled = (k0 + k1) / (n_canary + n_stable)
    se = np.sqrt(pooled * (1 - pooled) * (1 / n_canary + 1 / n_stable))
    z = (k1 / n_canary - k0 / n_stable) / np.where(se > 0, se, np.inf)
    return int(np.sum(z > stats.norm.ppf(1 - alpha)))


def detection(p0: float, p1: float, share: float, rate: float, seed: int, n_sims: int = 4000) -> Detection:
    n = requests_to_detect(p0, p1, share)
    hits = simulate_power(p0, p1, share, n, seed, n_sims)
    total = int(np.ceil(n / share))
    return Detection(n, total, total / rate, hits / n_sims, n_sims, hits)
