import numpy as np
import pytest

from data.experiments import Ramp, daily_counts, ramp_rollout
from systems.abtest.timeeffects import lift_by_day, ramp_study, steady_lift, week_study


def test_steady_lift_without_weekday_effect_is_the_lift():
    assert steady_lift(0.05, 0.0, 0.3) == pytest.approx(0.05)
    assert steady_lift(0.05, 0.05, 0.0) == pytest.approx(0.05 + 0.05 * 2 / 7)


def test_no_novelty_no_weekday_effect_means_no_bias():
    d = daily_counts(400, 28, 4000, 0.05, 0.05, np.random.default_rng(0), weekly_amplitude=0.3)
    ws = week_study(d, 0.05)
    assert ws.bias[7].low < 0 < ws.bias[7].high and ws.bias[28].low < 0 < ws.bias[28].high
    assert lift_by_day(d).shape == (400, 28)


def test_without_drift_pooled_and_per_day_agree():
    r = ramp_rollout(np.random.default_rng(0), p_start=0.05, p_end=0.05, effect=-0.003)
    rs = ramp_study(r)
    assert rs.pooled == pytest.approx(rs.stratified, abs=0.002)
    assert rs.stratified_ci.low < -0.003 < rs.stratified_ci.high


def test_per_day_estimator_by_hand():
    # two days, equal weights: the mean of the daily differences
    r = Ramp(
        np.array([0.5, 0.5]),
        np.array([0.1, 0.2]),
        np.array([100, 100]),
        np.array([10, 20]),
        np.array([100, 100]),
        np.array([12, 21]),
        0.0,
    )
    assert ramp_study(r).stratified == pytest.approx(((0.12 - 0.10) + (0.21 - 0.20)) / 2)
