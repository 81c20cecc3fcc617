"""Bias-variance decomposition of squared error, tree depth, and cost-complexity pruning.

Data y = f(x) + eps, E[eps] = 0, Var[eps] = s^2, with f and s known. A model trained on a
random training set D predicts h_D(x). At a fixed x, over D and a fresh noisy y:

    E[(y - h_D(x))^2] = s^2 + (f(x) - E_D h_D(x))^2 + E_D (h_D(x) - E_D h_D(x))^2
                      = noise + bias^2(x)    + variance(x)

(the cross terms vanish because eps is independent of D and has mean 0). Averaging
over test points x gives the curves. ``decompose`` estimates each term from R training
sets drawn FRESH from the generator (the definition); ``training_sets="bootstrap"``
instead resamples one training set, which is what one can do with real data, and
measures the variance of the bagging distribution (not of D itself).

Trees: a binary tree of depth d has at most 2^d leaves (each level at most doubles
them). Deeper trees fit D more closely: bias^2 falls, variance rises.

Cost-complexity pruning: for alpha >= 0, the subtree T of the full tree minimising
    R_alpha(T) = sum_{leaves t} R(t) + alpha |T|
(R(t) = the leaf's share of the training error, n_t/n * impurity) is nested in alpha;
scikit-learn's ``cost_complexity_pruning_path`` lists the alphas where it changes.
We choose alpha by K-fold cross-validation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sklearn.model_selection import KFold, cross_val_score
from sklearn.tree import DecisionTreeRegressor


@dataclass(frozen=True)
class Decomposition:
    """The three terms averaged over test points, their sum, and the test MSE measured directly."""

    bias2: float
    variance: float
    noise: float
    sum: float  # bias2 + variance + noise
    mse: float  # mean of (y_fresh - h_D(x))^2, new noise per round
    mse_se: float  # standard error of mse over rounds: the sampling error to compare sum against


def true_function(x: np.ndarray) -> np.ndarray:
    """f(x) = sin(3 x_0) + 0.5 x_1^2 - x_0 x_1, smooth and non-axis-aligned, so trees of
    every depth have some bias (chosen to make the trade-off visible)."""
    x = np.atleast_2d(x)
    return np.sin(3 * x[:, 0]) + 0.5 * x[:, 1] ** 2 - x[:, 0] * x[:, 1]


def sample(
    n: int, noise_sd: float, rng: np.random.Generator, f: Callable[[np.ndarray], np.ndarray] = true_function
) -> tuple[np.ndarray, np.ndarray]:
    """x ~ Uniform([-1.5, 1.5]^2), y = f(x) + N(0, noise_sd^2); shapes (n, 2) and (n,)."""
    X = rng.uniform(-1.5, 1.5, size=(n, 2))
    return X, f(X) + noise_sd * rng.normal(size=n)


def decompose(
    make_model: Callable[[], object],
    n_train: int,
    n_rounds: int,
    X_test: np.ndarray,
    noise_sd: float,
    rng: np.random.Generator,
    f=true_function,
    training_sets: str = "fresh",
) -> Decomposition:
    """Estimate bias^2, variance, noise and the directly measured test MSE (see ``Decomposition``)."""
    if n_rounds < 2:
        raise ValueError(f"n_rounds must be >= 2 to estimate a variance, got {n_rounds}")
    if training_sets not in ("fresh", "bootstrap"):
        raise ValueError(f"training_sets must be 'fresh' or 'bootstrap', got {training_sets!r}")
    f_test = f(X_test)
    preds = np.empty((n_rounds, len(X_test)))
    sq_err = np.empty(n_rounds)
    base = sample(n_train, noise_sd, rng, f) if training_sets == "bootstrap" else None
    for r in range(n_rounds):
        if base is None:
            X, y = sample(n_train, noise_sd, rng, f)
        else:
            idx = rng.integers(0, n_train, n_train)
            X, y = base[0][idx], base[1][idx]
        preds[r] = make_model().fit(X, y).predict(X_test)
        y_test = f_test + noise_sd * rng.normal(size=len(X_test))
        sq_err[r] = np.mean((y_test - preds[r]) ** 2)
    variance = float(np.mean(preds.var(0, ddof=1)))
    # (f - mean of R predictions)^2 overstates bias^2 by variance / R on average
    bias2 = float(np.mean((f_test - preds.mean(0)) ** 2)) - variance / n_rounds
    noise = noise_sd**2
    return Decomposition(
        bias2=bias2,
        variance=variance,
        noise=noise,
        sum=bias2 + variance + noise,
        mse=float(sq_err.mean()),
        mse_se=float(sq_err.std(ddof=1) / np.sqrt(n_rounds)),
    )


def depth_curve(
    depths, n_train: int, n_rounds: int, X_test: np.ndarray, noise_sd: float, seed: int
) -> dict[int, Decomposition]:
    """``decompose`` for DecisionTreeRegressor(max_depth=d), by depth."""
    curve = {}
    for d in depths:
        rng = np.random.default_rng([seed, d])
        row = decompose(
            lambda d=d: DecisionTreeRegressor(max_depth=d, random_state=0),
            n_train,
            n_rounds,
            X_test,
            noise_sd,
            rng,
        )
        curve[int(d)] = row
    return curve


def leaf_risk(tree: DecisionTreeRegressor) -> float:
    """sum over leaves of R(t) = (n_t / n) * impurity(t): the training MSE of the tree."""
    t = tree.tree_
    leaves = t.children_left == -1
    w = t.weighted_n_node_samples
    return float((w[leaves] * t.impurity[leaves]).sum() / w[0])


def choose_ccp_alpha(X, y, n_splits: int = 5, seed: int = 0) -> tuple[float, np.ndarray, np.ndarray]:
    """CV over scikit-learn's pruning path; returns (best alpha, alphas, mean CV MSE per alpha)."""
    path = DecisionTreeRegressor(random_state=0).cost_complexity_pruning_path(X, y)
    alphas = path.ccp_alphas[:-1]  # the last alpha prunes to the root
    if len(alphas) > 40:  # the path can hold one alpha per leaf; a log-spaced subset suffices
        alphas = alphas[np.unique(np.geomspace(1, len(alphas), 40).astype(int) - 1)]
    cv = KFold(n_splits, shuffle=True, random_state=seed)
    mse = np.array(
        [
            -cross_val_score(
                DecisionTreeRegressor(ccp_alpha=a, random_state=0),
                X,
                y,
                cv=cv,
                scoring="neg_mean_squared_error",
            ).mean()
            for a in alphas
        ]
    )
    return float(alphas[int(np.argmin(mse))]), alphas, mse
