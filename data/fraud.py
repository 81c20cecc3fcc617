"""Synthetic fraud-transactions scenario with a planted age proxy (the fairness story).

One row is one customer-week: who the customer is, how they transacted that week, and
whether the week contained fraud. Age is recorded (for the audit) but is never a model
input; the point of the scenario is that it can be recovered from the inputs anyway.

What is planted (shaped on purpose to show the story's effect)
---------------------------------------------------------------
Customers
    zip_cluster  z in {0..7}; clusters 0 and 1 (36% of customers) are dense "shared-housing" areas
                 (SHARED_BILL_ZIPS) where young customers are common.
    age          years; P(young | z in shared) = 0.55, elsewhere 0.22.
    age_group    young (< 30), middle (30-49), senior (>= 50) - the protected attribute.
    account_age_days = 30 + 365 * (age - 18) * Beta(2, 3)  -> strongly tied to age.
    balance      lognormal, median rising with age (x1.6 per decade) and with the ZIP's
                 wealth level.
The mechanism (legitimate behaviour that looks like fraud)
    shared_bills ~ Bernoulli(p): p = 0.70 for young customers in shared-bill ZIPs,
                 0.12 for young elsewhere, 0.03 for everyone else. Bill splitters make
                 ~14 extra small transfers a week (avg amount ~ $18 instead of ~ $60).
    So "new account + many transactions + small amounts" is common among young customers
    in two ZIP clusters for reasons that have nothing to do with fraud.
Fraud (independent of age and ZIP: P(fraud) = fraud_rate for everyone)
    a fraud week adds a burst of card-testing transactions (+4..11 small ones), more
    night activity (night share ~ 0.13 instead of ~ 0.07; x1.4 for young legitimate
    customers), more declined attempts (Poisson mean 0.8 vs 0.35), and a device change
    with probability 0.2 (0.05 for legitimate weeks). The signals are weak on purpose:
    a boosted model reaches an AUC near 0.9, not near 1.
    Fraud is more likely on new accounts (odds x2 when account_age_days < 365),
    the one age-linked risk factor, so that account age carries some real signal.

A model trained on the raw columns therefore learns that frequency and small amounts mean
fraud, and flags bill-splitting young customers in the shared ZIPs far more often: their
false-positive rate rises although fraud itself does not depend on age. Features that
compare a customer with peers (frequency vs account-age cohort, time-of-day ratios) keep
the fraud signal (a burst relative to peers, night share, declines) while dropping most
of the age signal.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SHARED_BILL_ZIPS = (0, 1)
N_ZIPS = 8
AGE_GROUPS = ("young", "middle", "senior")
# raw model inputs (age, age_group, zip_cluster and the latent shared_bills are not inputs)
RAW_FEATURES = (
    "account_age_days",
    "transaction_frequency",
    "avg_amount",
    "balance",
    "night_txn_count",
    "weekend_txn_count",
    "declined_count",
    "new_device",
)


def age_group_of(age: np.ndarray) -> np.ndarray:
    """young < 30 <= middle < 50 <= senior."""
    age = np.asarray(age)
    return np.where(age < 30, "young", np.where(age < 50, "middle", "senior"))


def make_fraud(n: int, rng: np.random.Generator, fraud_rate: float = 0.04) -> pd.DataFrame:
    """Draw ``n`` customer-weeks.

    Parameters
    ----------
    n : int
        Number of rows (one customer-week each).
    rng : numpy.random.Generator
        Source of every random draw.
    fraud_rate : float
        Base weekly fraud probability (doubled in odds for accounts under a year old).

    Returns
    -------
    DataFrame of shape (n, 13)
        RAW_FEATURES plus ``age``, ``age_group``, ``zip_cluster``, ``shared_bills``
        (latent, for the audit only) and the label ``is_fraud`` (0/1).
    """
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    if not 0 < fraud_rate < 0.5:
        raise ValueError(f"fraud_rate must be in (0, 0.5), got {fraud_rate}")
    # shared-bill clusters hold a third of the population
    zip_p = np.array([0.20, 0.16] + [0.64 / (N_ZIPS - 2)] * (N_ZIPS - 2))
    zip_cluster = rng.choice(N_ZIPS, size=n, p=zip_p)
    shared_zip = np.isin(zip_cluster, SHARED_BILL_ZIPS)
    young = rng.random(n) < np.where(shared_zip, 0.55, 0.22)
    age = np.where(young, rng.uniform(18, 30, n), rng.uniform(30, 80, n))
    group = age_group_of(age)

    account_age = 30 + 365 * (age - 18) * rng.beta(2, 3, n)
    zip_wealth = np.linspace(-0.3, 0.5, N_ZIPS)[zip_cluster]
    balance = np.exp(7.2 + 0.047 * (age - 18) + zip_wealth + rng.normal(0, 0.8, n))

    p_share = np.where(young & shared_zip, 0.70, np.where(young, 0.12, 0.03))
    shared_bills = rng.random(n) < p_share
    new_account = account_age < 365
    odds = fraud_rate / (1 - fraud_rate) * np.where(new_account, 2.0, 1.0)
    fraud = rng.random(n) < odds / (1 + odds)

    base_freq = rng.gamma(4.0, 1.5, n)  # ~6 a week
    split_freq = np.where(shared_bills, rng.gamma(7.0, 2.0, n), 0.0)  # ~14 more
    burst = np.where(fraud, rng.uniform(4, 11, n), 0.0)
    freq = rng.poisson(base_freq + split_freq + burst) + 1

    # amount: mixture of normal spend, small bill shares and small card tests
    normal_amt = np.exp(rng.normal(np.log(60), 0.5, n))
    n_normal = base_freq
    n_small = split_freq + burst
    small_amt = np.exp(rng.normal(np.log(18), 0.4, n))
    avg_amount = (n_normal * normal_amt + n_small * small_amt) / (n_normal + n_small)

    night_share = np.where(fraud, rng.beta(2.5, 17, n), rng.beta(1.5, 20, n))
    night_share = np.where(young & ~fraud, night_share * 1.4, night_share)
    weekend_share = rng.beta(4, 8, n)
    night_txn = rng.binomial(freq, np.clip(night_share, 0, 1))
    weekend_txn = rng.binomial(freq, weekend_share)
    declined = rng.poisson(np.where(fraud, 0.8, 0.35))
    new_device = rng.random(n) < np.where(fraud, 0.2, 0.05)

    return pd.DataFrame(
        {
            "account_age_days": account_age.round(0),
            "transaction_frequency": freq.astype(float),
            "avg_amount": avg_amount.round(2),
            "balance": balance.round(2),
            "night_txn_count": night_txn.astype(float),
            "weekend_txn_count": weekend_txn.astype(float),
            "declined_count": declined.astype(float),
            "new_device": new_device.astype(float),
            "age": age.round(1),
            "age_group": pd.Categorical(group, categories=list(AGE_GROUPS)),
            "zip_cluster": zip_cluster.astype(int),
            "shared_bills": shared_bills.astype(int),
            "is_fraud": fraud.astype(int),
        }
    )
