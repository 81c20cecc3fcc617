import numpy as np
import pytest

from data.experiments import (
    CTR_BY_STRATUM,
    STORY_LIFTS,
    daily_counts,
    draw_users,
    email_arrays,
    make_users,
    pilot_winback,
    ramp_rollout,
    weekday_shape,
)


def test_planted_lifts_are_the_story_lifts_on_a_large_sample():
    # the same users in both arms (common u), so the ratio of means isolates the multipliers
    rng = np.random.default_rng(0)
    ctr, u = draw_users(2_000_000, rng)
    a = email_arrays(ctr, u, False, rng)
    b = email_arrays(ctr, u, True, rng, STORY_LIFTS)
    ratios = [b[i].mean() / a[i].mean() for i in range(3)]
    np.testing.assert_allclose(ratios[:2], [1.12, 1.08], atol=0.02)
    assert abs(ratios[2] - 1.15) < 0.06  # revenue is heavy-tailed: looser


def test_stratum_rate_is_the_mean_click_rate():
    rng = np.random.default_rng(1)
    u = rng.normal(size=1_000_000)
    clicked, _, _ = email_arrays(np.full(u.shape, CTR_BY_STRATUM["mid"]), u, False, rng)
    assert abs(clicked.mean() - 0.08) < 0.001


def test_make_users_columns_and_determinism():
    a, b = make_users(500, np.random.default_rng(3)), make_users(500, np.random.default_rng(3))
    assert list(a.columns) == ["user_id", "engagement", "u", "pre_revenue"]
    assert a.equals(b) and a["user_id"].is_unique
    with pytest.raises(ValueError, match="n >= 1"):
        make_users(0, np.random.default_rng(0))


def test_weekday_shape_averages_zero_over_a_week():
    assert weekday_shape(np.arange(7)).sum() == pytest.approx(0.0)
    assert list(weekday_shape(np.arange(7)) > 0) == [False] * 5 + [True] * 2


def test_daily_counts_shapes_and_bad_rates():
    d = daily_counts(5, 14, 100, 0.05, 0.1, np.random.default_rng(0))
    assert d.k_a.shape == (5, 14) and (d.n_a == 100).all() and (d.k_b <= d.n_b).all()
    with pytest.raises(ValueError, match="inside"):
        daily_counts(2, 7, 10, 0.9, 0.5, np.random.default_rng(0))


def test_ramp_goes_from_20_to_100_percent():
    r = ramp_rollout(np.random.default_rng(0), days=14, n_per_day=1000)
    assert r.share[0] == pytest.approx(0.2) and r.share[-1] == pytest.approx(1.0)
    assert r.n_a[-1] == 0 and (r.n_a + r.n_b == 1000).all()


def test_pilot_without_control_has_no_control_counts():
    assert pilot_winback(100, 0.3, 0.2, np.random.default_rng(0), with_control=False)[2:] == (0, 0)
