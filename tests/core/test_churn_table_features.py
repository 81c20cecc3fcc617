"""Churn features against the formulas of the module docstring, recomputed row by row.

``engineer`` is checked on six hand-built rows whose values sit on the edges of every
threshold (tenure bins, decline ratio 0.8, inactivity 7/30 days, NPS 6/9, three tickets,
clip bounds of the rate denominators): the reference below is written one row at a time
in plain Python from the docstring (ratios ``x / max(d, 1)``, m1 = the latest month).
``ChurnFeatures`` is checked for what it learns in ``fit`` (means, sample standard
deviations, the 75th percentile) against numpy, and for the two imputation modes against
medians worked out by hand; ``build_features`` for its contract.
"""

import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from data.churn import CATEGORIES, ID, LEAKY, TARGET, TIME
from systems.core.churn_table.features import (
    RAW_NUMERIC,
    ChurnFeatures,
    add_time_columns,
    build_features,
    engineer,
)

ONE_HOT = ("contract_type", "plan", "region", "payment_method")
CATS = {c: CATEGORIES[c] for c in ONE_HOT}
# engagement scale (mean, std) per column, chosen so rows 4 and 5 score exactly 0 and 0.5
SCALE = {
    "logins_30d": (20.0, 10.0),
    "features_used": (6.0, 3.0),
    "email_open_rate": (0.5, 0.25),
    "sessions_m1": (8.0, 4.0),
}
Q75 = 50.0

BASE = {
    "seats": 1.0,
    "monthly_charges": 40.0,
    "total_charges": 300.0,
    "discount_pct": 0.0,
    "sessions_m1": 4.0,
    "sessions_m2": 5.0,
    "sessions_m3": 5.0,
    "minutes_m1": 90.0,
    "minutes_m2": 60.0,
    "minutes_m3": 30.0,
    "tickets_m1": 0.0,
    "tickets_m2": 0.0,
    "tickets_m3": 0.0,
    "logins_30d": 12.0,
    "features_used": 3.0,
    "last_login_days": 7.0,
    "payment_failures_6m": 0.0,
    "late_payments_12m": 0.0,
    "email_open_rate": 0.3,
    "nps_score": 6.0,
    "tenure_months": 0.0,
    "snapshot_month": 4.0,
    "contract_type": "month-to-month",
    "plan": "basic",
    "region": "north",
    "payment_method": "invoice",
}
ROWS = [
    # row 0: tenure 0 (rates divide by the lower clip bound 1); sessions 4 vs mean(5, 5) =
    # ratio exactly 0.8 (not a decline); 7 days since login, NPS 6, one ticket, no discount
    {"payment_failures_6m": 2.0, "late_payments_12m": 3.0, "tickets_m2": 1.0},
    # row 1: tenure exactly 6; tickets 2 + 0 + 1 = 3 (heavy support); login 30 days ago;
    # NPS 9; one failure; discount 0.5 %; charges exactly at the 75th percentile
    {
        "tenure_months": 6.0,
        "sessions_m1": 10.0,
        "sessions_m2": 2.0,
        "sessions_m3": 6.0,
        "tickets_m1": 2.0,
        "tickets_m3": 1.0,
        "last_login_days": 30.0,
        "nps_score": 9.0,
        "payment_failures_6m": 1.0,
        "late_payments_12m": 3.0,
        "discount_pct": 0.5,
        "monthly_charges": Q75,
        "seats": 3.0,
        "payment_method": "card",
        "plan": "premium",
    },
    # row 2: tenure exactly 3; two failures, five late payments, invoice
    {
        "tenure_months": 3.0,
        "payment_failures_6m": 2.0,
        "late_payments_12m": 5.0,
        "tickets_m2": 4.0,
        "nps_score": 7.0,
        "contract_type": "one-year",
        "region": "east",
    },
    # row 3: tenure 6.5 (above the clip bound 6, below 7); login 31 days ago
    {
        "tenure_months": 6.5,
        "payment_failures_6m": 3.0,
        "late_payments_12m": 2.0,
        "tickets_m1": 1.0,
        "tickets_m2": 1.0,
        "tickets_m3": 4.0,
        "last_login_days": 31.0,
        "payment_method": "bank_transfer",
        "monthly_charges": 80.0,
        "total_charges": 400.0,
        "discount_pct": 10.0,
    },
    # row 4: tenure 20 (above 12); engagement exactly 0 with a decline 8 / mean(12, 12) < 0.8
    {
        "tenure_months": 20.0,
        "logins_30d": 20.0,
        "features_used": 6.0,
        "email_open_rate": 0.5,
        "sessions_m1": 8.0,
        "sessions_m2": 12.0,
        "sessions_m3": 12.0,
        "late_payments_12m": 4.0,
        "payment_failures_6m": 1.0,
        "payment_method": "paypal",
        "contract_type": "two-year",
        "region": "west",
        "nps_score": 10.0,
        "seats": 1.5,
    },
    # row 5: tenure exactly 48; engagement 0.5 (positive, below 1) with a decline
    {
        "tenure_months": 48.0,
        "logins_30d": 25.0,
        "features_used": 7.5,
        "email_open_rate": 0.625,
        "sessions_m1": 10.0,
        "sessions_m2": 20.0,
        "sessions_m3": 20.0,
        "minutes_m1": 0.0,
        "minutes_m2": 40.0,
        "minutes_m3": 20.0,
        "last_login_days": 8.0,
        "plan": "standard",
        "region": "south",
        "monthly_charges": 120.0,
        "total_charges": 5000.0,
    },
]


def _frame(index=None) -> pd.DataFrame:
    return pd.DataFrame([BASE | r for r in ROWS], index=index)


def _ratio(a: float, b: float) -> float:
    return a / max(b, 1.0)


def _expected_row(r: dict) -> dict:
    """Raw, time, tenure, category and usage features of one row (the documented order)."""
    t = r["tenure_months"]
    s1, s2, s3 = r["sessions_m1"], r["sessions_m2"], r["sessions_m3"]
    n1, n2, n3 = r["minutes_m1"], r["minutes_m2"], r["minutes_m3"]
    f = {c: r[c] for c in RAW_NUMERIC}
    f["tenure_months"] = t
    f["snapshot_month"] = r["snapshot_month"]
    for lo, hi, name in (
        (0, 6, "0_6"),
        (6, 12, "6_12"),
        (12, 24, "12_24"),
        (24, 48, "24_48"),
        (48, math.inf, "48_plus"),
    ):
        f[f"tenure_{name}"] = float(lo <= t < hi)
    for col in ONE_HOT:
        for v in CATS[col]:
            f[f"{col}={v}"] = float(r[col] == v)
    mean_s = (s1 + s2 + s3) / 3
    f["sessions_mean_3m"] = mean_s
    f["sessions_std_3m"] = math.sqrt(
        ((s1 - mean_s) ** 2 + (s2 - mean_s) ** 2 + (s3 - mean_s) ** 2) / 3
    )  # ddof 0
    f["sessions_trend"] = s1 - s3
    f["sessions_ratio_m1_m2"] = _ratio(s1, s2)
    f["sessions_ratio_m1_prev"] = _ratio(s1, (s2 + s3) / 2)
    decline = float(f["sessions_ratio_m1_prev"] < 0.8)
    f["usage_decline_flag"] = decline
    f["minutes_mean_3m"] = (n1 + n2 + n3) / 3
    f["minutes_trend"] = n1 - n3
    f["minutes_ratio_m1_prev"] = _ratio(n1, (n2 + n3) / 2)
    f["minutes_per_session_m1"] = _ratio(n1, s1)
    f["minutes_per_session_m2"] = _ratio(n2, s2)
    f["minutes_per_session_m3"] = _ratio(n3, s3)
    f["log_sessions_m1"] = math.log(1 + s1)
    f["log_minutes_m1"] = math.log(1 + n1)
    f["logins_per_session"] = _ratio(r["logins_30d"], s1)
    f["sessions_per_seat"] = _ratio(s1, r["seats"])
    return f | _expected_rest(r, decline)


def _expected_rest(r: dict, decline: float) -> dict:
    """Engagement, payment, support, charges and interaction features of one row."""
    t = r["tenure_months"]
    mean_s = (r["sessions_m1"] + r["sessions_m2"] + r["sessions_m3"]) / 3
    k1, k2, k3 = r["tickets_m1"], r["tickets_m2"], r["tickets_m3"]
    mc, tc = r["monthly_charges"], r["total_charges"]
    pf, late = r["payment_failures_6m"], r["late_payments_12m"]
    f = {}
    z = [(r[c] - mean) / std for c, (mean, std) in SCALE.items()]
    eng = sum(z) / len(z)
    f["engagement_score"] = eng
    f["engagement_x_tenure"] = eng * math.log(1 + t)
    f["features_used_share"] = r["features_used"] / 15
    f["inactive_7d"] = float(r["last_login_days"] > 7)
    f["inactive_30d"] = float(r["last_login_days"] > 30)
    f["nps_detractor"] = float(r["nps_score"] <= 6)
    f["nps_promoter"] = float(r["nps_score"] >= 9)
    # payment: failures over the months they could occur in (1..6), late payments over 1..12
    f["any_payment_failure"] = float(pf > 0)
    f["payment_failure_rate"] = pf / min(max(t, 1), 6)
    f["late_payment_rate"] = late / min(max(t, 1), 12)
    f["payment_risk"] = pf + 0.5 * late
    f["invoice_x_failures"] = pf if r["payment_method"] == "invoice" else 0.0
    f["autopay"] = float(r["payment_method"] in ("card", "bank_transfer"))
    t3 = k1 + k2 + k3
    f["tickets_3m"] = t3
    f["support_calls_per_month"] = t3 / 3
    f["tickets_trend"] = k1 - k3
    f["any_ticket_3m"] = float(t3 > 0)
    f["tickets_per_session"] = _ratio(t3, mean_s)
    f["tickets_per_tenure_month"] = t3 / min(max(t, 1), 3)
    f["heavy_support"] = float(t3 >= 3)
    avg_monthly = _ratio(tc, t)
    f["charges_to_tenure_ratio"] = _ratio(mc, t)
    f["avg_monthly_from_total"] = avg_monthly
    f["price_change"] = _ratio(mc, avg_monthly)
    f["charges_per_seat"] = _ratio(mc, r["seats"])
    f["log_monthly_charges"] = math.log(1 + mc)
    f["log_total_charges"] = math.log(1 + tc)
    f["has_discount"] = float(r["discount_pct"] > 0)
    m2m = float(r["contract_type"] == "month-to-month")
    f["charges_x_m2m"] = mc * m2m
    f["high_charges"] = float(mc > Q75)
    f["m2m_x_short_tenure"] = m2m * (t < 6)
    f["tickets_x_charges"] = t3 * mc
    f["decline_x_low_engagement"] = decline * (eng < 0)
    f["failures_x_m2m"] = pf * m2m
    f["recency_x_decline"] = r["last_login_days"] * decline
    f["new_customer"] = float(t < 3)
    return f


def test_engineer_matches_the_row_by_row_formulas_on_threshold_edges():
    d = _frame()
    got = engineer(d, SCALE, Q75, CATS)
    want = pd.DataFrame([_expected_row(BASE | r) for r in ROWS])
    assert list(got.columns) == list(want.columns)
    assert (got.dtypes == np.float64).all()
    for c in want.columns:
        # the same arithmetic in another order: a few ulps apart at most
        assert_allclose(got[c].to_numpy(), want[c].to_numpy(dtype=float), rtol=1e-12, atol=0, err_msg=c)


def test_engineer_keeps_the_row_index():
    d = _frame(index=[30, 10, 20, 50, 40, 0])
    got = engineer(d, SCALE, Q75, CATS)
    assert list(got.index) == [30, 10, 20, 50, 40, 0]
    assert got.loc[10, "tenure_6_12"] == 1.0 and got.loc[40, "engagement_score"] == 0.0


def test_add_time_columns_tenure_month_and_clipped_signup_year():
    df = pd.DataFrame(
        {
            "signup_date": pd.to_datetime(["2017-05-01", "2023-01-01", "2026-02-01"]),
            TIME: pd.to_datetime(["2023-06-30", "2023-03-02", "2027-11-30"]),
        }
    )
    out = add_time_columns(df)
    days = np.array(
        [(pd.Timestamp(b) - pd.Timestamp(a)).days for a, b in zip(df.signup_date, df[TIME], strict=True)]
    )
    assert days[1] == 60  # Jan 1 -> Mar 2, 2023: 31 + 28 + 1
    assert_allclose(out["tenure_months"], days / 30.44, rtol=1e-15)  # 30.44 days per month
    assert out["snapshot_month"].tolist() == [6.0, 3.0, 11.0]
    # signup years before 2019 share the 2019 cohort, years after 2024 the 2024 cohort
    assert out["signup_cohort"].tolist() == ["2019", "2023", "2024"]


# --- ChurnFeatures: what fit learns, and the two imputation modes


def _table(n: int = 60, seed: int = 0) -> pd.DataFrame:
    """A validated-looking table: 30 basic customers signed up in 2020, 30 premium in 2022."""
    rng = np.random.default_rng(seed)
    half = n // 2
    df = pd.DataFrame({ID: [f"c{i}" for i in range(n)]})
    df["signup_date"] = pd.to_datetime(["2020-03-01"] * half + ["2022-03-01"] * (n - half))
    df[TIME] = pd.Timestamp("2023-06-30")
    df["contract_type"] = rng.choice(CATS["contract_type"], n)
    df["plan"] = ["basic"] * half + ["premium"] * (n - half)
    df["region"] = rng.choice(CATS["region"], n)
    df["payment_method"] = rng.choice(CATS["payment_method"], n)
    for c in RAW_NUMERIC:
        df[c] = rng.integers(0, 30, n).astype(float)
    df["seats"] = rng.integers(1, 5, n).astype(float)
    df["email_open_rate"] = rng.random(n)
    df["features_used"] = 5.0  # a constant column: its standard deviation is 0
    df["monthly_charges"] = np.r_[10.0 + np.arange(half), 100.0 + 2 * np.arange(n - half)]
    df.loc[[0, half], "monthly_charges"] = np.nan  # one gap per cohort
    df[LEAKY] = rng.integers(0, 9, n).astype(float)
    df[TARGET] = rng.integers(0, 2, n)
    return df


def test_fit_learns_means_sample_stds_and_the_charges_quartile_of_imputed_rows():
    df = _table()
    f = ChurnFeatures().fit(df)
    assert f.unseen_ == {}, "fit alone has scored no rows, so no unseen category is counted yet"
    for c in ("logins_30d", "email_open_rate", "sessions_m1"):  # complete columns: imputation changes nothing
        assert_allclose(f.scale_[c], (np.mean(df[c]), np.std(df[c], ddof=1)), rtol=1e-12)
    assert f.scale_["features_used"] == (5.0, 1.0), "a zero standard deviation is replaced by 1"
    # the two gaps filled with their cohort medians (basic 11..39 -> 25; premium 102, 104, ..., 158 -> 130)
    imputed = df["monthly_charges"].fillna(pd.Series({0: 25.0, 30: 130.0}))
    assert_allclose(f.charges_q75_, np.percentile(imputed, 75), rtol=1e-12)
    high = f.transform(df)["high_charges"]
    assert high.tolist() == (imputed > np.percentile(imputed, 75)).astype(float).tolist()
    assert f.unseen_ == {}, "the training rows hold only known categories"


def test_cohort_imputation_fills_with_the_plan_and_signup_year_median_and_flags_the_gap():
    df = _table()
    X = ChurnFeatures("cohort").fit_transform(df)
    # basic cohort: 29 observed values 11, 12, ..., 39 -> median 25; premium: 102, 104, ..., 158 -> 130
    assert X.loc[0, "monthly_charges"] == 25.0 and X.loc[30, "monthly_charges"] == 130.0
    assert X["monthly_charges_missing"].tolist() == [1.0 if i in (0, 30) else 0.0 for i in range(60)]


def test_global_imputation_fills_with_one_median_and_adds_no_indicator():
    df = _table()
    X = ChurnFeatures("global").fit_transform(df)
    med = float(np.nanmedian(df["monthly_charges"]))
    assert X.loc[0, "monthly_charges"] == med and X.loc[30, "monthly_charges"] == med
    assert not [c for c in X.columns if c.endswith("_missing")]


def test_an_unknown_imputation_is_a_one_line_error():
    with pytest.raises(ValueError, match=r"^imputation must be 'cohort' or 'global', got 'median'$"):
        ChurnFeatures("median").fit(_table())


def test_the_leaky_column_is_left_out_unless_asked_for():
    df = _table()
    default = ChurnFeatures().fit_transform(df)
    assert LEAKY not in default
    X = ChurnFeatures(include_leaky=True).fit_transform(df)
    assert_allclose(X[LEAKY], df[LEAKY])
    assert list(X.columns) == list(default.columns) + [LEAKY]


def test_feature_names_out_are_the_transformed_columns_as_objects():
    f = ChurnFeatures().fit(_table())
    names = f.get_feature_names_out()
    assert names.dtype == object and list(names) == list(f.transform(_table(10, 1)).columns)


def test_build_features_returns_integer_labels_and_two_metadata_columns():
    df = _table()
    df.index = np.arange(100, 160)
    df[TARGET] = df[TARGET].astype(float)  # y comes back int whatever the target's dtype
    X, y, meta = build_features(df, include_leaky=True)
    assert LEAKY in X
    assert y.dtype.kind == "i" and y.tolist() == df[TARGET].astype(int).tolist()
    assert list(meta.columns) == [ID, TIME] and list(meta.index) == list(range(60))
    assert meta[ID].tolist() == df[ID].tolist()


def test_build_features_without_the_target_is_a_one_line_error():
    with pytest.raises(ValueError, match=r"^build_features needs the target column 'churned'$"):
        build_features(_table().drop(columns=[TARGET]))
