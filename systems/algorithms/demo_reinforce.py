"""AL-10: REINFORCE's estimator, unbiased with or without a baseline, and its variance.

Estimator statistics (algorithms/reinforce.py) at a fixed random softmax policy on the
corridor (4 states, horizon 6, discount 0.9) and on a 4-armed bandit: many one-episode
gradient estimates with no baseline, with the exact state value V^pi(s, t) as baseline,
and, for the corridor, without the gamma^t weight (the update as the story writes it).
Each sample mean is compared with the exact gradient (central differences of the exact
J from backward induction) in units of its standard error; the variance is the trace of
the estimates' covariance.

Learning: independent REINFORCE runs with and without a learned baseline, tracking the
exact expected return of the current policy after every episode.

The corridor's rewards are all -1, and the bandit's means (1, 1.5, 2, 0.5) are all
positive: returns far from zero are where a baseline matters, and that is the regime
these environments are set in.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

import numpy as np

from algorithms.reinforce import (
    Bandit,
    Corridor,
    Reinforce,
    exact_gradient,
    expected_return,
    gradient_samples,
    values,
)
from systems.algorithms.figures import ledger_figures, rel_error
from systems.core.ledger import Claim
from systems.core.plotting import figure
from systems.core.seeding import rng

CORRIDOR, BANDIT, GAMMA = Corridor(length=4, horizon=6), Bandit(), 0.9
N_SAMPLES = {"quick": 4000, "full": 40000}
N_RUNS, N_EPISODES, LR = 20, 200, 0.1
COLLAPSED = -5.5  # expected return of a policy that almost never reaches the goal (worst is -6)


@dataclass(frozen=True)
class EstimatorStats:
    """Many one-episode gradient estimates against the exact gradient."""

    max_z: float  # largest |mean - exact| in standard errors, over the sampled components
    rel_bias: float  # ||mean - exact|| / ||exact||
    total_variance: float  # trace of the estimates' covariance


@dataclass(frozen=True)
class EstimatorStudy:
    """``EstimatorStats`` of each estimator variant on each environment."""

    corridor_plain: EstimatorStats
    corridor_baseline: EstimatorStats
    corridor_no_discount_weight: EstimatorStats
    bandit_plain: EstimatorStats
    bandit_baseline: EstimatorStats


@dataclass(frozen=True)
class LearningCurves:
    """Exact expected return after each episode, shape (N_RUNS, N_EPISODES + 1), per baseline mode."""

    none: np.ndarray
    learned: np.ndarray


def _stats(samples: np.ndarray, exact: np.ndarray) -> EstimatorStats:
    mean = samples.mean(axis=0)
    se = samples.std(axis=0, ddof=1) / np.sqrt(len(samples))
    seen = se > 0  # the goal state is terminal: its row is never sampled and is exactly 0
    return EstimatorStats(
        max_z=float(np.max(np.abs(mean - exact)[seen] / se[seen])),
        rel_bias=rel_error(mean, exact),
        total_variance=float(samples.var(axis=0, ddof=1).sum()),
    )


def _estimators(seed: int, n: int) -> EstimatorStudy:
    out = {}
    theta = rng(seed, "reinforce-theta").normal(0, 0.5, (CORRIDOR.n_states, CORRIDOR.n_actions))
    exact, V = exact_gradient(theta, CORRIDOR, GAMMA), values(theta, CORRIDOR, GAMMA)
    variants = {
        "plain": {},
        "baseline": {"baseline": V},
        "no_discount_weight": {"baseline": V, "discount_weight": False},
    }
    for name, kw in variants.items():
        samples = gradient_samples(theta, CORRIDOR, n, rng(seed, f"reinforce-{name}"), GAMMA, **kw)
        out[f"corridor_{name}"] = _stats(samples, exact)
    theta_b = rng(seed, "bandit-theta").normal(0, 0.5, (1, BANDIT.n_actions))
    exact_b = exact_gradient(theta_b, BANDIT)
    J = np.full((1, 1), expected_return(theta_b, BANDIT))
    for name, b in (("plain", None), ("baseline", J)):
        samples = gradient_samples(theta_b, BANDIT, n, rng(seed, f"bandit-{name}"), baseline=b)
        out[f"bandit_{name}"] = _stats(samples, exact_b)
    return EstimatorStudy(**out)


def _learning(seed: int) -> LearningCurves:
    curves = {}
    for mode in ("none", "learned"):
        curves[mode] = np.array(
            [
                Reinforce(lr=LR, gamma=1.0, baseline=mode, n_episodes=N_EPISODES)
                .fit(CORRIDOR, rng(seed, f"reinforce-run-{i}"))
                .expected_returns_
                for i in range(N_RUNS)
            ]
        )
    return LearningCurves(**curves)


def _plot(run, stats: EstimatorStudy, curves: LearningCurves):
    fig, (a1, a2) = figure(11, 4, ncols=2)
    shown = [stats.corridor_plain, stats.corridor_baseline, stats.bandit_plain, stats.bandit_baseline]
    a1.bar(range(len(shown)), [s.total_variance for s in shown], color=["C1", "C0", "C1", "C0"])
    a1.set_xticks(
        range(len(shown)), ["corridor\nno baseline", "corridor\nV(s,t)", "bandit\nno baseline", "bandit\nJ"]
    )
    a1.set(
        yscale="log", ylabel="trace of the estimator's covariance", title="Variance of one-episode estimates"
    )
    ep = np.arange(N_EPISODES + 1)
    for mode, color in (("none", "C1"), ("learned", "C0")):
        c = getattr(curves, mode)
        a2.plot(ep, np.median(c, axis=0), color=color, label=f"baseline: {mode} (median)")
        a2.fill_between(ep, np.quantile(c, 0.1, axis=0), np.quantile(c, 0.9, axis=0), color=color, alpha=0.2)
    a2.axhline(-(CORRIDOR.length - 1), color="grey", ls=":", lw=0.8, label="optimal")
    a2.set(xlabel="episode", ylabel="exact expected return", title=f"Corridor, {N_RUNS} runs (10-90% band)")
    a2.legend(fontsize=8)
    return run.save_figure(fig, "reinforce_variance.png")


def run(run, cfg) -> None:
    stats = _estimators(cfg.seed, N_SAMPLES.get(cfg.profile, N_SAMPLES["quick"]))
    curves = _learning(cfg.seed)
    cp, cb, cs = stats.corridor_plain, stats.corridor_baseline, stats.corridor_no_discount_weight
    bp, bb = stats.bandit_plain, stats.bandit_baseline
    final_none, final_learned = curves.none[:, -1], curves.learned[:, -1]
    measured = {
        "max_z_no_baseline": max(cp.max_z, bp.max_z),
        "max_z_with_baseline": max(cb.max_z, bb.max_z),
        "variance_ratio_corridor": cb.total_variance / cp.total_variance,
        "variance_ratio_bandit": bb.total_variance / bp.total_variance,
        "no_discount_weight_max_z": cs.max_z,
        "no_discount_weight_rel_bias": cs.rel_bias,
        "initial_return": float(curves.none[0, 0]),
        "median_final_return_no_baseline": float(np.median(final_none)),
        "median_final_return_learned_baseline": float(np.median(final_learned)),
        "mean_return_during_training_no_baseline": float(curves.none.mean()),
        "mean_return_during_training_learned_baseline": float(curves.learned.mean()),
        "p10_final_return_no_baseline": float(np.quantile(final_none, 0.1)),
        "p10_final_return_learned_baseline": float(np.quantile(final_learned, 0.1)),
        "collapsed_fraction_no_baseline": float(np.mean(final_none < COLLAPSED)),
        "collapsed_fraction_learned_baseline": float(np.mean(final_learned < COLLAPSED)),
    }
    measured = ledger_figures(measured, set())
    for k, v in measured.items():
        run.metric(k, v, scope="reinforce")
    for f in fields(stats):
        for k, v in ledger_figures(asdict(getattr(stats, f.name)), set()).items():
            run.metric(k, v, scope=f"reinforce_{f.name}")
    run.add(
        Claim(
            id="AL-10",
            statement="The REINFORCE estimate is unbiased, and subtracting a baseline b(s_t) lowers its "
            "variance without changing its mean",
            measured=measured,
            relations=[
                ("max_z_no_baseline", "<", 4.0),
                ("max_z_with_baseline", "<", 4.0),
                ("variance_ratio_corridor", "<", 1.0),
                ("variance_ratio_bandit", "<", 1.0),
                ("median_final_return_learned_baseline", ">", "initial_return"),
            ],
            unit="standard errors (z), variance ratio (with / without), expected return",
            note=(
                f"{N_SAMPLES.get(cfg.profile, N_SAMPLES['quick'])} one-episode estimates per estimator; "
                "unbiased means every component of the mean within 4 standard errors of the exact gradient; "
                f"corridor discount {GAMMA}, baseline V^pi(s, t), bandit baseline J; the story's update "
                "theta += lr * grad log pi * G_t omits the gamma^t weight and is biased for gamma < 1 "
                "(no_discount_weight_max_z, no_discount_weight_rel_bias); learning: "
                f"{N_RUNS} runs x {N_EPISODES} episodes, lr {LR}, undiscounted, collapsed = expected "
                f"return < {COLLAPSED}"
            ),
            evidence=[_plot(run, stats, curves)],
        )
    )
