"""``make bench`` for the ensemble: inference cost of RF vs the 3-model blend vs the 2-model vote.

Models are fitted once at the story's optima on a small churn sample, then timed side by side
(``systems.core.timing.compare`` interleaves A and B so machine noise hits both): per-row
scoring (one customer) and per-batch scoring (1,000 customers). Logs ratios, asserts nothing.
"""

from __future__ import annotations

import argparse
import logging

from threadpoolctl import threadpool_limits

from systems.core.bench import record
from systems.core.models import make_model
from systems.core.timing import compare
from systems.ensemble.analysis import scorer
from systems.ensemble.data import load_dataset
from systems.ensemble.ensembles import BLEND_MODELS, VOTE2
from systems.ensemble.tuning import STORY_OPTIMA

log = logging.getLogger(__name__)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m systems.ensemble.bench", description=__doc__)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--n-rows", type=int, default=4000)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args(argv)
    with threadpool_limits(1):
        ds = load_dataset(args.n_rows, args.seed)
        fitted = {
            m: make_model(m, args.seed, recipe="ensemble", n_estimators=200, **STORY_OPTIMA.get(m, {})).fit(
                ds.X_train, ds.y_train
            )
            for m in ("random_forest", *BLEND_MODELS)
        }
        rf = scorer([fitted["random_forest"]])
        cands = {
            "blend3 (xgb+lgbm+lr)": scorer([fitted[m] for m in BLEND_MODELS]),
            "vote2 (xgb+lgbm)": scorer([fitted[m] for m in VOTE2]),
        }
        for label, X in (("per row", ds.X_test.iloc[:1]), ("per 1000-row batch", ds.X_test.iloc[:1000])):
            for name, fn in cands.items():
                ta, tb, ratio = compare(lambda fn=fn, X=X: fn(X), lambda X=X: rf(X), repeats=args.repeats)
                key = "blend3" if name.startswith("blend3") else "vote2"
                record(f"ensemble_{key}_over_rf_{'row' if label == 'per row' else 'batch1000'}", ratio)
                log.info(
                    "%20s: %-22s %8.2f ms vs random_forest %8.2f ms  -> x%.2f "
                    "(story: blend x2.3, vote 18/12 = x1.5)",
                    label,
                    name,
                    ta.median_ms,
                    tb.median_ms,
                    ratio,
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
