import numpy as np
import pytest

from data.fraud import RAW_FEATURES, make_fraud
from systems.fairness.features import PEER_FEATURES, PeerFeatures, age_recoverability
from systems.fairness.model import alert_threshold, miss_cost, split


@pytest.fixture(scope="module")
def scenario():
    df = make_fraud(8000, np.random.default_rng(0))
    sp = split(len(df), np.random.default_rng(1))
    return df, sp


def test_peer_features_drop_the_frequency_age_link(scenario):
    df, sp = scenario
    peer = PeerFeatures().fit(df.iloc[sp.train])
    P = peer.transform(df)
    assert list(P.columns) == list(PEER_FEATURES)
    assert np.isfinite(P.to_numpy()).all()
    legit = df["is_fraud"] == 0
    raw_r = abs(np.corrcoef(df.loc[legit, "transaction_frequency"], df.loc[legit, "age"])[0, 1])
    peer_r = abs(np.corrcoef(P.loc[legit, "freq_vs_peers"], df.loc[legit, "age"])[0, 1])
    assert peer_r < raw_r / 2, (raw_r, peer_r)
    # percentiles within ZIP lie in (0, 1]; ratios of counts in [0, 1]
    assert P["balance_pct_zip"].between(0, 1).all()
    assert P["night_ratio"].between(0, 1).all()


def test_age_recoverability_drops_without_account_age(scenario):
    df, sp = scenario
    tr, te = sp.train, sp.test
    raw = list(RAW_FEATURES)
    no_age_proxy = [c for c in raw if c not in ("account_age_days", "balance")]
    r_raw = age_recoverability(df.iloc[tr][raw], df["age"].iloc[tr], df.iloc[te][raw], df["age"].iloc[te])
    r_less = age_recoverability(
        df.iloc[tr][no_age_proxy], df["age"].iloc[tr], df.iloc[te][no_age_proxy], df["age"].iloc[te]
    )
    assert r_raw > 0.6 and r_less < r_raw


def test_unseen_zip_is_an_error(scenario):
    df, sp = scenario
    peer = PeerFeatures().fit(df.iloc[sp.train])
    bad = df.iloc[:5].copy()
    bad["zip_cluster"] = 99
    with pytest.raises(ValueError, match="unseen ZIP cluster"):
        peer.transform(bad)


def test_operating_point_helpers():
    scores = np.linspace(0, 1, 1001)
    t = alert_threshold(scores, 0.1)
    assert abs((scores >= t).mean() - 0.1) < 0.002
    assert miss_cost(0.2) == pytest.approx(4.0)
    with pytest.raises(ValueError, match="alert_rate"):
        alert_threshold(scores, 1.5)
    with pytest.raises(ValueError, match="at least 30 rows"):
        split(10, np.random.default_rng(0))
