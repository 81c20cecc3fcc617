"""``make bench`` for algorithms: our SMO (NumPy) vs libsvm (scikit-learn SVC).

Three solvers on the same data, kernel (RBF, gamma 1/d), C = 1 and stopping tolerance
(1e-3, libsvm's default): the readable core ``algorithms.svm.SMOClassifier`` (LRU row cache,
no shrinking), ``algorithms.svm_fast.FastSMOClassifier`` (float32 Gram cache, one BLAS
thread; the recommended configuration, recorded as ``smo_over_libsvm_n{n}``) and the same
with shrinking on. Times are interleaved by ``systems.core.timing.compare`` so a busy machine
slows both sides alike. libsvm is compiled C++ with shrinking.

Agreement: at tol 1e-3 both solvers stop up to 1e-3 away from the optimum, so decision values
differ by ~1e-3; ``smo_fast_max_abs_decision_diff_tight_n{n}`` re-fits both at tol 1e-6
(untimed) and shows that the optimum itself is the same.
"""

from __future__ import annotations

import argparse
import logging

from sklearn.datasets import make_classification
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from algorithms.svm import SMOClassifier
from algorithms.svm_fast import FastSMOClassifier
from systems.algorithms.figures import max_abs_diff
from systems.core.bench import record
from systems.core.cli import setup_output
from systems.core.report import markdown_table
from systems.core.seeding import child_seed
from systems.core.timing import compare

log = logging.getLogger(__name__)
SIZES = (500, 1000, 2000, 5000)
CORE_MAX_N = 2000  # the core takes seconds per fit beyond this; it is timed up to here


def _max_diff(a, b, X) -> float:
    return max_abs_diff(a.decision_function(X), b.decision_function(X))


def _bench_one(n: int, seed: int, repeats: int) -> dict:
    X, y = make_classification(
        n,
        n_features=10,
        n_informative=5,
        flip_y=0.05,
        random_state=child_seed(seed, f"bench-svm-{n}") % 2**31,
    )
    X = StandardScaler().fit_transform(X)
    params = {"kernel": "rbf", "gamma": 1.0 / X.shape[1], "C": 1.0, "tol": 1e-3}
    ref = SVC(**params, cache_size=200)
    fast = FastSMOClassifier(**params)
    shrink = FastSMOClassifier(**params, shrinking=True)
    row = {"n": n}
    for name, model in (("fast", fast), ("fast_shrinking", shrink)):
        t_ours, t_ref, ratio = compare(
            lambda m=model: m.fit(X, y), lambda: ref.fit(X, y), repeats=repeats, warmup=1
        )
        row[f"{name}_ms"], row[f"{name}_over_libsvm"] = t_ours.median_ms, ratio
        row["libsvm_ms"] = t_ref.median_ms
    if n <= CORE_MAX_N:
        core = SMOClassifier(**params)
        t_core, _, row["core_over_libsvm"] = compare(
            lambda: core.fit(X, y), lambda: ref.fit(X, y), repeats=repeats, warmup=1
        )
        row["core_ms"] = t_core.median_ms
        record(f"smo_core_over_libsvm_n{n}", row["core_over_libsvm"])
    row["fast_iterations"], row["libsvm_iterations"] = fast.n_iter_, int(ref.n_iter_[0])
    row["max_abs_decision_diff"] = _max_diff(fast, ref, X)
    tight = {**params, "tol": 1e-6}
    row["max_abs_decision_diff_tol1e-6"] = _max_diff(
        FastSMOClassifier(**tight).fit(X, y), SVC(**tight).fit(X, y), X
    )
    record(f"smo_over_libsvm_n{n}", row["fast_over_libsvm"])
    record(f"smo_shrinking_over_libsvm_n{n}", row["fast_shrinking_over_libsvm"])
    record(f"smo_max_abs_decision_diff_n{n}", row["max_abs_decision_diff"])
    record(f"smo_fast_max_abs_decision_diff_tight_n{n}", row["max_abs_decision_diff_tol1e-6"])
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m systems.algorithms.bench", description=__doc__)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--repeats", type=int, default=7, help="timed runs per side, interleaved (median reported)"
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="training-set sizes")
    args = parser.parse_args(argv)
    setup_output()
    rows = [_bench_one(n, args.seed, args.repeats) for n in args.sizes]
    log.info("SMO (ours) vs libsvm, RBF kernel, C=1, tol=1e-3; median of %d interleaved runs", args.repeats)
    log.info("%s", markdown_table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
