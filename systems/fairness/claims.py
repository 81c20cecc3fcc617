"""One function per claim id: the story's figures (with their source) against our measurements.

Source of every claimed figure: 004_ac56de8954b4f73a.txt, the Responsible-AI answer
(the question about explainability revealing a critical issue), its follow-ups 1-15 and
its quick reference ("Key Metrics", "Key numbers to remember").
Tolerances were declared with the claims; they say how close a figure must be, nothing more.
"""

from __future__ import annotations

import numpy as np

from systems.core.ledger import Claim, Recompute, Tolerance
from systems.fairness.shap_timing import treeshap_timing
from systems.fairness.story import StoryResult, planted_cells


def fa01(r: StoryResult) -> Claim:
    b = r.audit.test["baseline"]
    return Claim(
        "FA-01", "The unmitigated fraud model scores about 94% accuracy and 0.89 AUC.",
        # main answer: "94% accuracy, 0.89 AUC"
        claimed={"accuracy": 0.94, "auc": 0.89},
        measured={"accuracy": b.accuracy, "auc": b.auc, "flag_rate": b.flag_rate,
                  "threshold": r.audit.threshold},
        tolerance=Tolerance(abs=0.02), unit="fraction / AUC",
        note="LightGBM on the raw columns, test rows, flagged at the validation alert rate; accuracy at "
             "a ~4% fraud rate mostly reflects how many rows are flagged")


def fa02(r: StoryResult) -> Claim:
    found = len(set(r.affected_cells) & planted_cells())
    return Claim(
        "FA-02", "Segmenting by age group x ZIP cluster shows an FPR about 3x the baseline "
                 "(18% vs 6%) for young customers in some ZIP clusters.",
        # follow-up 3: young customers in certain ZIPs at 18% FPR against a 6% baseline, "3x higher"
        claimed={"segment_fpr": 0.18, "baseline_fpr": 0.06, "fpr_ratio": 3.0},
        measured={"segment_fpr": r.segment_fpr, "baseline_fpr": r.rest_fpr,
                  "fpr_ratio": r.segment_fpr / r.rest_fpr, "segment_fpr_lo": r.segment_fpr_lo,
                  "affected_cells": len(r.affected_cells), "planted_cells_found": found,
                  "small_cells": int(r.by_cross["small"].sum())},
        tolerance=Tolerance(rel=0.25),
        relations=[("segment_fpr_lo", ">", "baseline_fpr"), ("planted_cells_found", ">=", 1)],
        unit="FPR", evidence=["groups_cross.md", "groups_cross.png"],
        note="affected segment = cross cells (not small) whose FPR 95% interval lies above the pooled FPR "
             f"of all other rows: {', '.join(' x '.join(c) for c in r.affected_cells) or 'none'}; "
             "baseline = FPR of every other test row")


def fa03(r: StoryResult) -> Claim:
    imp = r.shap_importance
    aff, rest = imp["affected"], imp["rest"]
    rank = int((aff > aff["transaction_frequency"]).sum()) + 1
    return Claim(
        "FA-03", "SHAP by segment: transaction_frequency carries about 0.7 in the affected segment, "
                 "weighted about 2x relative to others.",
        # main answer "SHAP value ~0.7"; follow-up 3 "weighted 2x higher for affected segment"
        claimed={"shap_frequency_affected": 0.7, "frequency_weight_ratio": 2.0},
        measured={"shap_frequency_affected": float(aff["transaction_frequency"]),
                  "shap_frequency_rest": float(rest["transaction_frequency"]),
                  "frequency_weight_ratio": float(aff["transaction_frequency"]
                                                  / rest["transaction_frequency"]),
                  "frequency_rank_affected": rank},
        tolerance=Tolerance(rel=0.25),
        relations=[("frequency_weight_ratio", ">", 1.0), ("frequency_rank_affected", "<=", 1)],
        unit="mean |SHAP| (log-odds)", evidence=["shap_by_segment.png", "shap_by_segment.md"],
        note="TreeSHAP on the baseline LightGBM, log-odds units; at a ~4% base rate log-odds "
             "contributions run larger than probability points, so 0.7 has no fixed scale to match")


def fa04(r: StoryResult) -> Claim:
    w = r.local["weight"]
    return Claim(
        "FA-04", "A local surrogate of one flagged young customer weights account age -0.8, "
                 "frequency +0.9 and amount -0.3.",
        # follow-up 10: account_age_days weight -0.8, transaction_frequency +0.9, avg_amount -0.3
        claimed={"w_account_age": -0.8, "w_frequency": 0.9, "w_amount": -0.3},
        measured={"w_account_age": float(w["account_age_days"]),
                  "w_frequency": float(w["transaction_frequency"]),
                  "w_amount": float(w["avg_amount"]), "surrogate_r2": r.local.attrs["score"],
                  "fraud_probability": r.local.attrs["prediction"],
                  "customer_account_age_days": float(r.local_row["account_age_days"]),
                  "customer_frequency": float(r.local_row["transaction_frequency"])},
        tolerance=Tolerance(abs=0.2),
        relations=[("w_frequency", ">", 0), ("w_amount", "<", 0), ("w_account_age", "<", 0)],
        unit="change in fraud probability per training SD", evidence=["local_explanation.md"],
        note="algorithms.local_surrogate (LIME-style, exponential kernel, ridge 1.0) around the "
             "median-scored legitimate young customer the baseline flags in the affected segment; "
             "LIME weights have no shared scale, so only signs and order carry over")


def fa05(r: StoryResult) -> Claim:
    auc_raw, auc_peer = r.audit.test["baseline"].auc, r.audit.test["peer_features"].auc
    peer_corr = r.feature_corr["peer"]
    return Claim(
        "FA-05", "Peer-normalised features cut the inputs' correlation with age from 0.62 to 0.18 "
                 "while keeping predictive power.",
        # source: seed 004, Responsible-AI follow-up 5 (age correlation 0.62 -> 0.18, predictive power kept)
        claimed={"age_corr_raw": 0.62, "age_corr_peer": 0.18},
        measured={"age_corr_raw": r.age_corr["raw"], "age_corr_peer": r.age_corr["peer"],
                  "auc_raw": auc_raw, "auc_peer": auc_peer, "auc_floor": auc_raw - 0.02,
                  "balance_pct_zip_corr": peer_corr["balance_pct_zip"],
                  "max_abs_corr_peer_without_balance": max(abs(v) for k, v in peer_corr.items()
                                                           if k != "balance_pct_zip"),
                  "fpr_disparity_raw": r.audit.test["baseline"].disparity.fpr_disparity,
                  "fpr_disparity_peer": r.audit.test["peer_features"].disparity.fpr_disparity},
        tolerance=Tolerance(abs=0.1),
        relations=[("age_corr_peer", "<", "age_corr_raw"), ("auc_peer", ">=", "auc_floor")],
        unit="correlation with age", evidence=["age_correlation.md"],
        note="age correlation = held-out multiple R of a linear probe predicting age from the inputs; "
             "the balance percentile within a ZIP cluster still carries age wherever wealth grows with "
             "age inside every ZIP, which is how the scenario (and most populations) works")


def fa06(r: StoryResult) -> Claim:
    t = r.audit.test
    b, dp, to = t["baseline"], t["eg_demographic_parity"], t["threshold_fpr_parity"]
    return Claim(
        "FA-06", "ExponentiatedGradient with DemographicParity, and group-specific thresholds that "
                 "equalise FPR, both reduce the disparity they target.",
        # main answer "Fairness constraints ... demographic parity ... fairlearn"; follow-ups 6 and 7
        measured={"dpd_baseline": b.disparity.demographic_parity_difference,
                  "dpd_eg_dp": dp.disparity.demographic_parity_difference,
                  "fpr_disparity_baseline": b.disparity.fpr_disparity,
                  "fpr_disparity_thresholds": to.disparity.fpr_disparity,
                  "fpr_disparity_eg_eo": t["eg_equalized_odds"].disparity.fpr_disparity,
                  "auc_eg_dp": dp.auc, "auc_thresholds": to.auc},
        relations=[("dpd_eg_dp", "<", "dpd_baseline"),
                   ("fpr_disparity_thresholds", "<", "fpr_disparity_baseline")],
        unit="difference between age groups", evidence=["before_after.md"],
        note="randomised predictions drawn with random_state=seed; their AUC is computed on P(flag|x) "
             "(fairlearn _pmf_predict), a coarse step function for a mixture of few hard classifiers, so it "
             "sits well below the baseline's score AUC")


def fa07(r: StoryResult) -> Claim:
    b, a = r.audit.test["baseline"], r.audit.test[r.audit.chosen]
    return Claim(
        "FA-07", "Before -> after: FPR disparity 18% -> 4%, DPD 0.16 -> 0.06, equal opportunity "
                 "0.09 -> 0.03, equalized odds < 0.05, disparate impact > 0.8, AUC 0.89 -> 0.87.",
        # quick reference "Key Metrics" table; follow-ups 8 and 11
        claimed={"fpr_disparity_before": 0.18, "fpr_disparity_after": 0.04, "dpd_before": 0.16,
                 "dpd_after": 0.06, "eod_before": 0.09, "eod_after": 0.03, "auc_before": 0.89,
                 "auc_after": 0.87},
        measured={"fpr_disparity_before": b.disparity.fpr_disparity,
                  "fpr_disparity_after": a.disparity.fpr_disparity,
                  "dpd_before": b.disparity.demographic_parity_difference,
                  "dpd_after": a.disparity.demographic_parity_difference,
                  "eod_before": b.disparity.equal_opportunity_difference,
                  "eod_after": a.disparity.equal_opportunity_difference,
                  "auc_before": b.auc, "auc_after": a.auc, "auc_ranking_after": a.auc_ranking,
                  "eo_after": a.disparity.equalized_odds_difference,
                  "di_ratio_after": a.disparity.demographic_parity_ratio},
        tolerance=Tolerance(abs=0.03),
        relations=[("fpr_disparity_after", "<", "fpr_disparity_before"), ("dpd_after", "<", "dpd_before"),
                   ("eod_after", "<", "eod_before"), ("eo_after", "<", 0.05), ("di_ratio_after", ">", 0.8)],
        unit="difference between age groups / AUC", evidence=["before_after.md", "groups_age.png"],
        note=f"after = {r.audit.chosen}, chosen on validation rows; metrics between the three age groups on "
             "test rows (the story's 18% is the segment's own FPR, see FA-11)")


def fa08(r: StoryResult) -> Claim:
    b, a = r.audit.test["baseline"], r.audit.test[r.audit.chosen]
    strict = [row for row in r.sweep if row["method"] == "eg_demographic_parity"]
    strictest = min(strict, key=lambda row: row["strength"]) if strict else None
    measured = {"auc_cost_chosen": (b.auc - a.auc) / b.auc,
                "accuracy_cost_chosen": (b.accuracy - a.accuracy) / b.accuracy,
                "auc_ranking_cost_chosen": (b.auc - a.auc_ranking) / b.auc,
                "balanced_accuracy_cost_chosen":
                    (b.balanced_accuracy - a.balanced_accuracy) / b.balanced_accuracy}
    if strictest:
        measured["auc_cost_strictest_eg"] = (b.auc - strictest["auc"]) / b.auc
    return Claim(
        "FA-08", "Fairness usually costs 1-5% (the story's own case: AUC 0.89 -> 0.87, "
                 "a 2.2% relative drop).",
        # follow-up 11: "typically costing 1-5% accuracy ... 0.89->0.87 AUC (2.2% relative drop)"
        measured=measured,
        relations=[("auc_cost_chosen", ">=", 0.01), ("auc_cost_chosen", "<=", 0.05)],
        unit="relative drop", evidence=["tradeoff.png", "tradeoff.md"],
        note="cost judged on relative AUC, the measure the story itself reports; accuracy moves with how "
             "many rows a mitigation flags, so it is shown but not judged")


def fa09(cfg) -> Claim:
    # wall-clock figures: a smaller grid than `make bench`, same code and batch size. Batches of
    # 200 rows gave a slope in trees of 0.66: per-call overhead hides the O(T) term at 50 trees.
    return treeshap_timing(cfg.seed, rows=1000, grid="quick" if cfg.profile != "full" else "full")[1]


def fa10(r: StoryResult, cfg) -> Claim:
    wb, wc = r.week["baseline"], r.week[r.audit.chosen]
    young = wc.table.loc["young"] if "young" in wc.table.index else None
    half = (float(young["tpr_hi"] - young["tpr_lo"]) / 2) if young is not None else float("nan")
    measured = {"weekly_rows": cfg.monitor_sample, "baseline_week_level": r.week_gates["baseline"].level,
                "chosen_week_level": r.week_gates[r.audit.chosen].level,
                "baseline_test_level": r.audit.gates["baseline"].level,
                "fpr_disparity_week_baseline": wb.disparity.fpr_disparity,
                "eod_week_baseline": wb.disparity.equal_opportunity_difference,
                "fpr_disparity_week_chosen": wc.disparity.fpr_disparity,
                "eod_week_chosen": wc.disparity.equal_opportunity_difference}
    if np.isfinite(half):
        measured["young_tpr_ci_halfwidth_week"] = half
    return Claim(
        "FA-10", "A weekly 5K-prediction sample through the gate: any disparity above 10% blocks release.",
        # follow-up 13: "samples 5K random predictions"; follow-up 14: "any metric >10% disparity blocks"
        measured=measured,
        relations=[("baseline_week_level", ">=", 2), ("chosen_week_level", "<", 2)],
        unit="gate level (0 pass, 1 warn, 2 block)", evidence=["gate.md"],
        note="the monitoring week is a fresh draw of the scenario scored by the baseline and the chosen "
             "model; with ~4% fraud, 5K rows hold ~70 young frauds, so a TPR is known only to about "
             "+-the half-width above - coarser than the 5-point equal-opportunity limit")


def fa11(r: StoryResult) -> Claim:
    return Claim(
        "FA-11", "The story's disparity figures are consistent with each other.",
        # follow-up 3 "18% FPR ... vs 6% baseline"; main answer "FPR disparity from 18% to 4%";
        # follow-up 15 "14% fewer young customers ... (from 18% to 4%)"; quick ref "77% reduction"
        checks=[
            Recompute("FPR disparity before (points)", 0.18, 0.18 - 0.06, Tolerance(abs=0.005),
                      "a gap between 18% and 6% FPR is 12 points; the story later calls it an 18% disparity"),
            Recompute("FPR ratio", 3.0, 0.18 / 0.06, Tolerance(abs=0.05), "18% / 6%"),
            Recompute("relative reduction", 0.77, (0.18 - 0.04) / 0.18, Tolerance(abs=0.01), "(18 - 4) / 18"),
            Recompute("fewer young customers blocked (points)", 0.14, 0.18 - (0.06 + 0.04),
                      Tolerance(abs=0.005),
                      "if 4% is a gap above an unchanged 6% baseline, young FPR falls 18% -> 10%: 8 points, "
                      "not 14"),
        ],
        measured={"our_segment_gap_points": r.segment_fpr - r.rest_fpr,
                  "our_segment_ratio": r.segment_fpr / r.rest_fpr},
        unit="FPR", note="our own figures are reported both ways: gap in points and ratio")


def all_claims(r: StoryResult, cfg) -> list[Claim]:
    return [fa01(r), fa02(r), fa03(r), fa04(r), fa05(r), fa06(r), fa07(r), fa08(r), fa09(cfg), fa10(r, cfg),
            fa11(r)]
