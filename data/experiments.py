"""Synthetic online experiments for the A/B-testing story (email recommendations, pilots).

Every generator takes an explicit ``np.random.Generator``; nothing here fits a model.

What is planted
---------------
Users (``make_users``)
    user_id      "u0000042"-style strings (what a hash assignment sees).
    engagement   low / mid / high with shares 0.55 / 0.30 / 0.15 (the story's strata).
    u            latent spend propensity, u ~ N(0, 1); it drives both periods, which is
                 what makes a pre-period covariate useful (CUPED).
    pre_revenue  revenue in the four weeks before the test (same model as below, own draws).

Email outcomes over the test (``email_outcomes``), per user i in stratum s:
    clicked    ~ Bernoulli(ctr_s * exp(0.4 u_i - 0.08) * L_ctr)       ctr_s = 4% / 8% / 16%
    converted  = clicked * Bernoulli(q * L_conv / L_ctr)               q = 25% of clickers
    revenue    = converted * exp(mu + 0.8 u_i + 1.1 e_i) * L_rev / L_conv   (heavy right tail)
    The multipliers L are 1 for control and the story's lifts for treatment, so the planted
    relative lifts are exactly +12% CTR, +8% conversion and +15% revenue per user
    (``STORY_LIFTS``); exp(0.4u - 0.08) has mean 1, so ctr_s is the stratum's mean rate.

Daily streams (``daily_counts``): per day and arm, n users arrive and convert with
    control    p_a(d) = p0 * (1 + a * weekday_shape(d))
    treatment  p_b(d) = p_a(d) * (1 + lift + w * weekend(d) + novelty * exp(-d / tau))
    weekday_shape is +1 on Saturday/Sunday and -0.4 on weekdays (mean 0 over a week); w is
    the extra lift on weekends (an effect that differs by weekday is what makes partial
    weeks biased); the novelty term fades with time constant tau days.
    Vectorised over ``n_sims`` independent experiments: arrays of shape (n_sims, days).

Ramp (``ramp_rollout``): the treatment share goes 20% -> 100% over the days while the
    baseline drifts up (p0 -> p1); the treatment's true effect is ``effect`` (absolute,
    negative by default), so pooling all days over-weights the late, high-baseline days
    for treatment: Simpson's paradox by design.

Pilot (``pilot_winback``): customers offered a win-back campaign return with probability
    ``rate``; those not offered return anyway with ``natural_rate`` (what a pilot without a
    control arm cannot see).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

ENGAGEMENT = ("low", "mid", "high")
ENGAGEMENT_SHARE = (0.55, 0.30, 0.15)
CTR_BY_STRATUM = {"low": 0.04, "mid": 0.08, "high": 0.16}
CONVERT_GIVEN_CLICK = 0.25
LOG_ORDER_MEAN = 3.5  # median order ~ e^3.5 = 33 currency units before the user effect


@dataclass(frozen=True)
class Lifts:
    """Relative lifts of the treatment arm (1.12 = +12%)."""

    ctr: float = 1.0
    conversion: float = 1.0
    revenue: float = 1.0


# 000 (A/B test answer): +12% CTR, +8% conversion, +15% revenue per email
STORY_LIFTS = Lifts(ctr=1.12, conversion=1.08, revenue=1.15)
NO_LIFT = Lifts()


def draw_users(shape, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(stratum click rate ctr_s, latent propensity u) for users of any array ``shape``."""
    idx = rng.choice(len(ENGAGEMENT), size=shape, p=ENGAGEMENT_SHARE)
    ctr = np.array([CTR_BY_STRATUM[s] for s in ENGAGEMENT])[idx]
    return ctr, rng.normal(0.0, 1.0, shape)


def email_arrays(
    ctr: np.ndarray, u: np.ndarray, treated, rng: np.random.Generator, lifts: Lifts = NO_LIFT
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(clicked, converted, revenue) for users of any shape; ``treated`` broadcasts against it."""
    treated = np.broadcast_to(np.asarray(treated, dtype=bool), np.shape(u))
    l_ctr = np.where(treated, lifts.ctr, 1.0)
    l_conv = np.where(treated, lifts.conversion, 1.0)
    l_rev = np.where(treated, lifts.revenue, 1.0)
    # exp(0.4u - 0.08) has mean exactly 1 for u ~ N(0, 1): the stratum rate stays ctr_s
    p_click = np.clip(ctr * np.exp(0.4 * u - 0.08) * l_ctr, 0.0, 1.0)
    clicked = rng.random(np.shape(u)) < p_click
    p_conv = np.clip(CONVERT_GIVEN_CLICK * l_conv / l_ctr, 0.0, 1.0)
    converted = clicked & (rng.random(np.shape(u)) < p_conv)
    order = np.exp(LOG_ORDER_MEAN + 0.8 * u + 1.1 * rng.normal(0.0, 1.0, np.shape(u)))
    revenue = np.where(converted, order * l_rev / l_conv, 0.0)
    return clicked, converted, revenue


def make_users(n: int, rng: np.random.Generator) -> pd.DataFrame:
    """``n`` users: id, engagement stratum, latent propensity ``u`` and pre-period revenue."""
    if n < 1:
        raise ValueError(f"make_users needs n >= 1, got {n}")
    idx = rng.choice(len(ENGAGEMENT), size=n, p=ENGAGEMENT_SHARE)
    engagement = np.array(ENGAGEMENT)[idx]
    u = rng.normal(0.0, 1.0, n)
    ctr = np.array([CTR_BY_STRATUM[s] for s in ENGAGEMENT])[idx]
    _, _, pre_revenue = email_arrays(ctr, u, False, rng)
    return pd.DataFrame(
        {
            "user_id": [f"u{i:07d}" for i in range(n)],
            "engagement": engagement,
            "u": u,
            "pre_revenue": pre_revenue,
        }
    )


def email_outcomes(
    users: pd.DataFrame, treated: np.ndarray, rng: np.random.Generator, lifts: Lifts = NO_LIFT
) -> pd.DataFrame:
    """Clicked / converted / revenue per user over the test; ``treated`` rows get ``lifts``.

    Parameters
    ----------
    users : DataFrame with columns engagement (str) and u (float), n rows
    treated : bool array of shape (n,)
    """
    ctr = users["engagement"].map(CTR_BY_STRATUM).to_numpy(dtype=float)
    clicked, converted, revenue = email_arrays(ctr, users["u"].to_numpy(dtype=float), treated, rng, lifts)
    return pd.DataFrame(
        {"clicked": clicked.astype(int), "converted": converted.astype(int), "revenue": revenue}
    )


def weekday_shape(days: np.ndarray, start_weekday: int = 0) -> np.ndarray:
    """+1 on Saturday/Sunday, -0.4 on weekdays (mean 0 over any whole week); Monday = 0."""
    wd = (np.asarray(days) + start_weekday) % 7
    return np.where(wd >= 5, 1.0, -0.4)


@dataclass(frozen=True)
class DailyCounts:
    """Per-day arrivals and conversions of ``n_sims`` experiments, each of shape (n_sims, days)."""

    n_a: np.ndarray
    k_a: np.ndarray
    n_b: np.ndarray
    k_b: np.ndarray


def daily_counts(
    n_sims: int,
    days: int,
    n_per_day: int,
    p0: float,
    lift: float,
    rng: np.random.Generator,
    weekly_amplitude: float = 0.0,
    novelty: float = 0.0,
    novelty_tau: float = 4.0,
    start_weekday: int = 0,
    weekend_extra: float = 0.0,
) -> DailyCounts:
    """Daily conversions per arm for many independent experiments (see module docstring).

    ``lift``, ``weekend_extra`` (added on Saturday/Sunday) and ``novelty`` are relative to
    the control rate of the same day.
    """
    d = np.arange(days)
    base = p0 * (1.0 + weekly_amplitude * weekday_shape(d, start_weekday))
    weekend = weekday_shape(d, start_weekday) > 0
    treat = base * (1.0 + lift + weekend_extra * weekend + novelty * np.exp(-d / novelty_tau))
    if np.any(treat >= 1) or np.any(base <= 0):
        raise ValueError("daily rates must stay inside (0, 1); lower p0, amplitude or lift")
    shape = (n_sims, days)
    n = np.full(shape, n_per_day, dtype=np.int64)
    k_a = rng.binomial(n, np.broadcast_to(base, shape))
    k_b = rng.binomial(n, np.broadcast_to(treat, shape))
    return DailyCounts(n, k_a, n.copy(), k_b)


@dataclass(frozen=True)
class Ramp:
    """One ramped rollout, per day: arrivals, treatment share and conversions per arm."""

    share: np.ndarray
    baseline: np.ndarray
    n_a: np.ndarray
    k_a: np.ndarray
    n_b: np.ndarray
    k_b: np.ndarray
    effect: float


def ramp_rollout(
    rng: np.random.Generator,
    days: int = 14,
    n_per_day: int = 20000,
    share_start: float = 0.2,
    share_end: float = 1.0,
    p_start: float = 0.04,
    p_end: float = 0.07,
    effect: float = -0.003,
) -> Ramp:
    """A rollout whose treatment share ramps linearly while the baseline drifts."""
    share = np.linspace(share_start, share_end, days)
    baseline = np.linspace(p_start, p_end, days)
    n_b = np.round(n_per_day * share).astype(np.int64)
    n_a = n_per_day - n_b
    k_a = rng.binomial(n_a, baseline)
    k_b = rng.binomial(n_b, np.clip(baseline + effect, 0.0, 1.0))
    return Ramp(share, baseline, n_a, k_a, n_b, k_b, effect)


def pilot_winback(
    n: int, rate: float, natural_rate: float, rng: np.random.Generator, with_control: bool
) -> tuple[int, int, int, int]:
    """(k_pilot, n_pilot, k_control, n_control) win-backs; control is empty without one."""
    k = int(rng.binomial(n, rate))
    if not with_control:
        return k, n, 0, 0
    return k, n, int(rng.binomial(n, natural_rate)), n
