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
    reinforce_gradient,
    returns_to_go,
    sample_episode,
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


def test_environment_steps_follow_their_docstrings():
    assert Bandit().step(0, 2) == (0, 2.0, True)  # one state, one step, reward means[a]
    corridor = Corridor(length=4)
    # (s, a) -> (s', reward, done): 0 = left (the wall keeps 0 at 0), 1 = right, goal 3 is terminal
    table = {
        (0, 0): (0, -1.0, False),
        (1, 0): (0, -1.0, False),
        (2, 0): (1, -1.0, False),
        (1, 1): (2, -1.0, False),
        (2, 1): (3, -1.0, True),
    }
    for (s, a), expected in table.items():
        assert corridor.step(s, a) == expected, (s, a)


def test_returns_to_go_by_hand():
    # G_2 = 3, G_1 = 2 + 0.5 * 3 = 3.5, G_0 = 1 + 0.5 * 3.5 = 2.75
    assert_allclose(returns_to_go([1.0, 2.0, 3.0], 0.5), [2.75, 3.5, 3.0], rtol=0, atol=0)


# Corridor episode 0 -right-> 1 -left-> 0 with rewards -1, -1, at theta = 0 (pi = 1/2 everywhere):
# score(s, a) = onehot(a) - (1/2, 1/2), so score(0, right) = (-1/2, 1/2), score(1, left) = (1/2, -1/2).
EPISODE = (np.array([0, 1]), np.array([1, 0]), np.array([-1.0, -1.0]))


def test_reinforce_gradient_by_hand_default_undiscounted():
    # gamma = 1: G = (-2, -1), weights 1, 1
    expected = np.zeros((4, 2))
    expected[0] = -2 * np.array([-0.5, 0.5])
    expected[1] = -1 * np.array([0.5, -0.5])
    assert_allclose(reinforce_gradient(np.zeros((4, 2)), EPISODE), expected, atol=1e-15)


@pytest.mark.parametrize("discount_weight", [True, False])
def test_reinforce_gradient_by_hand_discounted(discount_weight):
    # gamma = 1/2: G = (-1.5, -1); weight of step 1 is gamma^1 = 1/2, or 1 for the shortcut
    expected = np.zeros((4, 2))
    expected[0] = -1.5 * np.array([-0.5, 0.5])
    expected[1] = (0.5 if discount_weight else 1.0) * -1 * np.array([0.5, -0.5])
    kwargs = {} if discount_weight else {"discount_weight": False}  # the weight is on by default
    ours = reinforce_gradient(np.zeros((4, 2)), EPISODE, 0.5, **kwargs)
    assert_allclose(ours, expected, atol=1e-15)


def test_reinforce_gradient_accepts_integer_theta_and_rejects_ragged_episodes():
    # one bandit pull of arm 2 with reward 3 at uniform pi: 3 * (onehot(2) - 1/4)
    grad = reinforce_gradient([[0, 0, 0, 0]], (np.array([0]), np.array([2]), np.array([3.0])))
    assert_allclose(grad, [[-0.75, -0.75, 2.25, -0.75]], atol=1e-15)
    with pytest.raises(ValueError):  # zip(strict=True): two states but one action
        reinforce_gradient(np.zeros((4, 2)), (np.array([0, 1]), np.array([1]), np.array([-1.0, -1.0])))


def test_exact_gradient_accepts_integer_theta():
    env = Bandit()
    means = np.array(env.means)
    analytic = 0.25 * (means - means.mean())  # pi * (mu - J) at uniform pi
    assert_allclose(exact_gradient([[0, 0, 0, 0]], env)[0], analytic, atol=1e-9)


def test_gamma_zero_is_allowed_and_counts_only_the_first_reward():
    # every corridor step costs 1, so with gamma = 0 the return is exactly -1
    assert expected_return(THETA, ENV, gamma=0.0) == pytest.approx(-1.0, abs=1e-15)


def test_defaults_are_undiscounted():
    ref = _enumerate_return(THETA, ENV, 1.0)
    assert_allclose(expected_return(THETA, ENV), ref, rtol=1e-12)
    assert_allclose(values(THETA, ENV)[ENV.start, 0], ref, rtol=1e-12)
    a = gradient_samples(THETA, ENV, 5, np.random.default_rng(9))
    b = gradient_samples(THETA, ENV, 5, np.random.default_rng(9), gamma=1.0)
    assert_allclose(a, b, rtol=0, atol=0)


def test_estimator_defaults():
    assert Reinforce().get_params() == {
        "lr": 0.1,
        "gamma": 1.0,
        "baseline": "learned",
        "baseline_lr": 0.1,
        "n_episodes": 300,
    }


def test_sample_episode_is_policy_draws_plus_gaussian_reward_noise():
    # replay the generator by hand: an action from pi, then (noise_sd > 0) one N(0, sd) draw
    env, theta = Bandit(noise_sd=0.5), np.array([[0.3, -0.2, 0.1, 0.0]])
    pi = softmax(theta)[0]
    for seed in range(5):
        states, actions, rewards = sample_episode(theta, env, np.random.default_rng(seed))
        rng = np.random.default_rng(seed)
        a = int(rng.choice(4, p=pi))
        assert states.tolist() == [0] and actions.tolist() == [a]
        assert_allclose(rewards, [env.means[a] + rng.normal(0.0, 0.5)], rtol=1e-15)


def test_noise_free_episode_draws_only_actions():
    # noise_sd = 0: the generator is used for the actions only, so the episode is the replayed walk
    states, actions, rewards = sample_episode(THETA, ENV, np.random.default_rng(3))
    rng, pi, s, walk = np.random.default_rng(3), softmax(THETA), ENV.start, []
    for _ in range(ENV.horizon):
        a = int(rng.choice(2, p=pi[s]))
        walk.append((s, a))
        s, _, done = ENV.step(s, a)
        if done:
            break
    assert list(zip(states.tolist(), actions.tolist(), strict=True)) == walk
    assert rewards.tolist() == [-1.0] * len(walk)


def test_messages_name_the_values():
    with pytest.raises(ValueError, match=r"^theta contains NaN or inf$"):
        values(np.full((4, 2), np.inf), ENV)
    with pytest.raises(ValueError, match=r"\(n_states, horizon\), got \(4,\)$"):
        gradient_samples(THETA, ENV, 2, np.random.default_rng(0), baseline=np.zeros(4))


@pytest.mark.parametrize("baseline", ["none", "learned"])
def test_fit_replays_as_two_hand_written_updates(baseline):
    """Two episodes of Reinforce.fit redone with the module's pieces: sample, gradient with the
    baseline only when "learned", theta += lr g, then the running-average baseline update."""
    env, lr, blr, gamma = Corridor(length=3, horizon=4), 0.5, 0.3, 0.8
    agent = Reinforce(lr=lr, gamma=gamma, baseline=baseline, baseline_lr=blr, n_episodes=2)
    agent.fit(env, np.random.default_rng(11))
    rng, theta, b = np.random.default_rng(11), np.zeros((3, 2)), np.zeros((3, 4))
    returns = [expected_return(theta, env, gamma)]
    for _ in range(2):
        episode = sample_episode(theta, env, rng)
        theta = theta + lr * reinforce_gradient(theta, episode, gamma, b if baseline == "learned" else None)
        G = returns_to_go(episode[2], gamma)
        for t, s in enumerate(episode[0]):
            b[s, t] += blr * (G[t] - b[s, t])
        returns.append(expected_return(theta, env, gamma))
    assert_allclose(agent.theta_, theta, rtol=1e-12)
    assert_allclose(agent.baseline_, b, rtol=1e-12)
    assert_allclose(agent.expected_returns_, returns, rtol=1e-12)
