"""The audit of any tabular binary classifier: train, measure, mitigate, choose, gate.

    1. baseline  LightGBM on ``inputs``; the decision rule (``FairnessConfig.decision_rule``):
                 --threshold T flags p >= T; --alert-rate A flags the top A of validation
                 rows. Defaults: the story's alert rate 0.08; with --data, T = 0.5
    2. mitigate  ExponentiatedGradient(DemographicParity), ExponentiatedGradient(EqualizedOdds)
                 on (up to ``eg_rows``) training rows; ThresholdOptimizer(FPR parity) and
                 ThresholdOptimizer(equalized odds) on validation rows;
                 plus any extra candidates the caller built (e.g. peer features)
    3. choose    on VALIDATION rows, among ELIGIBLE mitigations: those that flag some but
                 not all rows and whose rates are defined for every group (a candidate
                 that flags nobody reads as perfect parity; one with an undefined rate
                 hides a group); if none is eligible, no mitigation is chosen (the
                 result names the baseline and says why). Among the eligible ones the
                 gate does not block, the one with the highest AUC (ties: lower FPR
                 disparity); if the gate blocks every one, the one with the smallest
                 equalized-odds difference. The
                 ThresholdOptimizers are fitted on those same rows, so their validation
                 disparities are in-sample (optimistic); the test rows are the honest check
    4. report    every candidate on TEST rows; the gate on the baseline and the choice

Both the synthetic story and ``--data file.csv`` go through this function.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from systems.core.cli import progress
from systems.fairness.evaluate import Evaluation, evaluate
from systems.fairness.gate import GateResult, GateThresholds
from systems.fairness.gate import evaluate as gate
from systems.fairness.mitigate import Candidate, exponentiated_gradient, from_model, threshold_optimizer
from systems.fairness.model import Split, alert_threshold, booster, miss_cost


@dataclass
class AuditData:
    """All rows; ``inputs`` names the baseline's columns (X may hold more)."""

    X: pd.DataFrame
    y: np.ndarray
    sensitive: pd.Series
    inputs: list[str]
    split: Split

    def rows(self, part: str, limit: int | None = None):
        """X, y, sensitive of one part; ``limit`` keeps its first rows (the split is shuffled)."""
        idx = getattr(self.split, part)[:limit]
        return self.X.iloc[idx], self.y[idx], self.sensitive.iloc[idx].reset_index(drop=True)


@dataclass
class AuditResult:
    model: object
    threshold: float
    miss_cost: float
    candidates: dict[str, Candidate]
    val: dict[str, Evaluation]
    test: dict[str, Evaluation]
    chosen: str
    gates: dict[str, GateResult] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    rule: str = ""  # the decision rule, in words (printed in the report)
    choice_note: str = ""  # why ``chosen`` was chosen, or why no mitigation could be


def degenerate_groups(y, sensitive: pd.Series) -> list[str]:
    """Groups whose rows hold a single class (no positives, or no negatives)."""
    frame = pd.DataFrame({"y": np.asarray(y), "g": np.asarray(sensitive)})
    out = []
    for g, ys in frame.groupby("g")["y"]:
        if ys.nunique() < 2:
            out.append(f"group {g} has {'no positives' if ys.iloc[0] == 0 else 'no negatives'}")
    return out


def gate_thresholds(cfg) -> GateThresholds:
    return GateThresholds(
        cfg.fpr_warn, cfg.fpr_critical, cfg.dpd_max, cfg.eod_max, cfg.eo_max, cfg.di_min, cfg.block_at
    )


def ineligible(e: Evaluation) -> str:
    """Why a candidate cannot be chosen ('' if it can), from its validation evaluation."""
    if e.disparity.degenerate:
        return e.disparity.degenerate
    if e.disparity.excluded:
        return "; ".join(e.disparity.excluded)
    return ""


def choose(evals: dict[str, Evaluation], names: list[str], thresholds: GateThresholds) -> tuple[str, str]:
    """The selection rule of step 3 (on validation evaluations): (name, why)."""
    eligible = [n for n in names if not ineligible(evals[n])]
    if not eligible:
        why = "; ".join(f"{n}: {ineligible(evals[n])}" for n in names)
        return "baseline", f"no mitigation chosen: none is eligible on validation rows ({why})"
    open_ = [n for n in eligible if gate(evals[n].disparity, thresholds).status != "block"]
    if open_:
        best = max(open_, key=lambda n: (evals[n].auc, -evals[n].disparity.fpr_disparity))
        return best, "highest validation AUC among eligible mitigations the gate does not block"
    best = min(eligible, key=lambda n: evals[n].disparity.equalized_odds_difference)
    return best, "the gate blocks every eligible mitigation: smallest equalized-odds difference"


def decision_threshold(val_scores, cfg) -> tuple[float, str]:
    """The probability cutoff of ``cfg.decision_rule()`` and the rule in words."""
    kind, value = cfg.decision_rule()
    if kind == "threshold":
        return value, f"flag p >= {value:g} (threshold on predicted probabilities)"
    t = alert_threshold(val_scores, value)
    return t, f"alert rate {value:g} of validation rows -> threshold {t:.3f}"


def calibration_line(p_val, y_val) -> str:
    """Mean predicted probability against the observed rate on validation rows."""
    return (
        f"validation: mean predicted probability {float(np.mean(p_val)):.3f}, observed positive rate "
        f"{float(np.mean(y_val)):.3f}"
    )


def fit_baseline(data: AuditData, cfg, seed: int):
    X_tr, y_tr, _ = data.rows("train")
    X_va, _, _ = data.rows("val")
    model = booster(cfg.n_estimators, cfg.max_depth, seed).fit(X_tr[data.inputs], y_tr)
    threshold, _ = decision_threshold(model.predict_proba(X_va[data.inputs])[:, 1], cfg)
    return model, threshold


def run_audit(
    data: AuditData, cfg, seed: int, extra: dict[str, Candidate] | None = None, baseline=None
) -> AuditResult:
    """Steps 1-4 of the module docstring."""
    model, threshold = baseline if baseline is not None else fit_baseline(data, cfg, seed)
    cost = miss_cost(threshold)
    X_tr, y_tr, s_tr = data.rows("train", cfg.eg_rows)
    X_va, y_va, s_va = data.rows("val")
    X_te, y_te, s_te = data.rows("test")
    p_va = model.predict_proba(X_va[data.inputs])[:, 1]
    rule = decision_threshold(p_va, cfg)[1] + "; " + calibration_line(p_va, y_va)
    cands = {"baseline": from_model("baseline", model, threshold, data.inputs, note=rule)}
    cands.update(extra or {})
    eg_kw = dict(
        miss_cost=cost,
        n_estimators=cfg.mitigation_estimators,
        max_depth=cfg.max_depth,
        max_iter=cfg.eg_max_iter,
        eps=cfg.eg_eps,
        seed=seed,
    )
    steps = [("eg_demographic_parity", "dp"), ("eg_equalized_odds", "eo")]
    for name, moment in progress(steps, desc="ExponentiatedGradient"):
        cands[name] = exponentiated_gradient(
            name, moment, X_tr[data.inputs], y_tr, s_tr, bound=cfg.eg_eps, **eg_kw
        )
    skipped = degenerate_groups(y_va, s_va)
    if skipped:
        skipped = [
            f"ThresholdOptimizer skipped: {m} in the validation rows, so no threshold can be fitted for it"
            for m in skipped
        ]
    else:
        cands["threshold_fpr_parity"] = threshold_optimizer(
            "threshold_fpr_parity", model, data.inputs, X_va, y_va, s_va, miss_cost=cost, tol=None, seed=seed
        )
        cands["threshold_equalized_odds"] = threshold_optimizer(
            "threshold_equalized_odds",
            model,
            data.inputs,
            X_va,
            y_va,
            s_va,
            miss_cost=cost,
            tol=None,
            seed=seed,
            constraints="equalized_odds",
        )
    val = {n: evaluate(c, X_va, y_va, s_va, cfg.min_group_size) for n, c in cands.items()}
    test = {n: evaluate(c, X_te, y_te, s_te, cfg.min_group_size) for n, c in cands.items()}
    thresholds = gate_thresholds(cfg)
    chosen, why = choose(val, [n for n in cands if n != "baseline"], thresholds)
    gates = {n: gate(test[n].disparity, thresholds) for n in ("baseline", chosen)}
    return AuditResult(model, threshold, cost, cands, val, test, chosen, gates, skipped, rule, why)
