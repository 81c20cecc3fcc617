"""``make churn`` / ``python -m systems.churn``: the churn stories, end to end, with a ledger.

python -m systems.churn [--profile quick|full|tiny] [--seed N]        synthetic stories
python -m systems.churn --data F.csv --target COL [--id COL] [--time COL] [--positive V]
python -m systems.churn predict --model reports/churn/model.skops --input new.csv
"""

from __future__ import annotations

import argparse
import json
import sys

from data.churn import SCENARIOS, TARGET, generate
from systems.churn import claims
from systems.churn.config import ChurnConfig
from systems.core.config import parse_config
from systems.core.report import start_run
from systems.core.seeding import seed_everything


def scenario_rates(seed: int) -> dict[str, float]:
    """Realised churn rate and size of each scenario at story scale (CH-01)."""
    out = {}
    for name in ("saas", "telecom"):
        df = generate(name, SCENARIOS[name].n_customers, seed)
        out[f"{name}_churn_rate"] = float(df[TARGET].mean())
        out[f"{name}_n"] = float(len(df))
    return out


def run_synthetic(cfg: ChurnConfig) -> None:
    from systems.churn.saas import run_saas
    from systems.churn.telecom import run_telecom

    seed_everything(cfg.seed)
    with start_run("churn", cfg) as run:
        print("[1/3] saas scenario: validation, imputation, LightGBM + Optuna (time-ordered CV)", flush=True)
        s = run_saas(cfg, run)
        print(
            "[2/3] telecom scenario: selection, models, imbalance, tuning, calibration, profit, leakage",
            flush=True,
        )
        t = run_telecom(cfg, run)
        print("[3/3] claims", flush=True)
        ev, sc = t["evidence"], t["scores"]
        yte = sc["y_test"]
        run.add(
            claims.ch01(scenario_rates(cfg.seed)),
            claims.ch02(s, ["quarantine_saas.csv"]),
            claims.ch03(t["selection"], [ev["selection"]]),
            claims.ch04(
                t["imbalance"], [ev["imbalance"], ev["imbalance_table"]], y_test=yte, scores=sc["imbalance"]
            ),
            claims.ch05(t["models"], [ev["models"], ev["roc_pr"]], y_test=yte, scores=sc["models"]),
            claims.ch06(s["tuning"], [s["evidence"]["roc_pr"]], holdout=s["holdout_scores"]),
            claims.ch07(t["final"], [ev["roc_pr"], ev["importance"], ev["shap"]], scores=sc),
            claims.ch08(
                t["calibration"], [ev["calibration"]], y_test=yte, p_raw=sc["p_raw"], p_cal=sc["p_cal"]
            ),
            claims.ch09(
                t["profit"],
                cfg.offer_cost,
                cfg.clv,
                cfg.win_back,
                [ev["profit"]],
                y_test=yte,
                p_cal=sc["p_cal"],
            ),
            claims.ch10(t["leakage"], [ev["leakage"]], scores=sc["leakage"]),
            claims.ch11(t["early_stopping"], [ev["early_stopping"]]),
            claims.ch12(t["split"], t["temporal"], []),
            claims.ch13(),
        )
        for name, row in t["models"].items():
            for k, v in row.items():
                if k != "model":
                    run.metric(k, v, scope=f"telecom_{name}")
        for k, v in t["final"].items():
            run.metric(k, v, scope="telecom_final")
        for strat, row in t["imbalance"].items():
            for k, v in row.items():
                run.metric(k, v, scope=f"imbalance_{strat}")
        run.metric("cv_auc", s["tuning"]["cv_auc"], scope="saas_lightgbm")
        run.metric("holdout_auc", s["tuning"]["holdout_auc"], scope="saas_lightgbm")
        for k, v in t["calibration"].items():
            run.metric(k, v, scope="calibration")
        for tag, val in (("saas", s["validation"]), ("telecom", t["validation"])):
            run.metric("n_quarantined", val["n_quarantined"], scope=f"validation_{tag}")
            print(
                f"  validation {tag}: {val['n_quarantined']} of {val['n_rows']} rows quarantined: "
                f"{json.dumps(val['by_reason'])}",
                flush=True,
            )
        print(f"  saved pipeline: {run.published_path('model.skops')}", flush=True)


def predict_main(argv: list[str]) -> int:
    from systems.churn.persistence import score_csv

    p = argparse.ArgumentParser(
        prog="python -m systems.churn predict",
        description="Score a CSV of new customers with a saved pipeline. The model file is verified "
        "(manifest, sha256, allow-listed types) before anything in it is loaded; rows that "
        "fail the saved schema go to a rejects file with a reason each.",
    )
    p.add_argument("--model", required=True, help="saved pipeline (reports/churn/model.skops)")
    p.add_argument("--input", required=True, help="CSV of customers to score")
    p.add_argument(
        "--output", default="predictions.csv", help="where to write scores (never --input or --model)"
    )
    p.add_argument(
        "--rejects", default=None, help="rejected rows go here (default: <output stem>.rejects.csv)"
    )
    a = p.parse_args(argv)
    try:
        summary = score_csv(a.model, a.input, a.output, a.rejects)
    except ValueError as err:
        print(f"predict: error: {err}", file=sys.stderr)
        return 2
    print(json.dumps(summary, indent=2))
    print(
        f"predict: scored {summary['n_scored']} of {summary['n_input']} rows, rejected "
        f"{summary['n_rejected']} -> {summary['output']}, rejects -> {summary['rejects']}",
        file=sys.stderr,
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["predict"]:
        return predict_main(argv[1:])
    cfg = parse_config(ChurnConfig, argv, "python -m systems.churn", __doc__)
    if cfg.data:
        from systems.churn.csv_run import run_csv

        try:
            run_csv(cfg)
        except ValueError as err:
            print(f"churn --data: error: {err}", file=sys.stderr)
            return 2
        return 0
    run_synthetic(cfg)
    return 0


if __name__ == "__main__":
    sys.exit(main())
