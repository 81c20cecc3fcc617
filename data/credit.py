"""Synthetic credit-default (loan) scenario: a training period and a year of weekly batches.

What it plants
--------------
Applicants carry 9 numeric and 3 categorical features; the default label is drawn from

    logit P(default) = b0 - 0.9 z(credit_score) - 0.6 z(log income) + 0.8 z(dti_risk)
                       + 0.5 z(utilization) + 0.2 z(log loan_amount) - 0.2 z(age)
                       - 0.3 z(months_employed) + 0.1 z(n_open_accounts)
                       + 0.45 delinquencies + purpose/employment offsets (+ shock)
    y ~ Bernoulli(sigmoid(logit))

where z(.) standardises with the training-period mean and sd. ``dti_risk`` is the DTI
that carries risk; it differs from the reported ``dti`` only under the policy change.
The training period is ``week = -1``; production weeks are 0..51. Planted events
(``EVENTS``; weeks inclusive):

    gradual     weeks  6-20  utilization drifts up and back (triangle, peak week 13): a
                             covariate shift whose feature-target relation is unchanged
    dti_policy  weeks 26-51  month 6: a policy allows higher DTI for debt_consolidation and
                             home_improvement loans (reported dti + U(0.15, 0.30)); the
                             extra DTI carries no risk, so a model trained before the
                             change is too conservative on those loans
    concept     weeks 36-51  a sector shock: the bureau score loses most of its weight
                             (-0.9 -> -0.1 per sd), utilization gains (0.5 -> 1.3) and
                             self_employed log-odds rise by 2.0, while every input
                             distribution stays as it was
    unit_bug    weeks 42-44  an upstream bug reports income in thousands (income / 1000)
    new_category weeks 46-51 loan_purpose gains an unseen category, green_energy (10%),
                             with the risk of a car loan
    quiet       all other weeks: only sampling noise

Three events are *incidents* by design (dti_policy, concept, unit_bug): their sizes are
chosen so that a model frozen at training time loses more than 10% F1 while they last
(the drift monitor measures that loss, it is not assumed; the concept change only just
clears it, about 10%, the other two lose 25-50%). gradual and
new_category are shaped to be benign. Sizes are deliberately large enough to show each
effect at quick-profile batch sizes; they are not estimates of any real lender.

Labels arrive late: a loan's default outcome for week w is observed from week
w + delay on (``labels_available``); the generator draws it at once, the monitor must
not read it earlier.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

NUMERIC = (
    "credit_score",
    "income",
    "dti",
    "utilization",
    "loan_amount",
    "age",
    "months_employed",
    "n_open_accounts",
    "delinquencies",
)
CATEGORICAL = ("loan_purpose", "employment_type", "region")
FEATURES = NUMERIC + CATEGORICAL
TARGET = "default"
N_WEEKS = 52
REFERENCE_WEEK = -1

PURPOSES = ("debt_consolidation", "home_improvement", "car", "education", "other")
PURPOSE_P = (0.35, 0.20, 0.20, 0.10, 0.15)
PURPOSE_LOGIT = {
    "debt_consolidation": 0.2,
    "home_improvement": -0.1,
    "car": -0.2,
    "education": 0.1,
    "other": 0.3,
    "green_energy": -0.2,
}
POLICY_PURPOSES = ("debt_consolidation", "home_improvement")
EMPLOYMENT = ("salaried", "self_employed", "contract", "unemployed")
EMPLOYMENT_P = (0.60, 0.20, 0.15, 0.05)
EMPLOYMENT_LOGIT = {"salaried": -0.2, "self_employed": 0.1, "contract": 0.3, "unemployed": 0.9}
REGIONS = ("north", "south", "east", "west")
REGION_P = (0.3, 0.25, 0.25, 0.2)
INTERCEPT = -2.75  # gives a training-period default rate near 12%

# (mean, sd) of each risk input in the training period, used by z(.)
_Z = {
    "credit_score": (690.0, 55.0),
    "log_income": (11.0, 0.45),
    "dti": (0.27, 0.08),
    "utilization": (2.0 / 5.5, 0.198),
    "log_loan": (np.log(15000.0), 0.6),
    "age": (41.0, 11.0),
    "months_employed": (60.0, 42.4),
    "n_open_accounts": (5.0, 2.24),
}


@dataclass(frozen=True)
class Event:
    """A planted event: what changes, in which weeks (inclusive), on which features."""

    name: str
    start: int
    end: int
    features: tuple[str, ...]
    incident: bool
    description: str

    def active(self, week: int) -> bool:
        return self.start <= week <= self.end


EVENTS = (
    Event("gradual", 6, 20, ("utilization",), False, "utilization drifts up and back; relation unchanged"),
    Event("dti_policy", 26, 51, ("dti",), True, "month-6 policy allows higher DTI on two loan types"),
    Event("concept", 36, 51, (), True, "self-employed default risk rises; inputs unchanged"),
    Event("unit_bug", 42, 44, ("income",), True, "income reported in thousands"),
    Event("new_category", 46, 51, ("loan_purpose",), False, "unseen loan_purpose green_energy"),
)


def event_by_name(name: str) -> Event:
    for e in EVENTS:
        if e.name == name:
            return e
    raise KeyError(f"no event named {name!r}; events: {[e.name for e in EVENTS]}")


def gradual_strength(week: int) -> float:
    """Triangle in [0, 1]: 0 outside weeks 6-20, 1 at week 13."""
    e = event_by_name("gradual")
    if not e.active(week):
        return 0.0
    peak = (e.start + e.end) / 2
    return float(1.0 - abs(week - peak) / (peak - e.start + 1))


def labels_available(week: int, now: int, delay: int) -> bool:
    """True when the default labels of ``week`` can be read at week ``now``."""
    return week + delay <= now


def _z(x, key):
    mean, sd = _Z[key]
    return (x - mean) / sd


def sample_week(
    week: int, n: int, rng: np.random.Generator, only: tuple[str, ...] | None = None
) -> pd.DataFrame:
    """Draw ``n`` applications of ``week`` (``REFERENCE_WEEK`` for the training period).

    ``only`` restricts the planted events to those names (``()`` = none): the same week
    with one event alone, to measure what that event costs a frozen model.

    Returns
    -------
    DataFrame of shape (n, 14): the 12 features, ``default`` (0/1) and ``week``.
    """
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    if week != REFERENCE_WEEK and not 0 <= week < N_WEEKS:
        raise ValueError(f"week must be {REFERENCE_WEEK} (training) or 0..{N_WEEKS - 1}, got {week}")
    names = {e.name for e in EVENTS}
    if only is not None and not set(only) <= names:
        raise KeyError(f"unknown events {sorted(set(only) - names)}; events: {sorted(names)}")

    def on(name: str) -> bool:
        return (only is None or name in only) and event_by_name(name).active(week)

    credit_score = np.clip(rng.normal(690, 55, n), 300, 850).round()
    log_income = rng.normal(11.0, 0.45, n)
    dti = np.clip(rng.normal(0.27, 0.08, n), 0.01, 0.43)
    utilization = rng.beta(2.0 + 1.6 * gradual_strength(week) * on("gradual"), 3.5, n)
    log_loan = rng.normal(np.log(15000.0), 0.6, n)
    age = np.clip(rng.normal(41, 11, n), 21, 80).round()
    months_employed = rng.gamma(2.0, 30.0, n).round()
    n_open = rng.poisson(5.0, n).astype(float)
    delinquencies = rng.poisson(0.3, n).astype(float)

    purposes, probs = list(PURPOSES), np.array(PURPOSE_P)
    if on("new_category"):
        purposes.append("green_energy")
        probs = np.append(probs * 0.9, 0.1)
    purpose = rng.choice(purposes, size=n, p=probs)
    employment = rng.choice(EMPLOYMENT, size=n, p=EMPLOYMENT_P)
    region = rng.choice(REGIONS, size=n, p=REGION_P)

    dti_risk = dti.copy()
    extra = rng.uniform(0.15, 0.30, n)  # drawn every week so toggling an event keeps the stream aligned
    if on("dti_policy"):
        dti = dti + np.isin(purpose, POLICY_PURPOSES) * extra

    shock = on("concept")
    # the sector shock: the bureau score loses most of its signal, utilization gains
    b_score, b_util = (-0.1, 1.3) if shock else (-0.9, 0.5)
    logit = (
        INTERCEPT
        + b_score * _z(credit_score, "credit_score")
        - 0.6 * _z(log_income, "log_income")
        + 0.8 * _z(dti_risk, "dti")
        + b_util * _z(utilization, "utilization")
        + 0.2 * _z(log_loan, "log_loan")
        - 0.2 * _z(age, "age")
        - 0.3 * _z(months_employed, "months_employed")
        + 0.1 * _z(n_open, "n_open_accounts")
        + 0.45 * delinquencies
        + pd.Series(purpose).map(PURPOSE_LOGIT).to_numpy()
        + pd.Series(employment).map(EMPLOYMENT_LOGIT).to_numpy()
    )
    if shock:
        logit = logit + 2.0 * (employment == "self_employed")
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-logit))).astype(int)

    income = np.exp(log_income).round(-2)
    if on("unit_bug"):
        income = income / 1000.0
    return pd.DataFrame(
        {
            "credit_score": credit_score,
            "income": income,
            "dti": dti.round(4),
            "utilization": utilization.round(4),
            "loan_amount": np.exp(log_loan).round(-1),
            "age": age,
            "months_employed": months_employed,
            "n_open_accounts": n_open,
            "delinquencies": delinquencies,
            "loan_purpose": purpose,
            "employment_type": employment,
            "region": region,
            TARGET: y,
            "week": week,
        }
    )


@dataclass
class CreditYear:
    """The training period and the weekly production batches of one simulated year."""

    reference: pd.DataFrame
    weeks: list[pd.DataFrame]
    events: tuple[Event, ...] = EVENTS


def simulate_year(
    n_reference: int, n_week: int, rng: np.random.Generator, n_weeks: int = N_WEEKS
) -> CreditYear:
    """Training data (``n_reference`` rows) and ``n_weeks`` batches of ``n_week`` rows."""
    reference = sample_week(REFERENCE_WEEK, n_reference, rng)
    weeks = [sample_week(w, n_week, rng) for w in range(n_weeks)]
    return CreditYear(reference, weeks)


def stuck_feature(frame: pd.DataFrame, feature: str, value) -> pd.DataFrame:
    """A copy of ``frame`` with ``feature`` stuck at ``value`` (an upstream fill bug)."""
    if feature not in frame.columns:
        raise KeyError(f"column {feature!r} not in frame; columns: {list(frame.columns)}")
    out = frame.copy()
    out[feature] = value
    return out
