"""``make bench`` for churn: prediction latency per row and per 1,000-row batch, and model
size on disk, for each model family (the story's 25 ms vs 60 ms, 25 MB vs 45 MB).

All models are trained on the same telecom features; each pair of latencies is timed
interleaved in one run (``systems.core.timing.compare``) so the ratio is fair on a
busy machine. Size is the joblib file written to a temporary folder.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
from pathlib import Path

import joblib

from data.churn import TARGET, generate
from systems.churn.splits import stratified_70_15_15
from systems.core.bench import record
from systems.core.churn_table.features import ChurnFeatures
from systems.core.churn_table.validation import validate
from systems.core.cli import add_output_args, pop_output_args
from systems.core.models import CHURN_MODELS, fit_model, make_model
from systems.core.report import markdown_table
from systems.core.timing import compare

log = logging.getLogger(__name__)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m systems.churn.bench", description=__doc__)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--n", type=int, default=8000, help="telecom rows to train on")
    ap.add_argument("--repeats", type=int, default=20)
    add_output_args(ap)
    a = ap.parse_args(argv)
    pop_output_args(vars(a))
    clean = validate(generate("telecom", a.n, a.seed)).clean
    y = clean[TARGET].to_numpy()
    tr, va, te = stratified_70_15_15(y, a.seed)
    f = ChurnFeatures().fit(clean.iloc[tr])
    X = {k: f.transform(clean.iloc[i]).to_numpy() for k, i in (("tr", tr), ("va", va), ("te", te))}
    models = {n: fit_model(make_model(n, a.seed), n, X["tr"], y[tr], X["va"], y[va]) for n in CHURN_MODELS}
    row, batch = X["te"][:1], X["te"][:1000]
    ref = models["xgboost"]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, m in models.items():
            path = Path(tmp) / f"{name}.joblib"
            joblib.dump(m, path)
            t_row, _, r_row = compare(
                lambda m=m: m.predict_proba(row), lambda: ref.predict_proba(row), repeats=a.repeats
            )
            t_bat, _, r_bat = compare(
                lambda m=m: m.predict_proba(batch),
                lambda: ref.predict_proba(batch),
                repeats=max(3, a.repeats // 4),
            )
            rows.append(
                {
                    "model": name,
                    "row_ms": t_row.median_ms,
                    "row_p95_ms": 1e3 * t_row.p95,
                    "batch1000_ms": t_bat.median_ms,
                    "row_vs_xgboost": r_row,
                    "batch_vs_xgboost": r_bat,
                    "size_mb": path.stat().st_size / 1e6,
                }
            )
    xgb_mb = next(r["size_mb"] for r in rows if r["model"] == "xgboost")
    for r in rows:
        r["size_vs_xgboost"] = r["size_mb"] / xgb_mb
    log.info(
        "churn bench: %d training rows, %d features; ratios are model / xgboost, timed interleaved",
        len(y[tr]),
        X["tr"].shape[1],
    )
    log.info("%s", markdown_table(rows))
    rf = next(r for r in rows if r["model"] == "random_forest")
    record("churn_rf_over_xgb_row", rf["row_vs_xgboost"])
    record("churn_rf_over_xgb_batch1000", rf["batch_vs_xgboost"])
    record("churn_rf_over_xgb_size", rf["size_vs_xgboost"])
    log.info(
        "story: XGBoost 25 ms vs RF 60 ms (RF/XGB 2.4x), 25 MB vs 45 MB (1.8x); measured RF/XGB "
        "%.1fx per row, %.1fx per 1,000 rows, %.1fx on disk",
        rf["row_vs_xgboost"],
        rf["batch_vs_xgboost"],
        rf["size_vs_xgboost"],
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
