"""REINFORCE (AL-10): exact values, unbiasedness, variance reduction by a baseline, learning."""

import itertools

import numpy as np
import pytest
from numpy.testing import assert_allclose

from algorithms.numerics import softmax
from algorithms.reinforce import (
    Bandit,
    Corridor,
    Reinforce,
    exact_gradient,
    expected_return,
    gradient_samples,
    values,
)

ENV = Corridor(length=4, horizon=6)
THETA = np.random.default_rng(0).normal(0, 0.5, (4, 2))


def _enumerate_return(theta, env, gamma):
    """J by summing P(tau) R(tau) over every action sequence (independent of ``values``)."""
    pi, total = softmax(theta), 0.0
    for seq in itertools.product(range(env.n_actions), repeat=env.horizon):
        s, p, ret = env.start, 1.0, 0.0
        for t, a in enumerate(seq):
            p *= pi[s, a]
            s, r, done = env.step(s, a)
            ret += gamma**t * r
            if done:
                break
        # sequences that end early are counted once per unused tail: divide that out
        total += p * ret / env.n_actions ** (env.horizon - t - 1)
    return total


@pytest.mark.parametrize("gamma", [1.0, 0.9])
def test_backward_induction_equals_enumeration(gamma):
    ours, ref = expected_return(THETA, ENV, gamma), _enumerate_return(THETA, ENV, gamma)
    assert_allclose(ours, ref, rtol=1e-12, err_msg=f"DP {ours} vs enumeration {ref}")


def test_bandit_exact_gradient_is_pi_times_advantage():
    env, theta = Bandit(), np.array([[0.2, -0.1, 0.4, 0.0]])
    pi = softmax(theta)[0]
    analytic = pi * (np.array(env.means) - pi @ np.array(env.means))
    assert_allclose(
        exact_gradient(theta, env)[0],
        analytic,
        atol=1e-9,
        err_msg=f"FD of exact J {exact_gradient(theta, env)[0]} vs pi*(mu - J) {analytic}",
    )


def _max_z(samples, exact):
    mean = samples.mean(axis=0)
    se = samples.std(axis=0, ddof=1) / np.sqrt(len(samples))
    return float(np.max(np.abs(mean - exact)[se > 0] / se[se > 0]))


@pytest.mark.parametrize("gamma", [1.0, 0.9])
def test_estimator_is_unbiased_with_and_without_baseline(gamma):
    exact = exact_gradient(THETA, ENV, gamma)
    V = values(THETA, ENV, gamma)
    plain = gradient_samples(THETA, ENV, 1500, np.random.default_rng(1), gamma)
    based = gradient_samples(THETA, ENV, 1500, np.random.default_rng(2), gamma, baseline=V)
    # 8 components, each within 4 standard errors: a false alarm has probability < 1e-3
    assert _max_z(plain, exact) < 4, f"no baseline: mean {plain.mean(0).ravel()} vs exact {exact.ravel()}"
    assert _max_z(based, exact) < 4, f"baseline: mean {based.mean(0).ravel()} vs exact {exact.ravel()}"
    assert based.var(axis=0).sum() < 0.2 * plain.var(axis=0).sum()


def test_dropping_the_discount_weight_biases_the_estimate():
    gamma = 0.9
    exact = exact_gradient(THETA, ENV, gamma)
    V = values(THETA, ENV, gamma)
    shortcut = gradient_samples(
        THETA, ENV, 2000, np.random.default_rng(3), gamma, baseline=V, discount_weight=False
    )
    assert _max_z(shortcut, exact) > 5


@pytest.mark.parametrize(
    "env,baseline",
    [(Bandit(), "none"), (Bandit(), "learned"), (ENV, "learned")],
    ids=["bandit-none", "bandit-learned", "corridor-learned"],
)
def test_policy_improves(env, baseline):
    agent = Reinforce(lr=0.1, baseline=baseline, n_episodes=200).fit(env, np.random.default_rng(4))
    start, end = agent.expected_returns_[0], agent.expected_returns_[-1]
    best = max(env.means) if isinstance(env, Bandit) else -(env.length - 1.0)
    assert end > start + 0.5 * (best - start), f"expected return {start:.3f} -> {end:.3f} (best {best})"


def test_corridor_without_baseline_improves_in_the_median_run():
    # all returns are negative, so without a baseline every sampled action is pushed down and
    # some runs collapse onto "always left"; the median run still learns
    finals = [
        Reinforce(lr=0.1, baseline="none", n_episodes=200)
        .fit(ENV, np.random.default_rng(s))
        .expected_returns_[-1]
        for s in range(7)
    ]
    assert np.median(finals) > -4.0, finals


def test_bad_input_is_named():
    with pytest.raises(ValueError, match=r"theta must have shape \(4, 2\)"):
        values(np.zeros((2, 4)), ENV)
    with pytest.raises(ValueError, match="NaN or inf"):
        values(np.full((4, 2), np.nan), ENV)
    with pytest.raises(ValueError, match="gamma must lie in"):
        expected_return(THETA, ENV, gamma=1.5)
    with pytest.raises(ValueError, match=r"baseline must have shape \(4, 6\)"):
        gradient_samples(THETA, ENV, 2, np.random.default_rng(0), baseline=np.zeros(4))
    with pytest.raises(ValueError, match="'none' or 'learned'"):
        Reinforce(baseline="critic").fit(ENV, np.random.default_rng(0))


@pytest.mark.slow
def test_baseline_estimate_is_within_two_percent_of_the_exact_gradient():
    gamma = 0.9
    exact = exact_gradient(THETA, ENV, gamma)
    based = gradient_samples(
        THETA, ENV, 20000, np.random.default_rng(12), gamma, baseline=values(THETA, ENV, gamma)
    )
    rel = np.linalg.norm(based.mean(0) - exact) / np.linalg.norm(exact)
    assert rel < 0.02 and _max_z(based, exact) < 4, (rel, based.mean(0).ravel(), exact.ravel())
