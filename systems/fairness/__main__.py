"""``make fairness``: detect, explain, mitigate and gate a fraud model's age bias; or audit a CSV.

    python -m systems.fairness [run] [--seed 0] [--profile quick|full]
    python -m systems.fairness [audit] --data PATH.csv --target COLUMN --sensitive COLUMN[,COLUMN]
                               [--positive VALUE] [--drop-sensitive]

A line that names no command and gives ``--data`` is an audit.

The story run writes reports/fairness/ (ledger with every FA claim, before/after table,
group charts, SHAP by segment, trade-off curve, gate report, model card). The CSV run
writes reports/fairness_csv/ (same audit, no story claims).
"""

from __future__ import annotations

import logging
import sys
import warnings

import pandas as pd

from systems.core.cli import Command, dispatch, gives
from systems.core.config import parse_config
from systems.core.report import Run, start_run
from systems.core.seeding import seed_everything
from systems.core.tabular import read_table
from systems.fairness import csv_audit, model_card, plots, tradeoff
from systems.fairness.audit import AuditResult, run_audit
from systems.fairness.claims import all_claims
from systems.fairness.config import FairnessConfig
from systems.fairness.group_metrics import table_rows, undefined_rates
from systems.fairness.story import planted_cells, run_story

DESCRIPTION = __doc__
log = logging.getLogger(__name__)


def write_common(run: Run, result: AuditResult, sensitive: str) -> None:
    """Tables, charts and the gate report every audit writes."""
    run.write_table([e.row() for e in result.test.values()], "before_after.md")
    for name, e in result.test.items():
        for k, v in e.row().items():
            if k != "model":
                run.metric(k, v, scope=name)
    run.write_table(table_rows(result.test["baseline"].table), "groups_baseline.md")
    run.write_table(table_rows(result.test[result.chosen].table), "groups_chosen.md")
    fig = plots.group_bars(
        {"baseline": result.test["baseline"].table, result.chosen: result.test[result.chosen].table},
        f"Rates by {sensitive} (test)",
    )
    run.save_figure(fig, "groups_age.png" if sensitive == "age_group" else "groups.png")
    lines = [
        "# Release gate",
        "",
        f"Decision rule: {result.rule}.",
        "",
        f"Mitigation: {result.chosen} ({result.choice_note}).",
        "",
    ]
    for name, g in result.gates.items():
        lines += [f"## {name}: {g.status.upper()}", "", *[f"- {r}" for r in g.reasons], ""]
        for row in g.checks:
            row["model"] = name
        run.write_table(g.checks, f"gate_{name}.md")
    undefined = undefined_rates(result.test["baseline"].table) + result.skipped
    if undefined:
        lines += ["## Undefined rates", "", *[f"- {u}" for u in undefined], ""]
        log.info("note: %s", "; ".join(undefined))
    run.path("gate.md").write_text("\n".join(lines))


def story(cfg: FairnessConfig) -> None:
    with start_run("fairness", cfg) as run:
        r = run_story(cfg, cfg.seed)
        write_common(run, r.audit, "age_group")
        run.write_table(table_rows(r.by_cross), "groups_cross.md")
        run.write_table(table_rows(r.by_zip), "groups_zip.md")
        run.save_figure(
            plots.group_bars({"baseline": r.by_cross}, "Baseline rates by age group x ZIP cluster"),
            "groups_cross.png",
        )
        run.save_figure(plots.shap_segments(r.shap_importance), "shap_by_segment.png")
        run.write_table(
            [
                {"feature": f} | {k: float(v) for k, v in row.items()}
                for f, row in r.shap_importance.iterrows()
            ],
            "shap_by_segment.md",
        )
        run.write_table(
            [
                {"feature": f, "value": float(row["value"]), "weight": float(row["weight"])}
                for f, row in r.local.iterrows()
            ],
            "local_explanation.md",
        )
        run.write_table(
            [
                {"feature_set": k, "age_recoverability_R": v} | r.feature_corr[k]
                for k, v in r.age_corr.items()
            ],
            "age_correlation.md",
        )
        run.write_table(r.sweep, "tradeoff.md")
        run.save_figure(tradeoff.plot(r.sweep, r.audit.test, r.audit.chosen), "tradeoff.png")
        lines = ["# Weekly monitoring sample", ""]
        for name, g in r.week_gates.items():
            lines += [f"- {name}: **{g.status}** - " + "; ".join(g.reasons)]
        with run.path("gate.md").open("a") as fh:
            fh.write("\n".join(lines) + "\n")
        card = model_card.render(
            "fraud detection (synthetic scenario)",
            f"{cfg.n_rows} synthetic customer-weeks from data/fraud.py (seed {cfg.seed}); "
            f"~{cfg.fraud_rate:.0%} "
            "fraud, independent of age. Planted: young customers in ZIP clusters "
            f"{sorted(c[1] for c in planted_cells())} often split bills (many small transfers).",
            "Rank customer-weeks for manual fraud review at a fixed alert rate. Not for automatic blocking "
            "without review; not validated on real transactions.",
            list(r.data.inputs),
            "age_group",
            r.audit,
            [
                "Synthetic data: the bias is planted, so the audit's success here says the method works, "
                "not that a real model is fair.",
                "Group metrics on a few hundred rows carry wide intervals (see the per-group tables).",
                "Group-specific thresholds use age at decision time, which needs legal review.",
                "Randomised mitigations give different decisions on re-scoring unless the seed is fixed.",
            ],
        )
        run.path("model_card.md").write_text(card)
        for c in all_claims(r, cfg):
            run.add(c)


def csv_mode(cfg: FairnessConfig) -> None:
    df = read_table(cfg.data, "--data")
    data = csv_audit.prepare(
        df,
        cfg.target,
        cfg.sensitive,
        cfg.positive,
        cfg.drop_sensitive,
        cfg.seed,
        cfg.max_groups,
        cfg.sensitive_bins,
    )
    with start_run("fairness_csv", cfg) as run:
        result = run_audit(data, cfg, cfg.seed)
        write_common(run, result, data.sensitive.name)
        card = model_card.render(
            f"{cfg.data.name} -> {cfg.target}",
            f"{len(df)} rows of {cfg.data}.",
            "As stated by the data owner; this card only reports what the audit measured.",
            data.inputs,
            data.sensitive.name,
            result,
            ["Metrics on the held-out 20% only; small groups carry wide intervals."],
        )
        run.path("model_card.md").write_text(card)
        log.info("decision rule: %s", result.rule)
        log.info("mitigation: %s (%s)", result.chosen, result.choice_note)
        log.info(pd.DataFrame([e.row() for e in result.test.values()]).round(3).to_string(index=False))
        for name, g in result.gates.items():
            log.info("gate %s: %s - %s", name, g.status, "; ".join(g.reasons))


def _configured(argv: list[str], prog: str) -> FairnessConfig | None:
    """The run's configuration, or None (after one line on stderr) when its decision rule is invalid."""
    cfg = parse_config(FairnessConfig, argv, prog, DESCRIPTION)
    try:
        cfg.decision_rule()
    except ValueError as err:
        log.error("fairness: %s", err)
        return None
    seed_everything(cfg.seed)
    # fairlearn 0.15 trips pandas deprecation warnings on every iteration; they are not ours to fix
    warnings.filterwarnings("ignore", module=r"fairlearn\..*")
    return cfg


def run_main(argv: list[str]) -> int:
    cfg = _configured(argv, "python -m systems.fairness run")
    if cfg is None:
        return 2
    if cfg.data is not None:
        log.error("fairness run: --data belongs to the audit command (python -m systems.fairness audit)")
        return 2
    story(cfg)
    return 0


def audit_main(argv: list[str]) -> int:
    cfg = _configured(argv, "python -m systems.fairness audit")
    if cfg is None:
        return 2
    if cfg.data is None:
        log.error("fairness audit: --data PATH.csv is required")
        return 2
    try:
        csv_mode(cfg)
    except ValueError as err:  # bad input: say what is wrong, no traceback
        log.error("fairness: %s", err)
        return 2
    return 0


COMMANDS = {
    "run": Command("the fraud story: detect, explain, mitigate, gate (make fairness)", run_main),
    "audit": Command("the same audit on any CSV (--data, --target, --sensitive)", audit_main),
}


def main(argv: list[str] | None = None) -> int:
    return dispatch(
        argv,
        "python -m systems.fairness",
        DESCRIPTION,
        COMMANDS,
        lambda a: "audit" if gives(a, "--data") else "run",
    )


if __name__ == "__main__":
    sys.exit(main())
