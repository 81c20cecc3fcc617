"""AL-03, AL-04, AL-05: bias-variance over tree depth, forest variance, XGBoost's objective.

AL-03 (algorithms/bias_variance.py): on y = f(x) + N(0, 0.5^2) with f known, bias^2,
variance and noise of DecisionTreeRegressor(max_depth=d), d = 1..15, from independent
training sets; their sum vs the test MSE measured directly; leaves vs 2^d; the
cost-complexity pruning alpha chosen by 5-fold CV.

AL-04 (algorithms/forest_variance.py): equicorrelated simulation vs rho sigma^2 +
(1 - rho) sigma^2 / T; then sigma^2 and rho of single trees estimated from one batch of
random forests predict the variance of T-tree forests on independent training sets.

AL-05 (algorithms/boosting.py): our exact greedy second-order trees vs xgboost's dumped
trees (tree_method exact, eta 1, same lambda, gamma, base_score).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

import numpy as np
import xgboost as xgb
from sklearn.ensemble import RandomForestRegressor
from sklearn.tree import DecisionTreeRegressor

from algorithms.bias_variance import choose_ccp_alpha, depth_curve, sample
from algorithms.boosting import SecondOrderBooster, build_tree, logistic_grad_hess
from algorithms.forest_variance import (
    estimate_sigma2_rho,
    mean_variance,
    simulate_mean_variance,
    tree_predictions,
)
from systems.algorithms.figures import max_abs_diff, two_digits
from systems.core.ledger import Claim, Relation
from systems.core.plotting import figure
from systems.core.seeding import child_seed, rng

NOISE = 0.5


@dataclass(frozen=True)
class Sizes:
    """How much work each part does in one profile."""

    n_train: int  # training-set size of the bias-variance study
    rounds: int  # training sets per depth
    n_test: int  # test points
    est_forests: int  # forests of 10 trees that estimate rho and sigma^2
    val_forests: int  # independent forests that check the prediction
    sims: int  # draws per (rho, T) cell of the simulation


PROFILE = {
    "quick": Sizes(n_train=1000, rounds=30, n_test=200, est_forests=30, val_forests=40, sims=20_000),
    "full": Sizes(n_train=1000, rounds=200, n_test=500, est_forests=100, val_forests=200, sims=200_000),
}
FOREST_T = (1, 2, 5, 10, 25, 50)


@dataclass(frozen=True)
class SimulatedCell:
    """Variance of the mean of T equicorrelated normals (sigma^2 = 1): simulated vs the formula."""

    rho: float
    T: int
    simulated: float
    formula: float
    gap_in_se: float  # |simulated - formula| over the sample variance's standard error


@dataclass(frozen=True)
class ForestPoint:
    """Variance over training sets of a T-tree forest: predicted from (rho, sigma^2) vs observed."""

    T: int
    predicted: float
    observed: float
    se_of_difference: float  # bootstrap over forests
    gap_in_se: float


def _bias_variance(run, seed: int, p: Sizes) -> None:
    X_test = sample(p.n_test, NOISE, rng(seed, "bv-test"))[0]
    curve = depth_curve(range(1, 16), p.n_train, p.rounds, X_test, NOISE, seed)
    table = run.write_table([{"depth": k} | asdict(c) for k, c in curve.items()], "bias_variance_by_depth.md")
    d, rows = list(curve), list(curve.values())
    fig, (a1, a2) = figure(12, 4.2, ncols=2)
    a1.plot(d, [r.bias2 for r in rows], "o-", label="bias^2")
    a1.plot(d, [r.variance for r in rows], "s-", label="variance")
    a1.plot(d, [r.noise for r in rows], "--", label="noise s^2")
    a1.plot(d, [r.sum for r in rows], "k-", label="bias^2 + variance + noise")
    a1.errorbar(
        d,
        [r.mse for r in rows],
        yerr=[2 * r.mse_se for r in rows],
        fmt="x",
        color="r",
        label="test MSE measured (+-2 SE)",
    )
    a1.set(
        xlabel="max_depth",
        ylabel="squared error",
        title=f"Trees on {p.n_train} points, {p.rounds} training sets",
    )
    a1.legend(fontsize=8)

    Xl, yl = sample(5000, NOISE, rng(seed, "bv-leaves"))
    leaf_ratio = max(
        DecisionTreeRegressor(max_depth=k, random_state=0).fit(Xl, yl).get_n_leaves() / 2**k
        for k in range(1, 16)
    )
    Xp, yp = sample(p.n_train // 2, NOISE, rng(seed, "bv-prune"))
    alpha, alphas, cv_mse = choose_ccp_alpha(Xp, yp, seed=seed)
    a2.semilogx(np.maximum(alphas, 1e-6), cv_mse, "o-", ms=3)
    a2.axvline(max(alpha, 1e-6), color="r", ls=":", label=f"CV choice alpha={alpha:.3g}")
    a2.set(xlabel="ccp_alpha (0 shown at 1e-6)", ylabel="5-fold CV MSE", title="Cost-complexity pruning path")
    a2.legend(fontsize=8)
    plot = run.save_figure(fig, "bias_variance.png")

    best_depth = min(curve, key=lambda k: curve[k].mse)
    best = curve[best_depth]
    measured = {
        "bias2_depth_1": rows[0].bias2,
        "bias2_depth_15": rows[-1].bias2,
        "variance_depth_1": rows[0].variance,
        "variance_depth_15": rows[-1].variance,
        "variance_at_best_depth": best.variance,
        "best_depth": float(best_depth),
        "best_test_mse": best.mse,
        "max_decomposition_gap_in_se": max(abs(r.sum - r.mse) / r.mse_se for r in rows),
        "max_leaves_over_2_to_depth": float(leaf_ratio),
        "ccp_alpha_cv": alpha,
        "cv_mse_pruned": float(cv_mse.min()),
        "cv_mse_unpruned": float(cv_mse[0]),
    }
    for k, v in measured.items():
        run.metric(k, v, scope="bias_variance")
    by_depth = "/".join(f"{rows[i].variance:.3f}" for i in (0, 1, 2, best_depth - 1, -1))
    run.add(
        Claim(
            id="AL-03",
            statement="Test error = bias^2 + variance + noise; shallow trees have high bias, deep trees high "
            "variance; a depth-d tree has at most 2^d leaves; cost-complexity pruning "
            "(alpha |T| + sum R(t)) with CV picks a smaller tree",
            measured=measured,
            relations=[
                ("bias2_depth_1", ">", "bias2_depth_15"),
                ("variance_depth_15", ">", "variance_at_best_depth"),
                ("max_decomposition_gap_in_se", "<", 4.0),
                ("max_leaves_over_2_to_depth", "<=", 1.0),
                ("cv_mse_pruned", "<", "cv_mse_unpruned"),
            ],
            unit="squared error / ratio",
            note=(
                f"f(x) = sin(3 x0) + 0.5 x1^2 - x0 x1 on [-1.5, 1.5]^2, noise sd {NOISE}; the test MSE is "
                f"lowest at depth {best_depth} (the story's 'often 3-10' depends on n and f). Variance "
                f"by depth 1/2/3/best/15: {by_depth} (a stump's single split can be more stable than a "
                "depth-2 tree's); bias^2 subtracts the variance/R inflation of the mean "
                "prediction. 'Gap in SE' is |sum - MSE| over the MSE's standard error across training "
                "sets (4 declared for 15 depths)"
            ),
            evidence=[plot, table],
        )
    )


def _forest(run, seed: int, p: Sizes) -> None:
    r = rng(seed, "forest-sim")
    sims = []
    for rho in (0.0, 0.1, 0.3, 0.7):
        for T in (1, 5, 25, 100):
            v = simulate_mean_variance(1.0, rho, T, p.sims, r)
            f = mean_variance(1.0, rho, T)
            sims.append(SimulatedCell(rho, T, v, f, abs(v - f) / (f * np.sqrt(2 / (p.sims - 1)))))
    data_rng = rng(seed, "forest-data")
    X_test = sample(60, NOISE, data_rng)[0]
    base = child_seed(seed, "forest-trees")
    counter = iter(range(10**6))

    def fit(T):
        return lambda X, y: RandomForestRegressor(
            T, max_features=1, random_state=(base + next(counter)) % 2**31, n_jobs=1
        ).fit(X, y)

    draw = lambda: sample(300, NOISE, data_rng)  # noqa: E731
    est = tree_predictions(fit(10), draw, X_test, p.est_forests)
    val = tree_predictions(fit(max(FOREST_T)), draw, X_test, p.val_forests)
    sigma2, rho = estimate_sigma2_rho(est)

    def predicted(T, s2=sigma2, rh=rho):
        return float(mean_variance(s2, rh, T).mean())

    def observed(T, v=val):
        return float(v[:, :T].mean(1).var(0, ddof=1).mean())

    boot = rng(seed, "forest-boot")  # standard error of (predicted - observed) by resampling forests
    diffs = {T: [] for T in FOREST_T}
    for _ in range(200):
        e = est[boot.integers(0, len(est), len(est))]
        v = val[boot.integers(0, len(val), len(val))]
        s2b, rhob = estimate_sigma2_rho(e)
        for T in FOREST_T:
            diffs[T].append(predicted(T, s2b, rhob) - observed(T, v))
    rows = []
    for T in FOREST_T:
        pred, obs, se = predicted(T), observed(T), float(np.std(diffs[T]))
        rows.append(ForestPoint(T, pred, obs, se, abs(pred - obs) / se))
    tables = [
        run.write_table([asdict(s) for s in sims], "forest_variance_simulation.md"),
        run.write_table([asdict(r_) for r_ in rows], "forest_variance_rf.md"),
    ]
    fig, (a1, a2) = figure(11, 4, ncols=2)
    Ts = np.arange(1, 101)
    for rho_ in (0.0, 0.1, 0.3, 0.7):
        a1.plot(Ts, mean_variance(1.0, rho_, Ts), label=f"rho={rho_}")
        pts = [s for s in sims if s.rho == rho_]
        a1.plot([s.T for s in pts], [s.simulated for s in pts], "kx")
    a1.set(
        xscale="log",
        xlabel="T",
        ylabel="Var of the mean (sigma^2 = 1)",
        title="Formula (lines), simulation (x)",
    )
    a1.legend(fontsize=8)
    a2.plot(Ts, [predicted(T) for T in Ts], label="predicted from rho, sigma^2")
    a2.errorbar(
        [r_.T for r_ in rows],
        [r_.observed for r_ in rows],
        yerr=[2 * r_.se_of_difference for r_ in rows],
        fmt="o",
        label="observed (+-2 SE)",
    )
    a2.set(
        xscale="log",
        xlabel="trees T",
        ylabel="Var over training sets (mean over x)",
        title=f"Random forest: rho={rho.mean():.3f}, sigma^2={sigma2.mean():.3f}",
    )
    a2.legend(fontsize=8)
    plot = run.save_figure(fig, "forest_variance.png")
    measured = {
        "max_simulation_gap_in_se": max(s.gap_in_se for s in sims),
        "max_forest_gap_in_se": max(r_.gap_in_se for r_ in rows),
        "tree_correlation_rho": float(rho.mean()),
        "tree_variance_sigma2": float(sigma2.mean()),
        "forest_variance_t50_observed": observed(50),
        "forest_variance_t50_predicted": predicted(50),
        "variance_floor_rho_sigma2": float((rho * sigma2).mean()),
        "independent_trees_variance_t50": float(sigma2.mean() / 50),
    }
    for k, v in measured.items():
        run.metric(k, v, scope="forest_variance")
    run.add(
        Claim(
            id="AL-04",
            statement="The variance of an average of T estimators with variance sigma^2 and pairwise "
            "correlation rho is rho sigma^2 + (1 - rho) sigma^2 / T",
            measured=measured,
            # As first declared: the forest's variance stays above the floor rho sigma^2 (restored
            # after a re-declaration that followed failing seeds; make verify shows the spread).
            relations=[
                ("max_simulation_gap_in_se", "<", 4.0),
                ("max_forest_gap_in_se", "<", 3.0),
                ("forest_variance_t50_observed", ">", "variance_floor_rho_sigma2"),
                Relation(
                    "forest_variance_t50_observed", ">", "independent_trees_variance_t50", central=False
                ),
            ],
            unit="gap in standard errors / variance",
            note=(
                f"simulation: {len(sims)} (rho, T) cells of {p.sims} draws, gap in units of the sample "
                "variance's standard error sqrt(2/(n-1)); forest: rho and sigma^2 per test point from "
                f"{p.est_forests} forests of 10 trees (max_features=1, 300 points), predicting the "
                f"variance of {p.val_forests} independent forests of T = {FOREST_T} trees; the SE of "
                "predicted - observed is a bootstrap over forests (3 declared, 6 values of T). "
                "Averaging stops helping near rho sigma^2, far above the sigma^2 / T of independent trees"
            ),
            evidence=[plot, *tables],
        )
    )


@dataclass
class TreeDiffs:
    """Largest differences between our trees and xgboost's dumped ones, accumulated by ``_walk``."""

    structure_mismatches: int = 0
    max_leaf_abs_diff: float = 0.0
    max_threshold_abs_diff: float = 0.0
    max_gain_rel_diff: float = 0.0
    max_gain_diff_over_parent_score: float = 0.0


def _walk(ours, ref: dict, diffs: TreeDiffs, reg_lambda: float) -> None:
    """Compare our tree with xgboost's JSON dump node by node, updating ``diffs``."""
    if "leaf" in ref:
        diffs.structure_mismatches += ours.feature is not None
        diffs.max_leaf_abs_diff = max(diffs.max_leaf_abs_diff, abs(ours.value - ref["leaf"]))
        return
    if ours.feature is None or ours.feature != int(ref["split"][1:]):
        diffs.structure_mismatches += 1
        return
    diffs.max_threshold_abs_diff = max(
        diffs.max_threshold_abs_diff, abs(ours.threshold - ref["split_condition"])
    )
    err = abs(ours.gain - ref["gain"])
    diffs.max_gain_rel_diff = max(diffs.max_gain_rel_diff, err / abs(ref["gain"]))
    # the gain is a difference of terms as large as the parent's G^2/(H + lambda); float32
    # resolves it to ~1e-7 of that scale, not of the (possibly small) gain itself
    scale = max(ours.G**2 / (ours.H + reg_lambda), abs(ref["gain"]))
    diffs.max_gain_diff_over_parent_score = max(diffs.max_gain_diff_over_parent_score, err / scale)
    kids = {c["nodeid"]: c for c in ref["children"]}
    _walk(ours.left, kids[ref["yes"]], diffs, reg_lambda)
    _walk(ours.right, kids[ref["no"]], diffs, reg_lambda)


def _boosting(run, seed: int) -> None:
    r = rng(seed, "boosting")
    X = r.normal(size=(400, 4))
    y = (X[:, 0] + 0.5 * X[:, 1] ** 2 - 0.7 * X[:, 2] + 0.5 * r.normal(size=400) > 0.3).astype(float)
    diffs = TreeDiffs()
    configs = [
        (d, lam, gam, base)
        for d in (1, 2, 3)
        for lam in (0.0, 1.0, 5.0)
        for gam in (0.0, 5.0)
        for base in (0.5, 0.3)
    ]
    for depth, lam, gam, base in configs:
        params = {
            "objective": "binary:logistic",
            "max_depth": depth,
            "eta": 1.0,
            "reg_lambda": lam,
            "gamma": gam,
            "base_score": base,
            "tree_method": "exact",
            "min_child_weight": 1.0,
            "nthread": 1,
        }
        booster = xgb.train(params, xgb.DMatrix(X, label=y), num_boost_round=1)
        ref = json.loads(booster.get_dump(with_stats=True, dump_format="json")[0])
        g, h = logistic_grad_hess(y, np.full(len(y), np.log(base / (1 - base))))
        _walk(build_tree(X, g, h, depth, lam, gam), ref, diffs, lam)
    params = {
        "objective": "binary:logistic",
        "max_depth": 3,
        "eta": 0.3,
        "reg_lambda": 1.0,
        "base_score": 0.5,
        "tree_method": "exact",
        "nthread": 1,
    }
    booster = xgb.train(params, xgb.DMatrix(X, label=y), num_boost_round=10)
    ours = SecondOrderBooster(10, 3, 0.3, 1.0).fit(X, y)
    g, h = logistic_grad_hess(y, np.zeros(len(y)))
    root = build_tree(X, g, h, 1, 1.0)
    GL, HL, GR, HR = root.left.G, root.left.H, root.right.G, root.right.H
    paper = 0.5 * (GL**2 / (HL + 1) + GR**2 / (HR + 1) - (GL + GR) ** 2 / (HL + HR + 1))
    measured = {
        **{k: two_digits(v) for k, v in asdict(diffs).items()},
        "ten_round_max_prob_diff": two_digits(
            max_abs_diff(ours.predict_proba(X)[:, 1], booster.predict(xgb.DMatrix(X)))
        ),
        "xgb_dumped_gain_over_paper_gain": two_digits(root.gain / paper),
    }
    for k, v in measured.items():
        run.metric(k, v, scope="boosting")
    run.add(
        Claim(
            id="AL-05",
            statement="With g = p - y and h = p(1 - p) of the log-loss and Omega = gamma T + 1/2 lambda ||w||^2, "
            "the optimal leaf weight is -G/(H + lambda) and the split gain is 1/2[G_L^2/(H_L+lambda) "
            "+ G_R^2/(H_R+lambda) - G^2/(H+lambda)] - gamma; these reproduce xgboost's own trees",
            measured=measured,
            # Gains are judged at the scale of xgboost's float32 arithmetic (relative to the parent's
            # G^2/(H+lambda)). The first declared criterion, raw relative difference < 1e-5, asked
            # for more digits than float32 keeps for a small gain; it is still shown, as supporting.
            relations=[
                ("structure_mismatches", "<=", 0),
                ("max_leaf_abs_diff", "<", 1e-5),
                ("max_gain_diff_over_parent_score", "<", 1e-6),
                Relation("max_gain_rel_diff", "<", 1e-5, central=False),
                ("max_threshold_abs_diff", "<", 1e-5),
                ("ten_round_max_prob_diff", "<", 1e-4),
            ],
            unit="absolute / relative differences",
            note=(
                f"{len(configs)} first trees (depth 1-3, lambda 0/1/5, gamma 0/5, base_score 0.5/0.3, eta 1, "
                "exact method, 400 rows) plus a 10-round eta 0.3 model. xgboost's dumped 'gain' is the "
                "bracket without the 1/2 and without gamma (measured ratio "
                f"{measured['xgb_dumped_gain_over_paper_gain']:.4f} to the paper's gain with gamma 0), and it "
                "prunes a split when that number is below gamma, after growing (bottom-up), which our "
                "builder does too. Differences come from xgboost's float32: a small gain is a difference of "
                "much larger terms, so its raw relative difference reaches "
                f"{measured['max_gain_rel_diff']:.2g}; gains are judged relative to the parent's "
                "G^2/(H+lambda), the scale float32 works at. This criterion replaced the first declared "
                "one (raw relative differences < 1e-5) after that failed: the reason is the reference's "
                "float32 resolution, not sampling noise, and the raw figure stays in the ledger"
            ),
            evidence=[],
        )
    )


def run(run, cfg) -> None:
    p = PROFILE.get(cfg.profile, PROFILE["quick"])
    _bias_variance(run, cfg.seed, p)
    _forest(run, cfg.seed, p)
    _boosting(run, cfg.seed)
