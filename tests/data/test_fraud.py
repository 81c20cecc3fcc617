import numpy as np
import pandas as pd
import pytest

from data.fraud import AGE_GROUPS, RAW_FEATURES, SHARED_BILL_ZIPS, age_group_of, make_fraud


def test_deterministic_and_well_formed():
    a = make_fraud(2000, np.random.default_rng(5))
    b = make_fraud(2000, np.random.default_rng(5))
    pd.testing.assert_frame_equal(a, b)
    assert a.shape == (2000, 13)
    assert set(RAW_FEATURES) <= set(a.columns)
    assert "age" not in RAW_FEATURES and "zip_cluster" not in RAW_FEATURES
    assert set(a["is_fraud"].unique()) <= {0, 1}
    assert list(a["age_group"].cat.categories) == list(AGE_GROUPS)
    assert np.isfinite(a[list(RAW_FEATURES)].to_numpy()).all()


def test_planted_mechanism():
    df = make_fraud(40000, np.random.default_rng(0))
    young = df["age_group"] == "young"
    shared = df["zip_cluster"].isin(SHARED_BILL_ZIPS)
    # bill splitting concentrates in young customers of the shared-bill ZIPs ...
    assert df.loc[young & shared, "shared_bills"].mean() > 0.5
    assert df.loc[~young, "shared_bills"].mean() < 0.05
    # ... and makes them transact more often, in smaller amounts, without more fraud
    legit = df["is_fraud"] == 0
    seg, rest = legit & young & shared, legit & ~(young & shared)
    assert df.loc[seg, "transaction_frequency"].mean() > 1.5 * df.loc[rest, "transaction_frequency"].mean()
    assert df.loc[seg, "avg_amount"].median() < df.loc[rest, "avg_amount"].median()
    by_zip_fraud = df.groupby(young & shared)["is_fraud"].mean()
    assert abs(by_zip_fraud[True] - by_zip_fraud[False]) < 0.02
    # age is not an input but account age carries it
    assert np.corrcoef(df["age"], df["account_age_days"])[0, 1] > 0.6


def test_age_groups_and_bad_input():
    assert list(age_group_of(np.array([18, 29.9, 30, 49.9, 50]))) == [
        "young",
        "young",
        "middle",
        "middle",
        "senior",
    ]
    with pytest.raises(ValueError, match="n must be"):
        make_fraud(0, np.random.default_rng(0))
    with pytest.raises(ValueError, match="fraud_rate"):
        make_fraud(10, np.random.default_rng(0), fraud_rate=0.7)
