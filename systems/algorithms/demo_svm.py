"""AL-02: the SVM dual solved by SMO, against libsvm; Mercer's condition; XOR.

For each dataset x kernel (features standardised, C = 1, both solvers at tol 1e-6):
decision functions, support sets and dual objectives of algorithms/svm.py vs
scikit-learn's SVC (libsvm), and the largest KKT violation of our solution. Then the
smallest Gram eigenvalue per kernel (sigmoid can go negative), and XOR with RBF vs linear.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from sklearn.datasets import make_blobs, make_classification, make_moons
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from algorithms.kernels import kernel_matrix, min_eigenvalue, sigmoid_counterexample
from algorithms.svm import SMOClassifier, kkt_violations
from systems.algorithms.figures import max_abs_diff, two_digits
from systems.core.ledger import Claim
from systems.core.plotting import figure
from systems.core.seeding import child_seed, rng

KERNELS = {
    "linear": {"kernel": "linear"},
    "poly": {"kernel": "poly", "gamma": 0.5, "degree": 3, "coef0": 1.0},
    "rbf": {"kernel": "rbf", "gamma": 1.0},
}
SIZES = {"quick": 200, "full": 1000}
TOL = 1e-6


def _datasets(seed: int, n: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    s = child_seed(seed, "svm-data") % 2**31
    raw = {
        "moons": make_moons(n, noise=0.3, random_state=s),
        "blobs": make_blobs(n, centers=2, cluster_std=2.5, random_state=s),
        "classification": make_classification(n, n_features=6, n_informative=3, flip_y=0.05, random_state=s),
    }
    return {k: (StandardScaler().fit_transform(X), y) for k, (X, y) in raw.items()}


def xor_data(seed: int, n: int = 200) -> tuple[np.ndarray, np.ndarray]:
    """Four quadrants labelled by sign(x0 * x1), with a 0.1 gap around the axes (shaped so
    that a separating surface exists; no line can separate it)."""
    X = rng(seed, "svm-xor").uniform(-1, 1, size=(4 * n, 2))
    X = X[np.abs(X).min(axis=1) > 0.1][:n]
    return X, np.where(X[:, 0] * X[:, 1] > 0, 1, -1)


@dataclass(frozen=True)
class SolverComparison:
    """Our SMO against libsvm on one dataset and kernel (both at tol ``TOL``)."""

    max_abs_decision_diff: float
    support_set_mismatches: int
    n_support: int
    dual_objective_rel_diff: float
    max_kkt_violation: float
    smo_iterations: int


def _compare(X, y, params) -> SolverComparison:
    ours = SMOClassifier(C=1.0, tol=TOL, **params).fit(X, y)
    ref = SVC(C=1.0, tol=TOL, **params).fit(X, y)
    beta = ref.dual_coef_[0]
    ref_obj = (
        np.abs(beta).sum()
        - 0.5 * beta @ kernel_matrix(ref.support_vectors_, ref.support_vectors_, **params) @ beta
    )
    ys = np.where(y == ours.classes_[1], 1.0, -1.0)
    kkt = kkt_violations(ours.alpha_, ys, ys * ours.decision_function(X), 1.0)
    return SolverComparison(
        max_abs_decision_diff=max_abs_diff(ours.decision_function(X), ref.decision_function(X)),
        support_set_mismatches=len(set(ours.support_) ^ set(ref.support_)),
        n_support=len(ours.support_),
        dual_objective_rel_diff=abs(ours.dual_objective_ - ref_obj) / abs(ref_obj),
        max_kkt_violation=kkt.worst(),
        smo_iterations=ours.n_iter_,
    )


def _boundary(ax, model, X, y, title):
    g = np.linspace(X.min() - 0.3, X.max() + 0.3, 200)
    xx, yy = np.meshgrid(g, g)
    z = model.decision_function(np.c_[xx.ravel(), yy.ravel()]).reshape(xx.shape)
    ax.contourf(xx, yy, z, levels=[-1e9, 0, 1e9], colors=["#c6dbef", "#f4c7c3"], alpha=0.6)
    ax.contour(xx, yy, z, levels=[-1, 0, 1], colors="k", linestyles=[":", "-", ":"], linewidths=1)
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap="coolwarm", s=10)
    sv = model.support_vectors_
    ax.scatter(sv[:, 0], sv[:, 1], facecolors="none", edgecolors="k", s=30, linewidths=0.6)
    ax.set_title(title, fontsize=9)


def run(run, cfg) -> None:
    n = SIZES.get(cfg.profile, SIZES["quick"])
    comparisons = {
        (dname, kname): _compare(X, y, params)
        for dname, (X, y) in _datasets(cfg.seed, n).items()
        for kname, params in KERNELS.items()
    }
    rows = [{"dataset": d, "kernel": k} | asdict(c) for (d, k), c in comparisons.items()]
    table = run.write_table(rows, "svm_vs_libsvm.md")
    results = comparisons.values()

    X, _ = _datasets(cfg.seed, n)["classification"]
    min_eig = {k: min_eigenvalue(kernel_matrix(X, X, **p)) for k, p in KERNELS.items()}
    _, K_counter = sigmoid_counterexample()
    sig_data = kernel_matrix(X, X, "sigmoid", gamma=0.5, coef0=-1.0)

    Xx, yx = xor_data(cfg.seed)
    rbf = SMOClassifier(C=100.0, kernel="rbf", gamma=2.0).fit(Xx, yx)
    lin = SMOClassifier(C=100.0, kernel="linear").fit(Xx, yx)
    Xm, ym = _datasets(cfg.seed, n)["moons"]
    moons = SMOClassifier(C=1.0, **KERNELS["rbf"]).fit(Xm, ym)
    fig, axes = figure(13, 4.2, ncols=3)
    _boundary(axes[0], rbf, Xx, yx, f"XOR, RBF: train accuracy {np.mean(rbf.predict(Xx) == yx):.3f}")
    _boundary(axes[1], lin, Xx, yx, f"XOR, linear: train accuracy {np.mean(lin.predict(Xx) == yx):.3f}")
    _boundary(axes[2], moons, Xm, ym, f"moons, RBF C=1: {len(moons.support_)} support vectors (circled)")
    plot = run.save_figure(fig, "svm_boundaries.png")

    measured = {
        k: v if "accuracy" in k else two_digits(v)
        for k, v in {
            "max_abs_decision_diff_vs_libsvm": max(c.max_abs_decision_diff for c in results),
            "support_set_mismatches": float(sum(c.support_set_mismatches for c in results)),
            "max_dual_objective_rel_diff": max(c.dual_objective_rel_diff for c in results),
            "max_kkt_violation": max(c.max_kkt_violation for c in results),
            **{f"min_gram_eigenvalue_{k}": v for k, v in min_eig.items()},
            "min_gram_eigenvalue_sigmoid_counterexample": min_eigenvalue(K_counter),
            "min_gram_eigenvalue_sigmoid_on_data": min_eigenvalue(sig_data),
            "xor_rbf_train_accuracy": float(np.mean(rbf.predict(Xx) == yx)),
            "xor_linear_train_accuracy": float(np.mean(lin.predict(Xx) == yx)),
        }.items()
    }
    for name, value in measured.items():
        run.metric(name, value, scope="svm")
    # round-off floor for "PSD": eigenvalues of an n x n Gram are exact to ~ n * eps * max|K|
    psd_floor = float(f"{-1e-9 * n:.3g}")
    run.add(
        Claim(
            id="AL-02",
            statement="The soft-margin SVM dual (w = sum alpha_i y_i x_i, sum alpha_i y_i = 0, 0 <= alpha <= C) "
            "solved by SMO gives libsvm's decision function and support set; linear, polynomial "
            "and RBF kernels satisfy Mercer's condition, the sigmoid kernel need not; an RBF SVM "
            "separates XOR",
            measured=measured,
            relations=[
                ("max_abs_decision_diff_vs_libsvm", "<", 1e-3),
                ("support_set_mismatches", "<=", 0),
                ("max_dual_objective_rel_diff", "<", 1e-6),
                ("max_kkt_violation", "<", 1e-5),
                ("min_gram_eigenvalue_linear", ">=", psd_floor),
                ("min_gram_eigenvalue_poly", ">=", psd_floor),
                ("min_gram_eigenvalue_rbf", ">=", psd_floor),
                ("min_gram_eigenvalue_sigmoid_counterexample", "<", 0),
                ("xor_rbf_train_accuracy", ">=", 1.0),
                ("xor_linear_train_accuracy", "<", 0.8),
            ],
            unit="decision-function units / counts / eigenvalues / accuracy",
            note=(
                f"{len(rows)} comparisons ({', '.join(KERNELS)} kernels x moons, blobs, classification; "
                f"n={n}, C=1, tol={TOL:g} for both solvers; SMO uses libsvm's second-order working-set "
                "rule without shrinking). The sigmoid Gram of the same data (gamma 0.5, coef0 -1) has "
                f"smallest eigenvalue {measured['min_gram_eigenvalue_sigmoid_on_data']:.3g}; with an "
                "indefinite kernel the dual is non-convex, so no agreement with libsvm is claimed for it. "
                "On XOR's four balanced quadrants the best any line can do is about 3/4 (cut off one "
                "quadrant), hence the 0.8 bound for the linear kernel"
            ),
            evidence=[table, plot],
        )
    )
