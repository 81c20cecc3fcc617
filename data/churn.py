"""Synthetic customer churn records, raw and messy, for the churn and ensemble systems.

One row is one customer seen at one monthly snapshot (the month end at which a model
would score them); the label says whether they cancel within the next 30 days.

Scenarios (figures from the stories; the generator is SHAPED to them, see below)
---------------------------------------------------------------------------------
    saas     ~50,000 users,     ~5% churn within 30 days, weaker signal
    telecom  ~100,000 customers, ~27% churn,               stronger signal

Planted churn model (log-odds, all drivers observable up to noise)
------------------------------------------------------------------
    eta = b0 + s * ( -0.9 engagement + 0.9 decline + 0.45 payment_failures
                     + 0.25 tickets_3m - 0.45 log(tenure_months) + 0.9 [month-to-month]
                     - 0.6 [two-year] + 0.35 charges_z + 0.7 [month-to-month & tenure < 6]
                     + 0.15 tickets_3m * charges_z + drift * t )  + sigma * e
    p(churn) = 1 / (1 + exp(-eta)),   e ~ N(0, 1) unobserved

``engagement`` and ``decline`` are latent; the raw table only shows noisy proxies
(sessions, minutes, logins, features used, email open rate, NPS), so no model is
perfect. ``b0`` is solved by bisection so the realised rate hits the scenario's target.
``s`` and ``sigma`` are chosen per scenario so the Bayes-optimal AUC (scoring with the
true p) lands near the story's figure (saas ~0.80, telecom ~0.93): a model that matches
the story's AUC here shows the pipeline recovers planted signal, not that the world is
like this. ``generate_with_truth`` returns the true p so reports can show that ceiling.
``drift * t`` (t = months since the first snapshot / 12) makes later months churn a
little more, so a temporal holdout differs from a random one.

Planted mess (what the validation and imputation steps must handle)
-------------------------------------------------------------------
- Missing values in ~30% of rows, not at random: ``minutes_m*`` are missing far more for
  customers who signed up before 2021 (usage tracking started later for them),
  ``email_open_rate`` more in region ``west``, ``nps_score`` for customers who never
  answered a survey (more on the basic plan), ``total_charges`` for brand-new customers.
- Timestamps in four formats, one per source system (column ``source``):
  billing ``2023-04-30``, activity epoch seconds ``1682812800``, crm ``04/30/2023``,
  support ``2023-04-30T00:00:00Z``.
- About 1% invalid rows: negative charges, impossible calendar dates (Feb 30, month 13),
  snapshot before signup, unknown categories (e.g. contract ``weekly``).
- A leaky post-outcome column ``activity_after_snapshot``: sessions in the 30 days AFTER
  the snapshot (churners stop part-way). At prediction time that window has not happened;
  ``prediction_time_view`` shows what a production feed would put in the column instead.

Columns: see ``RAW_COLUMNS``. ``customer_id`` is unique; ``churned`` is 0/1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

ID = "customer_id"
TARGET = "churned"
TIME = "snapshot_date"
LEAKY = "activity_after_snapshot"
SOURCES = ("billing", "activity", "crm", "support")
CATEGORIES = {
    "contract_type": ("month-to-month", "one-year", "two-year"),
    "plan": ("basic", "standard", "premium"),
    "region": ("north", "south", "east", "west"),
    "payment_method": ("card", "bank_transfer", "invoice", "paypal"),
    "source": SOURCES,
}
USAGE_MONTHS = ("m1", "m2", "m3")  # m1 = the month ending at the snapshot
RAW_COLUMNS = (
    [
        ID,
        "source",
        "signup_date",
        TIME,
        "contract_type",
        "plan",
        "region",
        "payment_method",
        "seats",
        "monthly_charges",
        "total_charges",
        "discount_pct",
    ]
    + [f"sessions_{m}" for m in USAGE_MONTHS]
    + [f"minutes_{m}" for m in USAGE_MONTHS]
    + [f"tickets_{m}" for m in USAGE_MONTHS]
    + [
        "logins_30d",
        "features_used",
        "last_login_days",
        "payment_failures_6m",
        "late_payments_12m",
        "email_open_rate",
        "nps_score",
        LEAKY,
        TARGET,
    ]
)
FIRST_SNAPSHOT = pd.Timestamp("2023-01-31")


@dataclass(frozen=True)
class Scenario:
    """Size, target churn rate and signal shape of one scenario."""

    n_customers: int
    churn_rate: float
    signal: float  # s in the module docstring
    noise: float  # sigma
    drift: float
    months: int = 24


SCENARIOS = {
    "saas": Scenario(n_customers=50_000, churn_rate=0.05, signal=0.85, noise=1.0, drift=0.15),
    "telecom": Scenario(n_customers=100_000, churn_rate=0.27, signal=2.0, noise=0.35, drift=0.25),
}


def _solve_intercept(base: np.ndarray, target: float) -> float:
    """b0 with mean(sigmoid(b0 + base)) = target (monotone in b0, so bisection)."""
    lo, hi = -30.0, 30.0
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        if np.mean(1.0 / (1.0 + np.exp(-(mid + base)))) < target:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def _format_dates(dates: pd.Series, source: np.ndarray) -> np.ndarray:
    out = np.empty(len(dates), dtype=object)
    fmts = {"billing": "%Y-%m-%d", "crm": "%m/%d/%Y", "support": "%Y-%m-%dT%H:%M:%SZ"}
    for name, fmt in fmts.items():
        m = source == name
        out[m] = dates[m].dt.strftime(fmt).to_numpy()
    m = source == "activity"
    out[m] = ((dates[m] - pd.Timestamp("1970-01-01")) // pd.Timedelta(seconds=1)).astype(str).to_numpy()
    return out


@dataclass(frozen=True)
class _Accounts:
    """Who each customer is at the snapshot: contract facts and the latent drivers (not in the table)."""

    month_idx: np.ndarray
    snapshot: pd.Series
    signup: pd.Series
    tenure: np.ndarray
    contract: np.ndarray
    plan: np.ndarray
    region: np.ndarray
    payment: np.ndarray
    source: np.ndarray
    plan_level: np.ndarray
    engagement: np.ndarray
    decline: np.ndarray


@dataclass(frozen=True)
class _Billing:
    seats: np.ndarray
    discount: np.ndarray
    monthly: np.ndarray
    total: np.ndarray


@dataclass(frozen=True)
class _Activity:
    """The noisy proxies of engagement and decline that the raw table shows."""

    sessions: np.ndarray  # (n, 3), m1 first
    minutes: np.ndarray  # (n, 3)
    tickets: np.ndarray  # (n, 3)
    logins: np.ndarray
    features_used: np.ndarray
    last_login: np.ndarray
    pay_fail: np.ndarray
    late: np.ndarray
    email_open: np.ndarray
    nps: np.ndarray


# The draw_* steps below consume the one generator in a fixed order (accounts, billing,
# activity, label, leaky column, missing values, invalid rows): the same seed gives the same
# table only while that order is kept.


def _draw_accounts(sc: Scenario, n: int, rng: np.random.Generator) -> _Accounts:
    month_idx = rng.integers(0, sc.months, n)
    snapshot = (
        pd.Series([FIRST_SNAPSHOT + pd.offsets.MonthEnd(int(k)) for k in range(sc.months)])
        .iloc[month_idx]
        .reset_index(drop=True)
    )
    tenure = np.clip(np.round(rng.gamma(1.3, 16.0, n)), 1, 96).astype(int)
    signup = snapshot - pd.to_timedelta(tenure * 30 + rng.integers(0, 28, n), unit="D")
    contract = rng.choice(CATEGORIES["contract_type"], n, p=[0.5, 0.28, 0.22])
    plan = rng.choice(CATEGORIES["plan"], n, p=[0.45, 0.35, 0.20])
    region = rng.choice(CATEGORIES["region"], n)
    payment = rng.choice(CATEGORIES["payment_method"], n, p=[0.4, 0.25, 0.15, 0.2])
    source = rng.choice(SOURCES, n, p=[0.4, 0.3, 0.2, 0.1])
    plan_level = pd.Series(plan).map({"basic": 0, "standard": 1, "premium": 2}).to_numpy()
    engagement = rng.normal(0, 1, n)
    decline = rng.normal(0, 1, n)
    return _Accounts(
        month_idx,
        snapshot,
        signup,
        tenure,
        contract,
        plan,
        region,
        payment,
        source,
        plan_level,
        engagement,
        decline,
    )


def _draw_billing(acc: _Accounts, rng: np.random.Generator) -> _Billing:
    n = len(acc.tenure)
    seats = 1 + rng.poisson(0.8 + 1.2 * acc.plan_level)
    discount = np.where(acc.contract == "month-to-month", 0.0, rng.choice([0, 5, 10, 15], n))
    monthly = (20 + 25 * acc.plan_level + 6 * seats) * (1 - discount / 100) * rng.lognormal(0, 0.12, n)
    total = monthly * acc.tenure * rng.lognormal(0, 0.05, n)
    return _Billing(seats, discount, monthly, total)


def _draw_activity(acc: _Accounts, rng: np.random.Generator) -> _Activity:
    n, engagement, decline, plan_level = len(acc.tenure), acc.engagement, acc.decline, acc.plan_level
    base_sessions = 20 * np.exp(0.45 * engagement) * (1 + 0.3 * plan_level)
    s3 = rng.poisson(base_sessions)
    s2 = rng.poisson(base_sessions * np.exp(-0.12 * decline))
    s1 = rng.poisson(base_sessions * np.exp(-0.3 * decline - 0.05))
    sessions = np.stack([s1, s2, s3], axis=1)  # (n, 3), m1 first
    minutes = sessions * rng.lognormal(np.log(6 + 4 * plan_level)[:, None], 0.25, (n, 3))
    support_rate = 0.25 * np.exp(0.5 * rng.normal(0, 1, n) + 0.2 * np.maximum(decline, 0))
    tickets = rng.poisson(support_rate[:, None], (n, 3))
    logins = rng.poisson(np.maximum(s1, 0) * 0.6 + 1)
    features_used = np.clip(np.round(4 + 2 * engagement + plan_level + rng.normal(0, 1.5, n)), 0, 15)
    last_login = np.clip(np.round(rng.exponential(3 * np.exp(-0.5 * engagement + 0.4 * decline))), 0, 60)
    pay_fail = rng.poisson(0.3 * np.exp(0.6 * rng.normal(0, 1, n)) * (1 + (acc.payment == "invoice")))
    late = rng.poisson(0.4 + 0.8 * pay_fail)
    email_open = 1 / (1 + np.exp(-(0.8 * engagement - 0.3 + rng.normal(0, 0.7, n))))
    nps = np.clip(np.round(7 + 1.2 * engagement - 0.6 * tickets.sum(1) + rng.normal(0, 1.5, n)), 0, 10)
    return _Activity(
        sessions, minutes, tickets, logins, features_used, last_login, pay_fail, late, email_open, nps
    )


def _planted_score(acc: _Accounts, bill: _Billing, act: _Activity, drift: float) -> np.ndarray:
    """The bracket of the module docstring's churn model (before s, b0 and the noise)."""
    charges_z = (bill.monthly - bill.monthly.mean()) / bill.monthly.std()
    tickets_3m = act.tickets.sum(1)
    m2m = acc.contract == "month-to-month"
    return (
        -0.9 * acc.engagement
        + 0.9 * acc.decline
        + 0.45 * act.pay_fail
        + 0.25 * tickets_3m
        - 0.45 * np.log(acc.tenure)
        + 0.9 * m2m
        - 0.6 * (acc.contract == "two-year")
        + 0.35 * charges_z
        + 0.7 * (m2m & (acc.tenure < 6))
        + 0.15 * tickets_3m * charges_z
        + drift * (acc.month_idx / 12.0)  # t in years
    )


def _draw_label(score: np.ndarray, sc: Scenario, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(churned 0/1, p_observable): the label from the full model, and the ceiling score."""
    n = len(score)
    eta = sc.signal * score + sc.noise * rng.normal(0, 1, n)
    b0 = _solve_intercept(eta, sc.churn_rate)
    p_true = 1 / (1 + np.exp(-(b0 + eta)))
    churned = (rng.random(n) < p_true).astype(int)
    # p_true above includes the unobserved noise e; the Bayes score integrates it out
    # (monotone in score), so the ceiling AUC is that of the observable-part score.
    return churned, 1 / (1 + np.exp(-(b0 + sc.signal * score)))


def _draw_activity_after(s1: np.ndarray, churned: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The leaky column: sessions in the 30 days after the snapshot (churners stop part-way)."""
    stop_fraction = rng.random(len(s1))  # share of the next 30 days a churner stayed active
    return np.where(churned == 1, s1 * stop_fraction * 0.5, s1 * rng.lognormal(0, 0.15, len(s1)))


def _raw_table(
    ids: list[str], acc: _Accounts, bill: _Billing, act: _Activity, after: np.ndarray, churned: np.ndarray
) -> pd.DataFrame:
    """The clean table in ``RAW_COLUMNS`` order, dates already in their source's format."""
    df = pd.DataFrame(
        {
            ID: ids,
            "source": acc.source,
            "signup_date": _format_dates(acc.signup, acc.source),
            TIME: _format_dates(acc.snapshot, acc.source),
            "contract_type": acc.contract,
            "plan": acc.plan,
            "region": acc.region,
            "payment_method": acc.payment,
            "seats": bill.seats,
            "monthly_charges": bill.monthly.round(2),
            "total_charges": bill.total.round(2),
            "discount_pct": bill.discount.astype(float),
        }
    )
    for j, m in enumerate(USAGE_MONTHS):
        df[f"sessions_{m}"] = act.sessions[:, j].astype(float)
    for j, m in enumerate(USAGE_MONTHS):
        df[f"minutes_{m}"] = act.minutes[:, j].round(1)
    for j, m in enumerate(USAGE_MONTHS):
        df[f"tickets_{m}"] = act.tickets[:, j].astype(float)
    df["logins_30d"] = act.logins.astype(float)
    df["features_used"] = act.features_used
    df["last_login_days"] = act.last_login
    df["payment_failures_6m"] = act.pay_fail.astype(float)
    df["late_payments_12m"] = act.late.astype(float)
    df["email_open_rate"] = act.email_open.round(3)
    df["nps_score"] = act.nps
    df[LEAKY] = np.round(after, 1)
    df[TARGET] = churned
    return df


def generate_with_truth(
    scenario: str = "telecom", n_customers: int | None = None, seed: int = 0
) -> tuple[pd.DataFrame, np.ndarray]:
    """Raw table and the true churn probability of every row (see ``generate``)."""
    if scenario not in SCENARIOS:
        raise ValueError(f"unknown scenario {scenario!r}; choose from {sorted(SCENARIOS)}")
    sc = SCENARIOS[scenario]
    n = sc.n_customers if n_customers is None else int(n_customers)
    if n < 50:
        raise ValueError(f"n_customers must be >= 50, got {n}")
    rng = np.random.default_rng(seed)
    acc = _draw_accounts(sc, n, rng)
    bill = _draw_billing(acc, rng)
    act = _draw_activity(acc, rng)
    churned, p_observable = _draw_label(_planted_score(acc, bill, act, sc.drift), sc, rng)
    after = _draw_activity_after(act.sessions[:, 0], churned, rng)
    ids = [f"{scenario[0].upper()}{seed:03d}-{i:06d}" for i in range(n)]
    df = _raw_table(ids, acc, bill, act, after, churned)
    _plant_missing(df, acc.signup, acc.tenure, rng)
    _plant_invalid(df, rng)
    return df[RAW_COLUMNS], p_observable


def _plant_missing(df: pd.DataFrame, signup: pd.Series, tenure: np.ndarray, rng: np.random.Generator) -> None:
    n = len(df)
    old = (signup < pd.Timestamp("2021-01-01")).to_numpy()
    miss_minutes = rng.random(n) < np.where(old, 0.45, 0.04)
    for m in USAGE_MONTHS:
        df.loc[miss_minutes, f"minutes_{m}"] = np.nan
    df.loc[rng.random(n) < np.where(df["region"] == "west", 0.2, 0.04), "email_open_rate"] = np.nan
    df.loc[rng.random(n) < np.where(df["plan"] == "basic", 0.15, 0.05), "nps_score"] = np.nan
    df.loc[(tenure <= 1) & (rng.random(n) < 0.7), "total_charges"] = np.nan
    df.loc[rng.random(n) < 0.01, "monthly_charges"] = np.nan


def _plant_invalid(df: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Corrupt ~1% of rows, four kinds in turn; returns the corrupted positions."""
    n = len(df)
    k = max(4, int(round(0.01 * n)))
    rows = rng.choice(n, k, replace=False)
    for i, r in enumerate(rows):
        kind = i % 4
        if kind == 0:
            df.loc[r, "monthly_charges"] = -abs(float(df.loc[r, "monthly_charges"] or 10.0))
        elif kind == 1:
            df.loc[r, TIME] = ["2023-02-30", "2024-13-31", "02/30/2024"][i % 3]
        elif kind == 2:
            # snapshot before signup: swap the two dates
            df.loc[r, ["signup_date", TIME]] = df.loc[r, [TIME, "signup_date"]].to_numpy()
        else:
            col, val = [("contract_type", "weekly"), ("plan", "platinum-x"), ("payment_method", "cheque")][
                i % 3
            ]
            df.loc[r, col] = val
    return rows


def generate(scenario: str = "telecom", n_customers: int | None = None, seed: int = 0) -> pd.DataFrame:
    """Raw, messy customer-snapshot table of one scenario.

    Parameters
    ----------
    scenario : {"saas", "telecom"}
    n_customers : int, optional
        Rows to generate (default: the scenario's story scale, 50,000 or 100,000).
    seed : int
        Same seed, same table.

    Returns
    -------
    DataFrame of shape (n_customers, len(RAW_COLUMNS))
        Dates are strings in mixed formats; see the module docstring for what is planted.
    """
    return generate_with_truth(scenario, n_customers, seed)[0]


def prediction_time_view(df: pd.DataFrame) -> pd.DataFrame:
    """What a production feed puts in the leaky column at scoring time.

    The 30 days after the snapshot have not happened yet, so an upstream job that fills
    "activity in the last 30 days" can only report the month that just ended
    (``sessions_m1``). A model that learned the post-outcome meaning of the column is
    fed this instead in production.
    """
    out = df.copy()
    out[LEAKY] = out["sessions_m1"]
    return out
