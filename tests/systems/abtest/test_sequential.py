import numpy as np
import pytest

from data.experiments import DailyCounts, daily_counts
from systems.abtest.sequential import (
    Cumulative,
    Procedures,
    always_valid_p,
    calibrate_bayes,
    expected_loss,
    first_crossing,
    msprt_lambda,
    prob_b_better,
)
from systems.core.uncertainty import proportion_ci


def _one(ka, na, kb, nb) -> Cumulative:
    return Cumulative(*(np.array([[x]]) for x in (na, ka, nb, kb)))


@pytest.mark.parametrize("ka,na,kb,nb", [(300, 6000, 345, 6000), (40, 900, 52, 880)])
def test_posterior_summaries_match_beta_draws(ka, na, kb, nb):
    rng = np.random.default_rng(0)
    pa, pb = rng.beta(1 + ka, 1 + na - ka, 400_000), rng.beta(1 + kb, 1 + nb - kb, 400_000)
    c = _one(ka, na, kb, nb)
    assert float(prob_b_better(c)[0, 0]) == pytest.approx((pb > pa).mean(), abs=0.01)
    loss_b, loss_a = expected_loss(c)
    assert float(loss_b[0, 0]) == pytest.approx(np.maximum(pa - pb, 0).mean(), rel=0.05, abs=2e-5)
    assert float(loss_a[0, 0]) == pytest.approx(np.maximum(pb - pa, 0).mean(), rel=0.05, abs=2e-5)


def test_first_crossing_takes_the_earliest_boundary():
    up = np.array([[False, True, True], [False, False, False], [False, False, True]])
    down = np.array([[True, False, False], [False, False, False], [False, True, False]])
    o = first_crossing("x", up, down)
    assert o.stop_day.tolist() == [1, 0, 2] and o.ship_b.tolist() == [False, False, False]
    assert o.days_to_ship(3).tolist() == [3, 3, 3]


def _aa(n_sims, days, n, seed):
    return Cumulative.of(daily_counts(n_sims, days, n, 0.05, 0.0, np.random.default_rng(seed)))


def test_aa_false_positive_rates_within_binomial_intervals():
    # fixed horizon at one-sided 5% must have 5% inside its interval; peeking must be far above;
    # mSPRT (spends alpha on ship-B) must not be above 5%
    c = _aa(4000, 28, 850, 0)
    out = Procedures().run(c)
    n = 4000
    fixed = proportion_ci(int(out["fixed_horizon"].ship_b.sum()), n)
    assert fixed.low <= 0.05 <= fixed.high, fixed
    assert proportion_ci(int(out["naive_peeking"].ship_b.sum()), n).low > 0.15
    assert proportion_ci(int(out["msprt"].ship_b.sum()), n).high < 0.05
    # P(B > A) > 0.95 checked daily decides like one-sided peeking (flat prior, large n)
    agree = (out["bayes_prob"].ship_b == out["naive_peeking"].ship_b).mean()
    assert agree > 0.98


def test_msprt_keeps_its_level_under_continuous_peeking():
    # 300 looks of 40 users per arm each: near-continuous monitoring from tiny samples
    daily = daily_counts(3000, 300, 40, 0.05, 0.0, np.random.default_rng(5))
    c = Cumulative.of(daily)
    p = always_valid_p(c, tau=0.01)
    ever = int((p[:, -1] <= 0.05).sum())
    assert proportion_ci(ever, 3000).high < 0.05 + 0.01, ever / 3000
    naive = Procedures(tau=0.01).run(c)["naive_peeking"].ship_b.mean()
    assert naive > 0.25  # the same streams, looked at naively, are badly miscalibrated
    assert (np.diff(p, axis=1) <= 0).all()  # a running minimum never rises


def test_msprt_lambda_is_one_without_conversions():
    lam, theta = msprt_lambda(_one(0, 10, 0, 10), 0.01)
    assert lam[0, 0] == 1.0 and theta[0, 0] == 0.0


def test_calibrated_bayes_threshold_holds_on_fresh_aa_runs():
    thr = calibrate_bayes(_aa(3000, 28, 850, 1))
    assert 0.97 < thr < 0.9999
    pb = prob_b_better(_aa(3000, 28, 850, 2))
    k = int(first_crossing("c", pb > thr, pb < 1 - thr).ship_b.sum())
    ci = proportion_ci(k, 3000)
    assert ci.low <= 0.05 <= ci.high + 0.005, ci


def test_daily_counts_cumulate():
    d = DailyCounts(*(np.ones((2, 3), dtype=int) * v for v in (10, 1, 10, 2)))
    c = Cumulative.of(d)
    assert c.n_a[:, -1].tolist() == [30, 30] and c.k_b[:, -1].tolist() == [6, 6] and c.days == 3
