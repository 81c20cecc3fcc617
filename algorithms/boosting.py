"""Second-order gradient boosting (the XGBoost objective) with an exact greedy tree builder.

Objective at round t, Taylor-expanded to second order around the current margins F:
    Obj = sum_i [ g_i f(x_i) + 1/2 h_i f(x_i)^2 ] + Omega(f),   Omega(f) = gamma T + 1/2 lambda ||w||^2
For logistic loss with p = sigmoid(F), y in {0, 1}:
    g_i = p_i - y_i,   h_i = p_i (1 - p_i)
A tree puts weight w_j on leaf j; with G_j = sum_{i in j} g_i and H_j likewise,
    Obj = sum_j [ G_j w_j + 1/2 (H_j + lambda) w_j^2 ] + gamma T
    w_j* = -G_j / (H_j + lambda),      Obj* = -1/2 sum_j G_j^2 / (H_j + lambda) + gamma T
Splitting a node into L and R lowers Obj* by
    gain = 1/2 [ G_L^2/(H_L + lambda) + G_R^2/(H_R + lambda) - (G_L + G_R)^2/(H_L + H_R + lambda) ] - gamma

Exact greedy: for each feature, sort the node's rows, sweep the prefix sums (G_L, H_L) over
every boundary between distinct values, and keep the best gain; split at the midpoint.

What xgboost itself reports (checked by the tests): its ``gain`` in a dumped tree is the
bracket WITHOUT the 1/2 and without gamma, i.e. 2 * (gain + gamma); it prunes a split
when that number is below gamma, so its effective rule is "bracket < gamma", not
"1/2 bracket < gamma". ``xgb_gain`` returns the number xgboost prints. Leaves it prints
are eta * w*. Children also need H >= min_child_weight.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from algorithms.numerics import sigmoid


def logistic_grad_hess(y: np.ndarray, margin: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """g = p - y and h = p (1 - p) of the log-loss at margins F, shapes (n,)."""
    p = sigmoid(margin)
    return p - y, p * (1.0 - p)


def leaf_weight(G: float, H: float, reg_lambda: float) -> float:
    """w* = -G / (H + lambda)."""
    return -G / (H + reg_lambda)


def split_gain(GL, HL, GR, HR, reg_lambda: float, gamma: float = 0.0):
    """Paper's gain: 1/2 [GL^2/(HL+l) + GR^2/(HR+l) - (GL+GR)^2/(HL+HR+l)] - gamma."""
    return 0.5 * xgb_gain(GL, HL, GR, HR, reg_lambda) - gamma


def xgb_gain(GL, HL, GR, HR, reg_lambda: float):
    """The loss change xgboost dumps: the bracket of ``split_gain`` (no 1/2, no gamma)."""
    return GL**2 / (HL + reg_lambda) + GR**2 / (HR + reg_lambda) - (GL + GR) ** 2 / (HL + HR + reg_lambda)


@dataclass
class Node:
    """A leaf (``feature is None``, ``value`` = eta * w*) or a split on x[feature] < threshold."""

    G: float
    H: float
    value: float = 0.0
    feature: int | None = None
    threshold: float = 0.0
    gain: float = 0.0  # xgboost's convention (see module docstring)
    left: Node | None = None
    right: Node | None = None


def best_split(
    X: np.ndarray, g: np.ndarray, h: np.ndarray, reg_lambda: float, min_child_weight: float
) -> tuple[float, int, float]:
    """Exact greedy search; returns (xgb_gain, feature, threshold), gain -inf if none is valid."""
    G, H = g.sum(), h.sum()
    best = (-np.inf, -1, 0.0)
    for f in range(X.shape[1]):
        order = np.argsort(X[:, f], kind="stable")
        x = X[order, f]
        GL, HL = np.cumsum(g[order])[:-1], np.cumsum(h[order])[:-1]
        ok = (x[1:] > x[:-1]) & (HL >= min_child_weight) & (H - HL >= min_child_weight)
        if not ok.any():
            continue
        gains = np.where(ok, xgb_gain(GL, HL, G - GL, H - HL, reg_lambda), -np.inf)
        k = int(np.argmax(gains))
        if gains[k] > best[0]:
            a, b = float(x[k]), float(x[k + 1])
            mid = (a + b) / 2  # for adjacent floats this rounds onto a, which x < mid would send right
            best = (float(gains[k]), f, mid if mid > a else b)
    return best


def grow_tree(
    X,
    g,
    h,
    max_depth: int,
    reg_lambda: float = 1.0,
    eta: float = 1.0,
    min_child_weight: float = 1.0,
    depth: int = 0,
) -> Node:
    """Grow greedily to ``max_depth``, splitting wherever some split has a positive gain."""
    G, H = float(g.sum()), float(h.sum())
    node = Node(G=G, H=H, value=eta * leaf_weight(G, H, reg_lambda))
    if depth >= max_depth or len(g) < 2:
        return node
    gain, f, thr = best_split(X, g, h, reg_lambda, min_child_weight)
    if f < 0 or gain <= 1e-6:
        return node
    mask = X[:, f] < thr
    node.feature, node.threshold, node.gain = f, thr, gain
    node.left, node.right = (
        grow_tree(X[m], g[m], h[m], max_depth, reg_lambda, eta, min_child_weight, depth + 1)
        for m in (mask, ~mask)
    )
    return node


def prune(node: Node, gamma: float) -> Node:
    """Bottom-up: a split whose children are both leaves and whose gain < gamma becomes a leaf.

    Post-pruning (as xgboost does) keeps a weak split whose subtree contains a strong one;
    pruning while growing would have cut it.
    """
    if node.feature is None:
        return node
    node.left, node.right = prune(node.left, gamma), prune(node.right, gamma)
    if node.left.feature is None and node.right.feature is None and node.gain < gamma:
        node.feature, node.left, node.right, node.gain = None, None, None, 0.0
    return node


def build_tree(
    X,
    g,
    h,
    max_depth: int,
    reg_lambda: float = 1.0,
    gamma: float = 0.0,
    eta: float = 1.0,
    min_child_weight: float = 1.0,
) -> Node:
    """One boosting tree: exact greedy growth, then gamma pruning."""
    return prune(grow_tree(X, g, h, max_depth, reg_lambda, eta, min_child_weight), gamma)


def predict_tree(node: Node, X: np.ndarray) -> np.ndarray:
    """Leaf value for each row, shape (n,)."""
    out = np.empty(len(X))
    stack = [(node, np.arange(len(X)))]
    while stack:
        nd, idx = stack.pop()
        if nd.feature is None:
            out[idx] = nd.value
            continue
        go_left = X[idx, nd.feature] < nd.threshold
        stack += [(nd.left, idx[go_left]), (nd.right, idx[~go_left])]
    return out


class SecondOrderBooster(ClassifierMixin, BaseEstimator):
    """Binary log-loss boosting with second-order trees, a scikit-learn classifier.

    Parameters
    ----------
    n_estimators, max_depth, learning_rate (eta), reg_lambda, gamma, min_child_weight
        As in xgboost.
    base_score : float
        Initial probability; the initial margin is logit(base_score).

    Attributes
    ----------
    classes_ : ndarray [0, 1]       the log-loss labels
    base_margin_ : float            logit(base_score)
    trees_ : list of Node
    n_features_in_ : int
    """

    def __init__(
        self,
        n_estimators: int = 10,
        max_depth: int = 3,
        learning_rate: float = 0.3,
        reg_lambda: float = 1.0,
        gamma: float = 0.0,
        min_child_weight: float = 1.0,
        base_score: float = 0.5,
    ):
        self.n_estimators = n_estimators
        self.max_depth = max_depth
        self.learning_rate = learning_rate
        self.reg_lambda = reg_lambda
        self.gamma = gamma
        self.min_child_weight = min_child_weight
        self.base_score = base_score

    def fit(self, X, y) -> SecondOrderBooster:
        X, y = np.asarray(X, float), np.asarray(y, float)
        if X.ndim != 2 or len(X) != len(y):
            raise ValueError(f"X must be 2-D with one row per label: X {X.shape}, y {y.shape}")
        if not (np.isfinite(X).all() and np.isfinite(y).all()):
            raise ValueError("X and y must be finite (no NaN or inf)")
        if not np.isin(y, (0, 1)).all():
            raise ValueError(f"y must hold only 0 and 1 for log-loss, got {np.unique(y)[:5]}")
        if not 0 < self.base_score < 1:
            raise ValueError(f"base_score must be a probability in (0, 1), got {self.base_score}")
        if self.reg_lambda < 0:
            raise ValueError(f"reg_lambda must be >= 0, got {self.reg_lambda}")
        self.classes_, self.n_features_in_ = np.array([0, 1]), X.shape[1]
        self.base_margin_ = float(np.log(self.base_score / (1 - self.base_score)))
        margin = np.full(len(y), self.base_margin_)
        self.trees_ = []
        for _ in range(self.n_estimators):
            g, h = logistic_grad_hess(y, margin)
            tree = build_tree(
                X,
                g,
                h,
                self.max_depth,
                self.reg_lambda,
                self.gamma,
                self.learning_rate,
                self.min_child_weight,
            )
            self.trees_.append(tree)
            margin += predict_tree(tree, X)
        return self

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False  # the log-loss of one margin per row
        return tags

    def decision_function(self, X) -> np.ndarray:
        """Margin F(x) = logit(base_score) + sum of the trees' leaf values, shape (n,)."""
        check_is_fitted(self)
        X = np.asarray(X, float)
        # start from zeros: with no trees (n_estimators=0) the margin is still one value per row
        return self.base_margin_ + sum((predict_tree(t, X) for t in self.trees_), np.zeros(len(X)))

    def predict_proba(self, X) -> np.ndarray:
        p = sigmoid(self.decision_function(X))
        return np.c_[1 - p, p]

    def predict(self, X) -> np.ndarray:
        """1 where the margin is positive (p > 1/2), else 0."""
        return (self.decision_function(X) > 0).astype(int)
