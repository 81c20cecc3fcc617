"""REINFORCE: the score-function policy gradient, with and without a baseline.

Setting: finite-horizon episodic MDP with deterministic transitions s' = step(s, a),
rewards r(s, a) + noise, horizon H, discount gamma, and a tabular softmax policy

    pi(a | s) = softmax(theta[s])[a]                theta : (n_states, n_actions)
    grad_theta log pi(a | s) = e_s (onehot(a) - pi(. | s))^T   (nonzero in row s only)

Objective J(theta) = E[sum_t gamma^t r_t]. The log-derivative trick gives

    grad J = E[ sum_t gamma^t grad log pi(a_t | s_t) (G_t - b(s_t, t)) ]
    G_t    = sum_{k >= t} gamma^(k - t) r_k          (return from step t)

for any baseline b that does not depend on a_t, because
E_a[grad log pi(a | s)] = sum_a grad pi(a | s) = grad 1 = 0. The baseline therefore
changes the variance and not the mean; b(s, t) = V^pi(s, t) is the usual choice.
The factor gamma^t is part of the gradient of J from the start state; the common
textbook update without it (theta += lr * G_t grad log pi) is biased when gamma < 1.

The exact J and V^pi come from backward induction over (s, t) (``values``), and the
exact gradient from central differences of the exact J, which does not use the identity
under test. ``Reinforce.fit`` accumulates one episode's gradient before applying it, and
updates its learned baseline after the gradient is computed, so the baseline never
depends on the actions it is subtracted from.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.base import BaseEstimator

from algorithms.numerics import numerical_gradient, softmax


@dataclass(frozen=True)
class Bandit:
    """K-armed bandit: one state, one step, reward means[a] + N(0, noise_sd^2)."""

    means: tuple[float, ...] = (1.0, 1.5, 2.0, 0.5)
    noise_sd: float = 1.0
    horizon: int = 1
    start: int = 0

    @property
    def n_states(self) -> int:
        return 1

    @property
    def n_actions(self) -> int:
        return len(self.means)

    def step(self, s: int, a: int) -> tuple[int, float, bool]:
        return 0, float(self.means[a]), True


@dataclass(frozen=True)
class Corridor:
    """States 0..length-1 in a row, start 0, goal length-1 (terminal).

    Actions 0 = left (stays at 0 on the wall), 1 = right. Every step costs 1 and the
    episode ends at the goal or after ``horizon`` steps, so a good policy goes right.
    """

    length: int = 4
    horizon: int = 6
    noise_sd: float = 0.0
    start: int = 0

    @property
    def n_states(self) -> int:
        return self.length

    @property
    def n_actions(self) -> int:
        return 2

    def step(self, s: int, a: int) -> tuple[int, float, bool]:
        s_next = min(s + 1, self.length - 1) if a == 1 else max(s - 1, 0)
        return s_next, -1.0, s_next == self.length - 1


def _check_theta(theta, env) -> np.ndarray:
    theta = np.asarray(theta, dtype=np.float64)
    if theta.shape != (env.n_states, env.n_actions):
        raise ValueError(
            f"theta must have shape ({env.n_states}, {env.n_actions}) "
            f"(n_states, n_actions), got {theta.shape}"
        )
    if not np.all(np.isfinite(theta)):
        raise ValueError("theta contains NaN or inf")
    return theta


def _check_gamma(gamma: float) -> None:
    if not 0.0 <= gamma <= 1.0:
        raise ValueError(f"gamma must lie in [0, 1], got {gamma}")


def values(theta, env, gamma: float = 1.0) -> np.ndarray:
    """V^pi(s, t) of shape (n_states, horizon) by backward induction; J = V[start, 0]."""
    theta = _check_theta(theta, env)
    _check_gamma(gamma)
    pi = softmax(theta)
    V = np.zeros((env.n_states, env.horizon + 1))
    for t in reversed(range(env.horizon)):
        for s in range(env.n_states):
            for a in range(env.n_actions):
                s_next, r, done = env.step(s, a)
                V[s, t] += pi[s, a] * (r + (0.0 if done else gamma * V[s_next, t + 1]))
    return V[:, :-1]


def expected_return(theta, env, gamma: float = 1.0) -> float:
    return float(values(theta, env, gamma)[env.start, 0])


def exact_gradient(theta, env, gamma: float = 1.0, eps: float = 1e-6) -> np.ndarray:
    """grad J by central differences of the exact J (error ~1e-9), shape of theta."""
    theta = _check_theta(theta, env).copy()  # a private copy: the differences perturb it in place
    return numerical_gradient(lambda: expected_return(theta, env, gamma), theta, eps)


def sample_episode(theta, env, rng: np.random.Generator):
    """One episode under pi_theta: (states, actions, rewards), each of shape (T,)."""
    pi = softmax(_check_theta(theta, env))
    s, states, actions, rewards = env.start, [], [], []
    for _ in range(env.horizon):
        a = int(rng.choice(env.n_actions, p=pi[s]))
        s_next, r, done = env.step(s, a)
        states.append(s)
        actions.append(a)
        rewards.append(r + (rng.normal(0.0, env.noise_sd) if env.noise_sd > 0 else 0.0))
        s = s_next
        if done:
            break
    return np.array(states), np.array(actions), np.array(rewards)


def returns_to_go(rewards, gamma: float) -> np.ndarray:
    """G_t = r_t + gamma G_{t+1}, shape (T,)."""
    G, acc = np.zeros(len(rewards)), 0.0
    for t in reversed(range(len(rewards))):
        acc = rewards[t] + gamma * acc
        G[t] = acc
    return G


def reinforce_gradient(
    theta, episode, gamma: float = 1.0, baseline=None, discount_weight: bool = True
) -> np.ndarray:
    """One-episode estimate sum_t w_t (G_t - b(s_t, t)) grad log pi(a_t | s_t).

    ``baseline`` is None or an array (n_states, horizon) of b(s, t); w_t = gamma^t when
    ``discount_weight`` else 1 (the biased textbook shortcut when gamma < 1).
    """
    theta = np.asarray(theta, dtype=np.float64)
    states, actions, rewards = episode
    pi = softmax(theta)
    G = returns_to_go(rewards, gamma)
    grad = np.zeros_like(theta)
    for t, (s, a) in enumerate(zip(states, actions, strict=True)):
        adv = G[t] - (0.0 if baseline is None else baseline[s, t])
        score = -pi[s].copy()
        score[a] += 1.0  # onehot(a) - pi(. | s)
        grad[s] += (gamma**t if discount_weight else 1.0) * adv * score
    return grad


def gradient_samples(
    theta,
    env,
    n: int,
    rng: np.random.Generator,
    gamma: float = 1.0,
    baseline=None,
    discount_weight: bool = True,
) -> np.ndarray:
    """n independent one-episode estimates, shape (n, n_states, n_actions)."""
    theta = _check_theta(theta, env)
    if baseline is not None and np.shape(baseline) != (env.n_states, env.horizon):
        raise ValueError(
            f"baseline must have shape ({env.n_states}, {env.horizon}) "
            f"(n_states, horizon), got {np.shape(baseline)}"
        )
    return np.stack(
        [
            reinforce_gradient(theta, sample_episode(theta, env, rng), gamma, baseline, discount_weight)
            for _ in range(n)
        ]
    )


class Reinforce(BaseEstimator):
    """Policy-gradient learner: theta <- theta + lr * g_hat after each episode.

    It learns from an environment, not from (X, y), so it takes only ``BaseEstimator``
    (``get_params``, ``clone``), not a classifier or regressor mixin.

    Parameters
    ----------
    lr : float
        Step size of the ascent on J.
    gamma : float
        Discount in [0, 1].
    baseline : {"none", "learned"}
        "learned" keeps b(s, t) as a running average of G_t (step ``baseline_lr``).
    n_episodes : int
        Number of episodes (one update each).
    """

    def __init__(
        self,
        lr: float = 0.1,
        gamma: float = 1.0,
        baseline: str = "learned",
        baseline_lr: float = 0.1,
        n_episodes: int = 300,
    ):
        self.lr = lr
        self.gamma = gamma
        self.baseline = baseline
        self.baseline_lr = baseline_lr
        self.n_episodes = n_episodes

    def fit(self, env, rng: np.random.Generator) -> Reinforce:
        if self.baseline not in ("none", "learned"):
            raise ValueError(f"baseline must be 'none' or 'learned', got {self.baseline!r}")
        _check_gamma(self.gamma)
        self.theta_ = np.zeros((env.n_states, env.n_actions))
        self.baseline_ = np.zeros((env.n_states, env.horizon))
        self.expected_returns_ = np.zeros(self.n_episodes + 1)
        self.expected_returns_[0] = expected_return(self.theta_, env, self.gamma)
        for i in range(self.n_episodes):
            episode = sample_episode(self.theta_, env, rng)
            b = self.baseline_ if self.baseline == "learned" else None
            grad = reinforce_gradient(self.theta_, episode, self.gamma, b)
            self.theta_ += self.lr * grad
            G = returns_to_go(episode[2], self.gamma)
            for t, s in enumerate(episode[0]):
                self.baseline_[s, t] += self.baseline_lr * (G[t] - self.baseline_[s, t])
            self.expected_returns_[i + 1] = expected_return(self.theta_, env, self.gamma)
        return self
