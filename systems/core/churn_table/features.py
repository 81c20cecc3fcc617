"""Feature engineering for churn: ~100 candidate features from one validated row.

Fitted state is learned on training rows only (``ChurnFeatures.fit``): imputation
medians, the scale of the engagement score, the 75th percentile of charges, and the
category lists. Everything else is a row-wise formula, so a scoring row is turned into
features exactly as a training row was. Groups:

    raw        the 20 numeric raw fields after imputation
    time       tenure_months = (snapshot - signup) / 30.44 days, snapshot month of year
    tenure     one-hot tenure bins 0-6, 6-12, 12-24, 24-48, 48+ months
    category   one-hot contract, plan, region, payment method (unseen -> all zeros, counted)
    usage      3-month means, trends (m1 - m3), ratios m1 / mean(m2, m3), per-session minutes
    engagement z-scored mean of logins, features used, email opens, sessions; recency; NPS
    payment    failure and late-payment rates over the months they could occur in
    support    tickets over 3 months, support calls per month, trend, per session
    charges    charges-to-tenure ratio, total / tenure, price change, per seat, logs
    interact   month-to-month x short tenure, tickets x charges, decline x low engagement...
    missing    <col>_missing indicators from the imputer

Conventions: ratios use ``x / max(d, 1)`` so a zero denominator cannot make inf;
m1 is the month ending at the snapshot.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

from data.churn import CATEGORIES, ID, LEAKY, TARGET, TIME
from systems.core.churn_table.imputation import CohortImputer
from systems.core.churn_table.validation import NUMERIC

RAW_NUMERIC = [c for c in NUMERIC if c != LEAKY]
ONE_HOT = ("contract_type", "plan", "region", "payment_method")
TENURE_BINS = (0, 6, 12, 24, 48, np.inf)
COHORT = ("plan", "signup_cohort")


def _ratio(a, b):
    return a / np.maximum(b, 1.0)


def add_time_columns(df: pd.DataFrame) -> pd.DataFrame:
    """tenure_months, snapshot_month and the signup cohort used by the imputer."""
    out = df.copy()
    out["tenure_months"] = (out[TIME] - out["signup_date"]).dt.days / 30.44
    out["snapshot_month"] = out[TIME].dt.month.astype(float)
    out["signup_cohort"] = out["signup_date"].dt.year.clip(upper=2024, lower=2019).astype(str)
    return out


def _time_and_categories(d: pd.DataFrame, t: pd.Series, categories: dict) -> dict:
    f = {"tenure_months": t, "snapshot_month": d["snapshot_month"]}
    edges = TENURE_BINS
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        name = f"tenure_{lo}_{'plus' if np.isinf(hi) else int(hi)}"
        f[name] = ((t >= lo) & (t < hi)).astype(float)
    for col in ONE_HOT:
        for v in categories[col]:
            f[f"{col}={v}"] = (d[col] == v).astype(float)
    return f


def _usage(d: pd.DataFrame) -> dict:
    s = [d[f"sessions_{m}"] for m in ("m1", "m2", "m3")]
    mi = [d[f"minutes_{m}"] for m in ("m1", "m2", "m3")]
    s_prev = (s[1] + s[2]) / 2
    f = {
        "sessions_mean_3m": (s[0] + s[1] + s[2]) / 3,
        "sessions_std_3m": pd.concat(s, axis=1).std(axis=1, ddof=0),
        "sessions_trend": s[0] - s[2],
        "sessions_ratio_m1_m2": _ratio(s[0], s[1]),
        "sessions_ratio_m1_prev": _ratio(s[0], s_prev),
    }
    f["usage_decline_flag"] = (f["sessions_ratio_m1_prev"] < 0.8).astype(float)
    f["minutes_mean_3m"] = (mi[0] + mi[1] + mi[2]) / 3
    f["minutes_trend"] = mi[0] - mi[2]
    f["minutes_ratio_m1_prev"] = _ratio(mi[0], (mi[1] + mi[2]) / 2)
    for k, m in enumerate(("m1", "m2", "m3")):
        f[f"minutes_per_session_{m}"] = _ratio(mi[k], s[k])
    f["log_sessions_m1"] = np.log1p(s[0])
    f["log_minutes_m1"] = np.log1p(mi[0])
    f["logins_per_session"] = _ratio(d["logins_30d"], s[0])
    f["sessions_per_seat"] = _ratio(s[0], d["seats"])
    return f


def _engagement(d: pd.DataFrame, t: pd.Series, scale: dict) -> dict:
    parts = [(d[c] - scale[c][0]) / scale[c][1] for c in scale]
    eng = sum(parts) / len(parts)
    return {
        "engagement_score": eng,
        "engagement_x_tenure": eng * np.log1p(t),
        "features_used_share": d["features_used"] / 15.0,
        "inactive_7d": (d["last_login_days"] > 7).astype(float),
        "inactive_30d": (d["last_login_days"] > 30).astype(float),
        "nps_detractor": (d["nps_score"] <= 6).astype(float),
        "nps_promoter": (d["nps_score"] >= 9).astype(float),
    }


def _payment(d: pd.DataFrame, t: pd.Series) -> dict:
    pf, late = d["payment_failures_6m"], d["late_payments_12m"]
    return {
        "any_payment_failure": (pf > 0).astype(float),
        "payment_failure_rate": pf / np.clip(t, 1, 6),
        "late_payment_rate": late / np.clip(t, 1, 12),
        "payment_risk": pf + 0.5 * late,
        "invoice_x_failures": (d["payment_method"] == "invoice") * pf,
        "autopay": d["payment_method"].isin(["card", "bank_transfer"]).astype(float),
    }


def _support(d: pd.DataFrame, t: pd.Series, sessions_mean_3m: pd.Series) -> dict:
    tk = [d[f"tickets_{m}"] for m in ("m1", "m2", "m3")]
    t3 = tk[0] + tk[1] + tk[2]
    return {
        "tickets_3m": t3,
        "support_calls_per_month": t3 / 3.0,
        "tickets_trend": tk[0] - tk[2],
        "any_ticket_3m": (t3 > 0).astype(float),
        "tickets_per_session": _ratio(t3, sessions_mean_3m),
        "tickets_per_tenure_month": t3 / np.clip(t, 1, 3),
        "heavy_support": (t3 >= 3).astype(float),
    }


def _charges(d: pd.DataFrame, t: pd.Series) -> dict:
    mc, tc = d["monthly_charges"], d["total_charges"]
    avg_monthly = _ratio(tc, t)
    return {
        "charges_to_tenure_ratio": _ratio(mc, t),
        "avg_monthly_from_total": avg_monthly,
        "price_change": _ratio(mc, avg_monthly),
        "charges_per_seat": _ratio(mc, d["seats"]),
        "log_monthly_charges": np.log1p(mc),
        "log_total_charges": np.log1p(tc),
        "has_discount": (d["discount_pct"] > 0).astype(float),
    }


def _interactions(d: pd.DataFrame, t: pd.Series, f: dict, charges_q75: float) -> dict:
    """Crosses of groups computed above (``f``): decline, engagement, tickets, contract."""
    mc, pf = d["monthly_charges"], d["payment_failures_6m"]
    m2m = (d["contract_type"] == "month-to-month").astype(float)
    return {
        "charges_x_m2m": mc * m2m,
        "high_charges": (mc > charges_q75).astype(float),
        "m2m_x_short_tenure": m2m * (t < 6),
        "tickets_x_charges": f["tickets_3m"] * mc,
        "decline_x_low_engagement": f["usage_decline_flag"] * (f["engagement_score"] < 0),
        "failures_x_m2m": pf * m2m,
        "recency_x_decline": d["last_login_days"] * f["usage_decline_flag"],
        "new_customer": (t < 3).astype(float),
    }


def engineer(d: pd.DataFrame, scale: dict, charges_q75: float, categories: dict) -> pd.DataFrame:
    """Row-wise candidate features of an imputed table, group by group (module docstring).

    Column order is the groups' order below; models see the columns in this order.
    """
    t = d["tenure_months"].astype(float)
    f = {c: d[c].astype(float) for c in RAW_NUMERIC}
    f |= _time_and_categories(d, t, categories)
    f |= _usage(d)
    f |= _engagement(d, t, scale)
    f |= _payment(d, t)
    f |= _support(d, t, f["sessions_mean_3m"])
    f |= _charges(d, t)
    f |= _interactions(d, t, f, charges_q75)
    return pd.DataFrame(f, index=d.index).astype(float)


class ChurnFeatures(TransformerMixin, BaseEstimator):
    """Validated churn table -> numeric feature matrix (imputation included).

    Parameters
    ----------
    imputation : {"cohort", "global"}
        Cohort medians (plan x signup year) plus missing indicators, or one global
        median per column without indicators (the baseline of CH-02).
    include_leaky : bool
        Keep the post-outcome column ``activity_after_snapshot`` (only for CH-10).
    """

    def __init__(self, imputation="cohort", include_leaky=False):
        self.imputation = imputation
        self.include_leaky = include_leaky

    def fit(self, X: pd.DataFrame, y=None):
        if self.imputation not in ("cohort", "global"):
            raise ValueError(f"imputation must be 'cohort' or 'global', got {self.imputation!r}")
        d = add_time_columns(X)
        cohort = COHORT if self.imputation == "cohort" else ()
        self.imputer_ = CohortImputer(RAW_NUMERIC, cohort, add_indicators=self.imputation == "cohort")
        d = self.imputer_.fit(d).transform(d)
        self.scale_ = {
            c: (float(d[c].mean()), float(d[c].std()) or 1.0)
            for c in ("logins_30d", "features_used", "email_open_rate", "sessions_m1")
        }
        self.charges_q75_ = float(d["monthly_charges"].quantile(0.75))
        self.categories_ = {c: CATEGORIES[c] for c in ONE_HOT}
        self.feature_names_ = list(self._features(d).columns)
        self.unseen_ = {}
        return self

    def _features(self, d: pd.DataFrame) -> pd.DataFrame:
        out = engineer(d, self.scale_, self.charges_q75_, self.categories_)
        for name in self.imputer_.feature_names():
            out[name] = d[name]
        if self.include_leaky:
            out[LEAKY] = d[LEAKY].astype(float)
        return out

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        d = self.imputer_.transform(add_time_columns(X))
        self.unseen_ = {
            c: int((~d[c].isin(v)).sum()) for c, v in self.categories_.items() if (~d[c].isin(v)).any()
        }
        out = self._features(d)
        return out[self.feature_names_]

    def get_feature_names_out(self, input_features=None):
        return np.asarray(self.feature_names_, dtype=object)


def build_features(
    clean: pd.DataFrame, imputation: str = "cohort", include_leaky: bool = False
) -> tuple[pd.DataFrame, np.ndarray, pd.DataFrame]:
    """Features, labels and row metadata of a validated table in one call.

    The imputer is fitted on ``clean`` itself: pass training rows only, or use
    ``ChurnFeatures`` (fit on train, transform test) wherever a held-out score matters.

    Returns
    -------
    X : DataFrame of shape (n, n_features), float
    y : ndarray of shape (n,), int in {0, 1}
    meta : DataFrame of shape (n, 2) with ``customer_id`` and ``snapshot_date``
    """
    if TARGET not in clean.columns:
        raise ValueError(f"build_features needs the target column {TARGET!r}")
    X = ChurnFeatures(imputation, include_leaky).fit_transform(clean)
    return X, clean[TARGET].to_numpy(dtype=int), clean[[ID, TIME]].reset_index(drop=True)
