"""Variance of a mean of correlated estimators: formula, simulation, a real forest."""

import numpy as np
import pytest
from sklearn.ensemble import RandomForestRegressor

from algorithms.bias_variance import sample
from algorithms.forest_variance import (
    estimate_sigma2_rho,
    mean_variance,
    simulate_mean_variance,
    tree_predictions,
)


def test_formula_limits():
    assert mean_variance(2.0, 0.3, 1) == pytest.approx(2.0)  # one estimator
    assert mean_variance(2.0, 1.0, 50) == pytest.approx(2.0)  # perfectly correlated
    assert mean_variance(2.0, 0.0, 50) == pytest.approx(2.0 / 50)  # independent
    assert mean_variance(2.0, 0.3, 10**9) == pytest.approx(0.6)  # floor rho sigma^2
    with pytest.raises(ValueError):
        mean_variance(1.0, 0.5, 0)


@pytest.mark.parametrize("rho", [0.0, 0.2, 0.7])
@pytest.mark.parametrize("T", [1, 5, 40])
def test_simulation_matches_formula(rho, T):
    n = 40_000
    sim = simulate_mean_variance(1.5, rho, T, n, np.random.default_rng(T))
    expected = mean_variance(1.5, rho, T)
    # a normal sample variance has relative standard error sqrt(2 / (n - 1)); allow 4 of them
    assert sim == pytest.approx(expected, rel=4 * np.sqrt(2 / (n - 1)))


def test_estimator_recovers_known_sigma_and_rho():
    rng = np.random.default_rng(0)
    R, T, m, rho, s2 = 400, 8, 30, 0.35, 2.0
    shared = rng.normal(size=(R, 1, m))
    preds = 5.0 + np.sqrt(s2) * (np.sqrt(rho) * shared + np.sqrt(1 - rho) * rng.normal(size=(R, T, m)))
    sigma2, rho_hat = estimate_sigma2_rho(preds)
    assert sigma2.mean() == pytest.approx(s2, rel=0.05)
    assert rho_hat.mean() == pytest.approx(rho, abs=0.03)


def test_real_forest_correlation_is_between_0_and_1_and_averaging_helps():
    rng = np.random.default_rng(1)
    X_test = sample(20, 0.5, rng)[0]
    seeds = iter(range(1000))
    preds = tree_predictions(
        lambda X, y: RandomForestRegressor(8, max_features=1, random_state=next(seeds)).fit(X, y),
        lambda: sample(150, 0.5, rng),
        X_test,
        n_forests=12,
    )
    assert preds.shape == (12, 8, 20)
    sigma2, rho = estimate_sigma2_rho(preds)
    assert 0 < rho.mean() < 1 and (sigma2 > 0).all()
    assert preds.mean(1).var(0).mean() < preds[:, 0].var(0).mean()


def test_bad_input():
    with pytest.raises(ValueError, match="rho"):
        simulate_mean_variance(1.0, -0.1, 3, 10, np.random.default_rng(0))
    with pytest.raises(ValueError, match=">= 2 forests"):
        estimate_sigma2_rho(np.zeros((1, 5, 3)))


def test_error_messages_are_exact():
    with pytest.raises(ValueError, match=r"^T must be >= 1$"):
        mean_variance(1.0, 0.5, 0)
    with pytest.raises(ValueError, match=r"^the one-factor simulation needs 0 <= rho <= 1, got 1.5$"):
        simulate_mean_variance(1.0, 1.5, 3, 10, np.random.default_rng(0))


def test_rho_one_means_identical_trees():
    # rho = 1: every tree equals the shared draw, so the mean of T trees has variance sigma^2;
    # 20000 draws give a sample variance within ~1% (sd sqrt(2 / 20000)), tolerance 5%
    assert simulate_mean_variance(2.0, 1.0, 5, 20_000, np.random.default_rng(1)) == pytest.approx(
        2.0, rel=0.05
    )


def test_simulated_variance_is_unbiased_even_for_three_draws():
    # the ddof=1 sample variance of n_sims = 3 draws is unbiased: averaging 4000 of them gives
    # rho s^2 + (1 - rho) s^2 / T within ~1.6% (each estimate has sd equal to its mean); tol 6%
    rng = np.random.default_rng(2)
    est = [simulate_mean_variance(1.0, 0.3, 4, 3, rng) for _ in range(4000)]
    assert np.mean(est) == pytest.approx(mean_variance(1.0, 0.3, 4), rel=0.06)


def test_anova_estimates_by_hand_on_two_forests_of_two_trees():
    # preds[forest, tree, point]. Point 0: forests' trees (1, 3) and (5, 9): within = mean of the
    # sample variances 2 and 8 = 5; forest means 2 and 7: between = (7 - 2)^2 / 2 = 12.5;
    # rho s^2 = 12.5 - 5/2 = 10, s^2 = 15, rho = 2/3. Point 1: trees (0, 0) and (2, 2): within 0,
    # between (2 - 0)^2 / 2 = 2, so s^2 = 2 and rho = 1.
    preds = np.array([[[1.0, 0.0], [3.0, 0.0]], [[5.0, 2.0], [9.0, 2.0]]])
    sigma2, rho = estimate_sigma2_rho(preds)
    np.testing.assert_allclose(sigma2, [15.0, 2.0], rtol=1e-12)
    np.testing.assert_allclose(rho, [2 / 3, 1.0], rtol=1e-12)
