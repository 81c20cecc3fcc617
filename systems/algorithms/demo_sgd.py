"""AL-01: SGD with momentum for linear regression, and where "O(1/t) -> O(1/t^2)" holds.

Four measurements (algorithms/sgd.py):

1. gradient check: (1/m) X^T (Xw - y) vs central differences;
2. the optimum: full-batch momentum and mini-batch SGD vs numpy lstsq, with
   scikit-learn's SGDRegressor on the same data for comparison;
3. ill-conditioning: epochs of mini-batch SGD to cut the loss 10^6-fold, plain vs heavy
   ball, on consistent data (y = X w exactly, so mini-batch noise vanishes at the optimum
   and both can reach the target) with feature scales 10 and 0.3 (condition number ~1100);
4. rates: exact gradients on a convex quadratic whose curvatures spread log-uniformly over
   [1e-10, 1] (no strong convexity visible within 10^4 steps; generator in
   ``weak_quadratic``), log-log slopes of f - f* for GD, heavy ball (constant mu) and
   Nesterov (mu_t = (t-1)/(t+2)); then the same least-squares problem with mini-batch
   gradients and label noise.
Also shown: the story's comment convention ("v = mu v + lr g; w = w + v") climbs the loss.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from sklearn.linear_model import SGDRegressor

from algorithms.scaling import loglog_slope
from algorithms.sgd import (
    MomentumSGDRegressor,
    accelerated_gradient,
    mse_gradient,
    mse_loss,
)
from systems.algorithms.figures import max_abs_diff, rel_error, two_digits
from systems.core.ledger import Claim, Relation, Tolerance
from systems.core.plotting import figure
from systems.core.seeding import rng

# Source: seed 001, phone-screen question 2, "Convergence properties": momentum improves
# the convergence speed "from O(1/t) to O(1/t^2)" for convex problems. As exponents of t.
CLAIMED = {"gd_loglog_slope": -1.0, "nesterov_loglog_slope": -2.0}
# Declared before measuring: a fitted exponent within 0.25 of the claimed one.
SLOPE_TOL = 0.25
STEPS = {"quick": 10_000, "full": 30_000}
DIM = 200


def weak_quadratic(seed: int, d: int = DIM, n: int = 4000, noise: float = 0.5):
    """Least squares whose Hessian X^T X / n has eigenvalues log-spaced over [1e-10, 1].

    Shaped on purpose: equal error in every eigen-direction with log-spaced curvatures
    makes GD's f - f* decay like 1/t (and Nesterov's like 1/t^2) over 1 << t << 1e5,
    the regime the bounds describe. X = sqrt(n) U diag(sqrt(lambda)) Q^T with orthonormal
    U, Q; y = X w_true + e with the label noise e projected off the column space of X,
    so the least-squares solution is exactly w_true = Q 1 (equal error per eigen-direction
    from w = 0; noise inside the column space would put ~noise/sqrt(n lambda) of error on
    the flattest directions and hide both rates) while single rows still disagree, so
    mini-batch gradients stay noisy at the optimum.
    """
    r = rng(seed, "sgd-weak-quadratic")
    lam = np.logspace(0, -10, d)
    U = np.linalg.qr(r.normal(size=(n, d)))[0]
    Q = np.linalg.qr(r.normal(size=(d, d)))[0]
    X = np.sqrt(n) * (U * np.sqrt(lam)) @ Q.T
    e = noise * r.normal(size=n)
    e -= U @ (U.T @ e)
    return X, X @ (Q @ np.ones(d)) + e


@dataclass(frozen=True)
class OptimumDistances:
    """Largest |coefficient - lstsq coefficient| of each solver (intercept included)."""

    full_batch_max_abs_diff_vs_lstsq: float
    minibatch_max_abs_diff_vs_lstsq: float
    sklearn_sgd_max_abs_diff_vs_lstsq: float


@dataclass(frozen=True)
class EpochsToTarget:
    """Epochs of mini-batch SGD to cut the loss 10^6-fold (max_epochs + 1 if never)."""

    plain_epochs_to_1e6_drop: float
    heavy_ball_epochs_to_1e6_drop: float


@dataclass(frozen=True)
class RateFits:
    """Log-log slopes of f(w_t) - f* and the largest ratio of each curve to its bound."""

    gd_loglog_slope: float
    nesterov_loglog_slope: float
    heavy_ball_loglog_slope: float
    heavy_ball_late_slope: float
    nesterov_late_slope: float
    gd_minibatch_late_slope: float
    nesterov_minibatch_late_slope: float
    nesterov_minibatch_final_gap: float
    nesterov_exact_final_gap: float
    gd_bound_max_ratio: float
    nesterov_bound_max_ratio: float


def _gradient_check(seed: int) -> float:
    r = rng(seed, "sgd-gradcheck")
    X, y, w = r.normal(size=(30, 5)), r.normal(size=30), r.normal(size=5)
    h = 1e-6
    fd = np.array([(mse_loss(w + h * e, X, y) - mse_loss(w - h * e, X, y)) / (2 * h) for e in np.eye(5)])
    g = mse_gradient(w, X, y)
    return two_digits(rel_error(fd, g))


def _optimum(seed: int) -> OptimumDistances:
    r = rng(seed, "sgd-optimum")
    X = r.normal(size=(1000, 5))
    y = X @ r.normal(size=5) + 0.5 + 0.3 * r.normal(size=1000)
    best = np.linalg.lstsq(np.c_[X, np.ones(len(X))], y, rcond=None)[0]
    full = MomentumSGDRegressor(0.1, 0.5, batch_size=None, max_epochs=3000, tol=1e-12).fit(X, y)
    mini = MomentumSGDRegressor(0.01, 0.9, batch_size=32, max_epochs=50, random_state=seed).fit(X, y)
    ref = SGDRegressor(
        penalty=None, learning_rate="invscaling", eta0=0.01, max_iter=200, tol=None, random_state=seed
    ).fit(X, y)

    def dist(m):
        return max_abs_diff(np.r_[m.coef_, np.ravel(m.intercept_)], best)

    return OptimumDistances(
        full_batch_max_abs_diff_vs_lstsq=two_digits(dist(full)),
        minibatch_max_abs_diff_vs_lstsq=dist(mini),
        sklearn_sgd_max_abs_diff_vs_lstsq=dist(ref),
    )


def _ill_conditioned(seed: int) -> tuple[EpochsToTarget, dict[str, list[float]]]:
    r = rng(seed, "sgd-ill-conditioned")
    X = r.normal(size=(2000, 2)) * np.array([10.0, 0.3])
    y = X @ np.array([1.0, -2.0])
    target = 1e-6 * mse_loss(np.zeros(2), X, y)
    epochs, hist = {}, {}
    for name, method, mu in (("plain", "plain", 0.0), ("heavy_ball", "heavy_ball", 0.9)):
        m = MomentumSGDRegressor(
            0.002, mu, method, batch_size=32, max_epochs=500, fit_intercept=False, random_state=seed
        ).fit(X, y)
        h = np.array(m.loss_history_)
        # not reaching the target within max_epochs counts as max_epochs + 1 (a lower bound)
        epochs[name] = float(np.argmax(h <= target)) if (h <= target).any() else len(h)
        hist[name] = list(h)
    return EpochsToTarget(epochs["plain"], epochs["heavy_ball"]), hist


def _comment_convention(seed: int, steps: int = 30) -> float:
    """Loss ratio after ``steps`` of the story's comment: v = mu v + lr g; w = w + v."""
    r = rng(seed, "sgd-sign")
    X = r.normal(size=(200, 3))
    y = X @ np.ones(3)
    w, v = np.zeros(3), np.zeros(3)
    for _ in range(steps):
        v = 0.9 * v + 0.01 * mse_gradient(w, X, y)
        w = w + v
    return mse_loss(w, X, y) / mse_loss(np.zeros(3), X, y)


def _rates(seed: int, T: int) -> tuple[RateFits, dict[str, np.ndarray]]:
    X, y = weak_quadratic(seed)
    n = len(y)
    A = X.T @ X / n
    w_hat = np.linalg.lstsq(X, y, rcond=None)[0]

    def gap(w):  # f(w) - f* for the quadratic, O(d^2) instead of O(n d)
        e = w - w_hat
        return 0.5 * e @ A @ e

    def exact(w):
        return A @ (w - w_hat)

    r = rng(seed, "sgd-minibatch")

    def noisy(w, m=64):
        rows = r.integers(0, n, m)
        return mse_gradient(w, X[rows], y[rows])

    w0 = np.zeros(DIM)
    curves = {
        "gd": accelerated_gradient(exact, w0, 1.0, T, "plain", loss=gap),
        "heavy_ball": accelerated_gradient(exact, w0, 1.0, T, "heavy_ball", 0.9, loss=gap),
        "nesterov": accelerated_gradient(exact, w0, 1.0, T, "nesterov", loss=gap),
        "gd_minibatch": accelerated_gradient(noisy, w0, 0.5, T, "plain", loss=gap),
        "nesterov_minibatch": accelerated_gradient(noisy, w0, 0.5, T, "nesterov", loss=gap),
    }
    ts = np.unique(np.geomspace(10, T, 30).astype(int))
    late = ts[ts >= T // 10]
    r2 = float(w_hat @ w_hat)
    t = np.arange(1, T + 1)
    fits = RateFits(
        gd_loglog_slope=loglog_slope(ts, curves["gd"][ts]),
        nesterov_loglog_slope=loglog_slope(ts, curves["nesterov"][ts]),
        heavy_ball_loglog_slope=loglog_slope(ts, curves["heavy_ball"][ts]),
        heavy_ball_late_slope=loglog_slope(late, curves["heavy_ball"][late]),
        nesterov_late_slope=loglog_slope(late, curves["nesterov"][late]),
        gd_minibatch_late_slope=loglog_slope(late, curves["gd_minibatch"][late]),
        nesterov_minibatch_late_slope=loglog_slope(late, curves["nesterov_minibatch"][late]),
        nesterov_minibatch_final_gap=float(curves["nesterov_minibatch"][-1]),
        nesterov_exact_final_gap=float(curves["nesterov"][-1]),
        gd_bound_max_ratio=float(np.max(curves["gd"][1:] / (r2 / (2 * t)))),
        nesterov_bound_max_ratio=float(np.max(curves["nesterov"][1:] / (2 * r2 / (t + 1) ** 2))),
    )
    curves["bound_gd"] = np.r_[np.nan, r2 / (2 * t)]
    curves["bound_nesterov"] = np.r_[np.nan, 2 * r2 / (t + 1) ** 2]
    return fits, curves


def _plot(run, curves, hist, m):
    fig, (a1, a2, a3) = figure(16, 4.4, ncols=3)
    t = np.arange(len(curves["gd"]))
    for key, label, style in (
        ("gd", f"GD (slope {m['gd_loglog_slope']:.2f})", "-"),
        ("heavy_ball", f"heavy ball mu=0.9 ({m['heavy_ball_loglog_slope']:.2f})", "-"),
        ("nesterov", f"Nesterov (slope {m['nesterov_loglog_slope']:.2f})", "-"),
        ("bound_gd", "bound R^2/(2t)", ":"),
        ("bound_nesterov", "bound 2R^2/(t+1)^2", ":"),
    ):
        a1.loglog(t[1:], curves[key][1:], style, label=label)
    a1.set(xlabel="step t", ylabel="f(w_t) - f*", title="Exact gradients (lr = 1/L)")
    for key, label in (
        ("gd_minibatch", "GD, mini-batch 64"),
        ("nesterov_minibatch", "Nesterov, mini-batch 64"),
        ("nesterov", "Nesterov, exact"),
    ):
        a2.loglog(t[1:], curves[key][1:], label=label)
    a2.set(xlabel="step t", ylabel="f(w_t) - f*", title="Noisy gradients stall (lr = 1/(2L))")
    for name, h in hist.items():
        a3.semilogy(h, label=name.replace("_", " "))
    a3.set(xlabel="epoch", ylabel="loss", title="Ill-conditioned least squares, mini-batch 32")
    for ax in (a1, a2, a3):
        ax.legend(fontsize=7)
        ax.grid(True, which="both", alpha=0.3)
    return run.save_figure(fig, "sgd_rates.png")


def run(run, cfg) -> None:
    T = STEPS.get(cfg.profile, STEPS["quick"])
    rates, curves = _rates(cfg.seed, T)
    ill, hist = _ill_conditioned(cfg.seed)
    measured = {
        **asdict(rates),
        **asdict(ill),
        **asdict(_optimum(cfg.seed)),
        "gradient_rel_error_vs_fd": _gradient_check(cfg.seed),
        "comment_convention_loss_ratio_after_30_steps": _comment_convention(cfg.seed),
    }
    for name, value in measured.items():
        run.metric(name, value, scope="sgd")
    plot = _plot(run, curves, hist, measured)
    run.add(
        Claim(
            id="AL-01",
            statement="Momentum SGD for linear regression reaches the least-squares optimum, needs fewer "
            "epochs than plain SGD on an ill-conditioned problem, and acceleration improves the "
            "convex rate from O(1/t) to O(1/t^2)",
            claimed=CLAIMED,
            measured=measured,
            tolerance=Tolerance(abs=SLOPE_TOL),
            # The story's method is heavy-ball momentum with a constant mu; its rate claim is
            # central. The GD and Nesterov slopes show where O(1/t) and O(1/t^2) do hold: they
            # support the explanation but cannot stand in for the story's method.
            supporting=tuple(CLAIMED),
            relations=[
                ("gradient_rel_error_vs_fd", "<", 1e-6),
                ("full_batch_max_abs_diff_vs_lstsq", "<", 1e-6),
                ("heavy_ball_epochs_to_1e6_drop", "<", "plain_epochs_to_1e6_drop"),
                ("heavy_ball_late_slope", "<=", CLAIMED["nesterov_loglog_slope"] + SLOPE_TOL),
                Relation("gd_bound_max_ratio", "<=", 1.0, central=False),
                Relation("nesterov_bound_max_ratio", "<=", 1.0, central=False),
            ],
            unit="exponent of t in f(w_t) - f* ~ t^k",
            note=(
                "the O(1/t^2) rate is Nesterov's method with exact gradients and mu_t = (t-1)/(t+2); "
                f"heavy ball with a constant mu=0.9 fits slope {rates.heavy_ball_loglog_slope:.2f} on the "
                f"same problem (late window t >= T/10: {rates.heavy_ball_late_slope:.2f}, Nesterov "
                f"{rates.nesterov_late_slope:.2f}) and has no O(1/t^2) guarantee; with mini-batch gradients "
                f"(batch 64) the late slopes are GD {rates.gd_minibatch_late_slope:.2f}, Nesterov "
                f"{rates.nesterov_minibatch_late_slope:.2f} - both stall at a noise floor and no rate "
                "holds. Slopes fitted over t = 10..T on a quadratic with curvatures log-spaced in "
                "[1e-10, 1] (shaped to show the sublinear regime). The story's comment (v = mu v + lr g; "
                "w = w + v) has the opposite sign to its code: followed literally it multiplies the loss by "
                f"{measured['comment_convention_loss_ratio_after_30_steps']:.3g} in 30 steps "
                "(lr 0.01, mu 0.9)"
            ),
            evidence=[plot],
        )
    )
