"""``make churn`` / ``python -m systems.churn``: the churn stories, end to end, with a ledger.

python -m systems.churn [run] [--profile quick|full|tiny] [--seed N]      synthetic stories
python -m systems.churn [run] --data F.csv --target COL [--id COL] [--time COL] [--positive V]
python -m systems.churn predict --model reports/churn/model.skops --input new.csv

``run`` is the default command, so ``make churn ARGS="--seed 1"`` needs no subcommand;
``python -m systems.churn run --help`` lists its options.
Narration goes to stderr through ``logging`` (-q / -v); ``predict`` writes its summary
(JSON) to stdout.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import asdict

from systems.churn import claims
from systems.churn.config import ChurnConfig
from systems.churn.intake import scenario_rates
from systems.core.cli import Command, add_output_args, dispatch, pop_output_args
from systems.core.config import parse_config
from systems.core.report import Run, start_run
from systems.core.seeding import seed_everything

log = logging.getLogger(__name__)

PROG = "python -m systems.churn"


def add_claims(run: Run, cfg: ChurnConfig, s, t) -> None:
    """Every CH claim, from the SaaS result ``s`` and the telecom result ``t``."""
    ev, m, final = t.evidence, t.matrices, t.final
    run.add(
        claims.ch01(scenario_rates(cfg.seed)),
        claims.ch02(s.raw_missing_share, s.intake.quarantined, s.imputation, ["quarantine_saas.csv"]),
        claims.ch03(t.selection, [ev.selection]),
        claims.ch04(t.imbalance, [ev.imbalance, ev.imbalance_table]),
        claims.ch05(t.models, [ev.models, ev.roc_pr]),
        claims.ch06(s.tuning, [s.roc_pr_figure]),
        claims.ch07(
            final.scores,
            [ev.roc_pr, ev.importance, ev.shap],
            y_test=m.y_test,
            p_cal=final.p_cal,
            y_train=m.y_train,
            p_train=final.p_train,
        ),
        claims.ch08(
            final.calibration, [ev.calibration], y_test=m.y_test, p_raw=final.p_raw, p_cal=final.p_cal
        ),
        claims.ch09(
            t.profit, cfg.offer_cost, cfg.clv, cfg.win_back, [ev.profit], y_test=m.y_test, p_cal=final.p_cal
        ),
        claims.ch10(t.leakage, [ev.leakage]),
        claims.ch11(final.early_stopping, [ev.early_stopping]),
        claims.ch12(t.data.split, t.temporal, []),
        claims.ch13(),
    )


def add_metrics(run: Run, s, t) -> None:
    """metrics.json: every model's figures, the final model's, imbalance, tuning, calibration."""
    for name, score in t.models.scores.items():
        for k, v in score.figures().items():
            run.metric(k, v, scope=f"telecom_{name}")
    for k, v in asdict(t.final.scores).items():
        run.metric(k, v, scope="telecom_final")
    for strat, result in t.imbalance.by_strategy().items():
        for k, v in result.figures().items():
            run.metric(k, v, scope=f"imbalance_{strat}")
    run.metric("cv_auc", s.tuning.cv_auc, scope="saas_lightgbm")
    run.metric("holdout_auc", s.tuning.holdout_auc, scope="saas_lightgbm")
    for k, v in asdict(t.final.calibration).items():
        run.metric(k, v, scope="calibration")
    for tag, q in (("saas", s.intake.quarantined), ("telecom", t.data.intake.quarantined)):
        run.metric("n_quarantined", q.n_quarantined, scope=f"validation_{tag}")
        log.info(
            "  validation %s: %d of %d rows quarantined: %s",
            tag,
            q.n_quarantined,
            q.n_rows,
            json.dumps(q.by_reason),
        )


def run_synthetic(cfg: ChurnConfig) -> None:
    from systems.churn.saas import run_saas
    from systems.churn.telecom import run_telecom

    seed_everything(cfg.seed)
    with start_run("churn", cfg) as run:
        log.info("[1/3] saas scenario: validation, imputation, LightGBM + Optuna (time-ordered CV)")
        s = run_saas(cfg, run)
        log.info("[2/3] telecom scenario: selection, models, imbalance, tuning, calibration, profit, leakage")
        t = run_telecom(cfg, run)
        log.info("[3/3] claims")
        add_claims(run, cfg, s, t)
        add_metrics(run, s, t)
        log.info("  saved pipeline: %s", run.published_path("model.skops"))


def run_command(cfg: ChurnConfig) -> int:
    """The synthetic stories, or with ``--data`` the same pipeline on a CSV."""
    if not cfg.data:
        run_synthetic(cfg)
        return 0
    from systems.churn.csv_run import run_csv

    try:
        run_csv(cfg)
    except ValueError as err:
        log.error("churn --data: error: %s", err)
        return 2
    return 0


def predict_command(args: argparse.Namespace) -> int:
    from systems.churn.persistence import score_csv

    try:
        summary = score_csv(args.model, args.input, args.output, args.rejects)
    except ValueError as err:
        log.error("predict: error: %s", err)
        return 2
    sys.stdout.write(json.dumps(summary, indent=2) + "\n")  # the command's result, for scripts
    log.info(
        "predict: scored %d of %d rows, rejected %d -> %s, rejects -> %s",
        summary["n_scored"],
        summary["n_input"],
        summary["n_rejected"],
        summary["output"],
        summary["rejects"],
    )
    return 0


def run_main(argv: list[str]) -> int:
    """``run``: ChurnConfig's fields under the chosen profile (``systems.core.config``)."""
    return run_command(parse_config(ChurnConfig, argv, f"{PROG} run", __doc__))


def predict_main(argv: list[str]) -> int:
    """``predict``: its own options, then ``predict_command``."""
    p = argparse.ArgumentParser(
        prog=f"{PROG} predict",
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
    add_output_args(p)
    args = p.parse_args(argv)  # usage errors exit 2 with the message on stderr
    pop_output_args(vars(args))
    return predict_command(args)


COMMANDS = {
    "run": Command("the synthetic stories, or --data F.csv (default)", run_main),
    "predict": Command("score a CSV of new customers with a saved pipeline", predict_main),
}


def main(argv: list[str] | None = None) -> int:
    return dispatch(argv, PROG, __doc__, COMMANDS, lambda _: "run")


if __name__ == "__main__":
    sys.exit(main())
