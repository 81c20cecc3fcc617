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
