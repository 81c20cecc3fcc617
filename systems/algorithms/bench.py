"""``make bench`` for algorithms: our SMO (NumPy, algorithms/svm.py) vs libsvm (scikit-learn SVC).

Same data, kernel (RBF, gamma 1/d), C = 1 and stopping tolerance (1e-3, libsvm's default)
on both sides; times are interleaved by ``systems.core.timing.compare`` so a busy machine
slows both alike. libsvm is compiled C++ with shrinking; ours is a Python loop over SMO
steps, each step O(n) vectorised NumPy work plus two cached kernel rows.
"""

from __future__ import annotations

import argparse

import numpy as np
from sklearn.datasets import make_classification
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from algorithms.svm import SMOClassifier
from systems.core.bench import record
from systems.core.report import markdown_table
from systems.core.seeding import child_seed
from systems.core.timing import compare

SIZES = (500, 1000, 2000)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m systems.algorithms.bench", description=__doc__)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per side (median reported)")
    args = parser.parse_args(argv)
    rows = []
    for n in SIZES:
        X, y = make_classification(n, n_features=10, n_informative=5, flip_y=0.05,
                                   random_state=child_seed(args.seed, f"bench-svm-{n}") % 2**31)
        X = StandardScaler().fit_transform(X)
        params = {"kernel": "rbf", "gamma": 1.0 / X.shape[1], "C": 1.0, "tol": 1e-3}
        ours = SMOClassifier(**params)
        ref = SVC(**params, cache_size=200)
        t_ours, t_ref, ratio = compare(lambda o=ours, X=X, y=y: o.fit(X, y),
                                       lambda r=ref, X=X, y=y: r.fit(X, y), repeats=args.repeats, warmup=1)
        gap = float(np.max(np.abs(ours.decision_function(X) - ref.decision_function(X))))
        record(f"smo_over_libsvm_n{n}", ratio)
        record(f"smo_max_abs_decision_diff_n{n}", gap)
        rows.append({"n": n, "smo_ms": t_ours.median_ms, "libsvm_ms": t_ref.median_ms,
                     "smo_over_libsvm": ratio, "smo_iterations": ours.n_iter_,
                     "libsvm_iterations": int(ref.n_iter_[0]),
                     "cache_hit_rate": ours.cache_hits_ / max(1, ours.cache_hits_ + ours.cache_misses_),
                     "max_abs_decision_diff": gap})
    print("SMO (ours) vs libsvm, RBF kernel, C=1, tol=1e-3; median of", args.repeats, "interleaved runs")
    print(markdown_table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
