"""Profit curve and threshold: a hand-computable case."""

import numpy as np
import pytest

from systems.churn.profit import best_threshold, breakeven_threshold, profit_curve


def test_profit_on_a_hand_computed_case():
    # r V - c = 0.5 * 100 - 10 = 40 per flagged churner; -10 per flagged non-churner
    y = np.array([1, 0, 1, 0, 0])
    p = np.array([0.9, 0.8, 0.6, 0.3, 0.1])
    costs = {"offer_cost": 10.0, "clv": 100.0, "win_back": 0.5}
    t = np.array([0.05, 0.2, 0.5, 0.7, 0.85, 0.95])
    # flagged sets: all 5 | top 4 | top 3 | top 2 | top 1 | none
    expected = [2 * 40 - 3 * 10, 2 * 40 - 2 * 10, 2 * 40 - 1 * 10, 40 - 10, 40, 0]
    np.testing.assert_allclose(profit_curve(y, p, t, **costs), expected)
    assert best_threshold(y, p, t, **costs) == (0.5, 70.0)


def test_breakeven_is_the_argmax_for_calibrated_probabilities():
    # calibrated by construction: 100 customers at each score q, exactly round(100 q) churn
    q = np.round(np.arange(0.005, 1.0, 0.01), 3)
    p = np.repeat(q, 100)
    y = np.concatenate([np.r_[np.ones(int(round(100 * v))), np.zeros(100 - int(round(100 * v)))] for v in q])
    t = np.round(np.arange(0.01, 1.0, 0.01), 2)
    got, _ = best_threshold(y.astype(int), p, t)
    assert breakeven_threshold() == pytest.approx(50 / 170)
    # flag the scores above c/(rV) = 0.294 (0.295, ...) and none below (0.285, ...):
    # the only grid threshold in (0.285, 0.295] is 0.29
    assert got == 0.29, got


def test_win_back_must_be_a_probability():
    with pytest.raises(ValueError, match="win_back"):
        profit_curve([0, 1], [0.2, 0.8], [0.5], win_back=1.5)


def test_default_costs_are_the_storys_figures():
    # c = 50, V = 500, r = 0.34: a flagged churner earns 0.34 * 500 - 50 = 120, a non-churner -50
    y, p = np.array([1, 0, 1]), np.array([0.9, 0.8, 0.2])
    np.testing.assert_allclose(profit_curve(y, p, [0.5, 0.1]), [120 - 50, 2 * 120 - 50])


def test_a_score_equal_to_the_threshold_is_flagged():
    # p >= t: the customer at exactly 0.5 gets the offer
    assert profit_curve([1], [0.5], [0.5], offer_cost=10.0, clv=100.0, win_back=0.5).tolist() == [40.0]


def test_win_back_bounds_zero_and_one_are_allowed():
    # r = 0: every offer is a pure cost; r = 1: every flagged churner is won back
    np.testing.assert_allclose(profit_curve([1, 0], [0.9, 0.9], [0.5], win_back=0.0), [-100.0])
    np.testing.assert_allclose(profit_curve([1, 0], [0.9, 0.9], [0.5], win_back=1.0), [500 - 100.0])
