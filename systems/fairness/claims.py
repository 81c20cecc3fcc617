"""One function per claim id: the story's figures (with their source) against our measurements.

Source of every claimed figure: the fairness story (not part of this repository): its Responsible-AI answer
(the question about explainability revealing a critical issue), its follow-ups 1-15 and
its quick reference ("Key Metrics", "Key numbers to remember").
Tolerances were declared with the claims; they say how close a figure must be, nothing more.

Ledger v2. Every candidate is scored on the same test rows, so a relation between two
candidates' disparities (DPD, FPR disparity, equal opportunity) or AUCs is decided on a
paired bootstrap over those rows (``N_BOOT`` resamples, stratified by label, seeded); a
disparity against a fixed limit on the bootstrap interval of that disparity; rates of
disjoint row sets (a segment vs the rest) on their Wilson intervals, combined
conservatively. ``group_disparity`` recomputes the disparities of ``disparity.from_table``
from hard predictions with numpy, so a resample costs microseconds (the tests check it
against the pipeline's figures).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from algorithms.metrics import roc_auc
from systems.core import uncertainty as U
from systems.core.ledger import Claim, Interval, Recompute, Relation, Tolerance
from systems.fairness.audit import run_audit
from systems.fairness.shap_timing import treeshap_timing
from systems.fairness.story import StoryResult, planted_cells, run_story

N_BOOT = 500  # bootstrap resamples per interval

METRICS = ("dpd", "dpr", "eod", "fprd", "eo")


def group_disparity(y, pred, codes, metric: str) -> float:
    """One disparity between groups ``codes`` (ints 0..G-1) at hard predictions ``pred``.

    dpd = max - min selection rate, dpr = min / max, eod = spread of TPR, fprd = spread
    of FPR, eo = max(eod, fprd); a group where a rate is undefined is left out of it.
    """
    y, pred, codes = np.asarray(y), np.asarray(pred, dtype=float), np.asarray(codes)
    g = int(codes.max()) + 1

    def rates(mask):
        n = np.bincount(codes[mask], minlength=g)
        k = np.bincount(codes[mask], weights=pred[mask], minlength=g)
        return k[n > 0] / n[n > 0]

    if metric in ("dpd", "dpr"):
        sel = rates(np.ones(len(y), dtype=bool))
        return float(sel.max() - sel.min()) if metric == "dpd" else float(sel.min() / sel.max())
    tpr, fpr = rates(y == 1), rates(y == 0)
    eod, fprd = float(tpr.max() - tpr.min()), float(fpr.max() - fpr.min())
    return {"eod": eod, "fprd": fprd, "eo": max(eod, fprd)}[metric]


def _test_rows(r: StoryResult) -> tuple[np.ndarray, np.ndarray]:
    """Labels and integer group codes of the test rows, in the order candidates were scored."""
    te = r.data.split.test
    _, codes = np.unique(r.data.sensitive.iloc[te].to_numpy(), return_inverse=True)
    return r.data.y[te].astype(int), codes


def disparity_diff(r: StoryResult, metric: str, a: str, b: str) -> Interval:
    """Paired bootstrap of metric(candidate a) - metric(candidate b) over the test rows."""
    y, codes = _test_rows(r)
    pa, pb = r.audit.test[a].pred, r.audit.test[b].pred

    def stat(yy, xa, xb, cc):
        return group_disparity(yy, xa, cc, metric) - group_disparity(yy, xb, cc, metric)

    return U.bootstrap_ci(stat, y, pa, pb, codes, n_boot=N_BOOT, stratify=y)


def disparity_ci(r: StoryResult, metric: str, name: str) -> Interval:
    """Bootstrap interval of one candidate's disparity over the test rows."""
    y, codes = _test_rows(r)
    return U.bootstrap_ci(
        lambda yy, pp, cc: group_disparity(yy, pp, cc, metric),
        y,
        r.audit.test[name].pred,
        codes,
        n_boot=N_BOOT,
        stratify=y,
    )


def test_auc_diff(r: StoryResult, a: str, b: str) -> Interval:
    y, _ = _test_rows(r)
    return U.auc_diff_ci(y, r.audit.test[a].proba, r.audit.test[b].proba, n_boot=N_BOOT)


def _fa01_intervals(r: StoryResult) -> dict[str, Interval]:
    y, _ = _test_rows(r)
    b = r.audit.test["baseline"]
    return {
        "accuracy": U.proportion_ci(int((b.pred == y).sum()), len(y)),
        "auc": U.auc_ci(y, b.proba, n_boot=N_BOOT),
    }


def fa01(r: StoryResult) -> Claim:
    b = r.audit.test["baseline"]
    return Claim(
        "FA-01",
        "The unmitigated fraud model scores about 94% accuracy and 0.89 AUC.",
        # main answer: "94% accuracy, 0.89 AUC"
        claimed={"accuracy": 0.94, "auc": 0.89},
        measured={
            "accuracy": b.accuracy,
            "auc": b.auc,
            "flag_rate": b.flag_rate,
            "threshold": r.audit.threshold,
        },
        tolerance=Tolerance(abs=0.02),
        unit="fraction / AUC",
        source=run_audit,
        intervals=_fa01_intervals(r),
        note="LightGBM on the raw columns, test rows, flagged at the validation alert rate; accuracy at "
        "a ~4% fraud rate mostly reflects how many rows are flagged",
    )


def _segment_gap(r: StoryResult) -> Interval | None:
    """FPR(segment) - FPR(rest) from the two Wilson intervals (disjoint rows)."""
    y, _ = _test_rows(r)
    keys = r.df.iloc[r.data.split.test][["age_group", "zip_cluster"]].astype(str).to_numpy()
    member = np.array([tuple(k) in set(r.affected_cells) for k in keys], dtype=bool)
    pred, neg = r.audit.test["baseline"].pred, y == 0
    if not (member & neg).any():
        return None
    seg = U.proportion_ci(int(pred[member & neg].sum()), int((member & neg).sum()))
    rest = U.proportion_ci(int(pred[~member & neg].sum()), int((~member & neg).sum()))
    return Interval(
        seg.low - rest.high,
        seg.high - rest.low,
        f"conservative, from two Wilson intervals ({seg.method}; {rest.method})",
    )


def fa02(r: StoryResult) -> Claim:
    found = len(set(r.affected_cells) & planted_cells())
    return Claim(
        "FA-02",
        "Segmenting by age group x ZIP cluster shows an FPR about 3x the baseline "
        "(18% vs 6%) for young customers in some ZIP clusters.",
        # follow-up 3: young customers in certain ZIPs at 18% FPR against a 6% baseline, "3x higher"
        claimed={"segment_fpr": 0.18, "baseline_fpr": 0.06, "fpr_ratio": 3.0},
        measured={
            "segment_fpr": r.segment_fpr,
            "baseline_fpr": r.rest_fpr,
            "fpr_ratio": r.segment_fpr / r.rest_fpr,
            "segment_fpr_lo": r.segment_fpr_lo,
            "affected_cells": len(r.affected_cells),
            "planted_cells_found": found,
            "small_cells": int(r.by_cross["small"].sum()),
        },
        tolerance=Tolerance(rel=0.25),
        relations=[
            Relation("segment_fpr", ">", "baseline_fpr", interval=_segment_gap(r)),
            ("planted_cells_found", ">=", 1),
        ],
        unit="FPR",
        evidence=["groups_cross.md", "groups_cross.png"],
        source=run_story,
        note="the segment is selected by the same test (its cells' FPR intervals above the rest), so "
        "segment > baseline is expected once any cell qualifies; planted_cells_found (a count, "
        "read on its point value) says whether detection found the planted cells; "
        "affected segment = cross cells (not small) whose FPR 95% interval lies above the pooled FPR "
        f"of all other rows: {', '.join(' x '.join(c) for c in r.affected_cells) or 'none'}; "
        "baseline = FPR of every other test row",
    )


def fa03(r: StoryResult) -> Claim:
    imp = r.shap_importance
    aff, rest = imp["affected"], imp["rest"]
    rank = int((aff > aff["transaction_frequency"]).sum()) + 1
    return Claim(
        "FA-03",
        "SHAP by segment: transaction_frequency carries about 0.7 in the affected segment, "
        "weighted about 2x relative to others.",
        # main answer "SHAP value ~0.7"; follow-up 3 "weighted 2x higher for affected segment"
        claimed={"shap_frequency_affected": 0.7, "frequency_weight_ratio": 2.0},
        measured={
            "shap_frequency_affected": float(aff["transaction_frequency"]),
            "shap_frequency_rest": float(rest["transaction_frequency"]),
            "frequency_weight_ratio": float(aff["transaction_frequency"] / rest["transaction_frequency"]),
            "frequency_rank_affected": rank,
        },
        tolerance=Tolerance(rel=0.25),
        relations=[("frequency_weight_ratio", ">", 1.0), ("frequency_rank_affected", "<=", 1)],
        unit="mean |SHAP| (log-odds)",
        evidence=["shap_by_segment.png", "shap_by_segment.md"],
        source=run_story,
        note="TreeSHAP on the baseline LightGBM, log-odds units; at a ~4% base rate log-odds "
        "contributions run larger than probability points, so 0.7 has no fixed scale to match; the "
        "per-row SHAP values are not kept by the pipeline, so the ratio and rank are read on their "
        "point values (no interval)",
    )


def fa04(r: StoryResult) -> Claim:
    w = r.local["weight"]
    return Claim(
        "FA-04",
        "A local surrogate of one flagged young customer weights account age -0.8, "
        "frequency +0.9 and amount -0.3.",
        # follow-up 10: account_age_days weight -0.8, transaction_frequency +0.9, avg_amount -0.3
        claimed={"w_account_age": -0.8, "w_frequency": 0.9, "w_amount": -0.3},
        measured={
            "w_account_age": float(w["account_age_days"]),
            "w_frequency": float(w["transaction_frequency"]),
            "w_amount": float(w["avg_amount"]),
            "surrogate_r2": r.local.attrs["score"],
            "fraud_probability": r.local.attrs["prediction"],
            "customer_account_age_days": float(r.local_row["account_age_days"]),
            "customer_frequency": float(r.local_row["transaction_frequency"]),
        },
        tolerance=Tolerance(abs=0.2),
        relations=[("w_frequency", ">", 0), ("w_amount", "<", 0), ("w_account_age", "<", 0)],
        unit="change in fraud probability per training SD",
        evidence=["local_explanation.md"],
        note="algorithms.local_surrogate (LIME-style, exponential kernel, ridge 1.0) around the "
        "median-scored legitimate young customer the baseline flags in the affected segment; "
        "LIME weights have no shared scale, so only signs and order carry over; the signs are read on "
        "the point values of one seeded surrogate fit (no interval)",
    )


def fa05(r: StoryResult) -> Claim:
    auc_raw, auc_peer = r.audit.test["baseline"].auc, r.audit.test["peer_features"].auc
    peer_corr = r.feature_corr["peer"]
    return Claim(
        "FA-05",
        "Peer-normalised features cut the inputs' correlation with age from 0.62 to 0.18 "
        "while keeping predictive power.",
        # source: seed 004, Responsible-AI follow-up 5 (age correlation 0.62 -> 0.18, predictive power kept)
        claimed={"age_corr_raw": 0.62, "age_corr_peer": 0.18},
        measured={
            "age_corr_raw": r.age_corr["raw"],
            "age_corr_peer": r.age_corr["peer"],
            "auc_raw": auc_raw,
            "auc_peer": auc_peer,
            "auc_floor": auc_raw - 0.02,
            "balance_pct_zip_corr": peer_corr["balance_pct_zip"],
            "max_abs_corr_peer_without_balance": max(
                abs(v) for k, v in peer_corr.items() if k != "balance_pct_zip"
            ),
            "fpr_disparity_raw": r.audit.test["baseline"].disparity.fpr_disparity,
            "fpr_disparity_peer": r.audit.test["peer_features"].disparity.fpr_disparity,
        },
        tolerance=Tolerance(abs=0.1),
        relations=[
            ("age_corr_peer", "<", "age_corr_raw"),
            # auc_peer - (auc_raw - 0.02) = paired AUC difference + 0.02
            Relation(
                "auc_peer",
                ">=",
                "auc_floor",
                interval=test_auc_diff(r, "peer_features", "baseline").shift(0.02),
            ),
        ],
        unit="correlation with age",
        evidence=["age_correlation.md"],
        source=run_story,
        note="age correlation = held-out multiple R of a linear probe predicting age from the inputs; "
        "the balance percentile within a ZIP cluster still carries age wherever wealth grows with "
        "age inside every ZIP, which is how the scenario (and most populations) works; the probe's R is "
        "read on its point value (the probe's per-row predictions are not kept)",
    )


def fa06(r: StoryResult) -> Claim:
    t = r.audit.test
    b, dp, to = t["baseline"], t["eg_demographic_parity"], t["threshold_fpr_parity"]
    return Claim(
        "FA-06",
        "ExponentiatedGradient with DemographicParity, and group-specific thresholds that "
        "equalise FPR, both reduce the disparity they target.",
        # main answer "Fairness constraints ... demographic parity ... fairlearn"; follow-ups 6 and 7
        measured={
            "dpd_baseline": b.disparity.demographic_parity_difference,
            "dpd_eg_dp": dp.disparity.demographic_parity_difference,
            "fpr_disparity_baseline": b.disparity.fpr_disparity,
            "fpr_disparity_thresholds": to.disparity.fpr_disparity,
            "fpr_disparity_eg_eo": t["eg_equalized_odds"].disparity.fpr_disparity,
            "auc_eg_dp": dp.auc,
            "auc_thresholds": to.auc,
        },
        relations=[
            Relation(
                "dpd_eg_dp",
                "<",
                "dpd_baseline",
                interval=disparity_diff(r, "dpd", "eg_demographic_parity", "baseline"),
            ),
            Relation(
                "fpr_disparity_thresholds",
                "<",
                "fpr_disparity_baseline",
                interval=disparity_diff(r, "fprd", "threshold_fpr_parity", "baseline"),
            ),
        ],
        unit="difference between age groups",
        evidence=["before_after.md"],
        source=run_audit,
        note="randomised predictions drawn with random_state=seed; their AUC is computed on P(flag|x) "
        "(fairlearn _pmf_predict), a coarse step function for a mixture of few hard classifiers, so it "
        "sits well below the baseline's score AUC",
    )


def fa07(r: StoryResult) -> Claim:
    b, a = r.audit.test["baseline"], r.audit.test[r.audit.chosen]
    ch = r.audit.chosen
    return Claim(
        "FA-07",
        "Before -> after: FPR disparity 18% -> 4%, DPD 0.16 -> 0.06, equal opportunity "
        "0.09 -> 0.03, equalized odds < 0.05, disparate impact > 0.8, AUC 0.89 -> 0.87.",
        # quick reference "Key Metrics" table; follow-ups 8 and 11
        claimed={
            "fpr_disparity_before": 0.18,
            "fpr_disparity_after": 0.04,
            "dpd_before": 0.16,
            "dpd_after": 0.06,
            "eod_before": 0.09,
            "eod_after": 0.03,
            "auc_before": 0.89,
            "auc_after": 0.87,
        },
        measured={
            "fpr_disparity_before": b.disparity.fpr_disparity,
            "fpr_disparity_after": a.disparity.fpr_disparity,
            "dpd_before": b.disparity.demographic_parity_difference,
            "dpd_after": a.disparity.demographic_parity_difference,
            "eod_before": b.disparity.equal_opportunity_difference,
            "eod_after": a.disparity.equal_opportunity_difference,
            "auc_before": b.auc,
            "auc_after": a.auc,
            "auc_ranking_after": a.auc_ranking,
            "eo_after": a.disparity.equalized_odds_difference,
            "di_ratio_after": a.disparity.demographic_parity_ratio,
        },
        tolerance=Tolerance(abs=0.03),
        intervals={"eo_after": disparity_ci(r, "eo", ch), "di_ratio_after": disparity_ci(r, "dpr", ch)},
        relations=[
            Relation(
                "fpr_disparity_after",
                "<",
                "fpr_disparity_before",
                interval=disparity_diff(r, "fprd", ch, "baseline"),
            ),
            Relation("dpd_after", "<", "dpd_before", interval=disparity_diff(r, "dpd", ch, "baseline")),
            Relation("eod_after", "<", "eod_before", interval=disparity_diff(r, "eod", ch, "baseline")),
            ("eo_after", "<", 0.05),
            ("di_ratio_after", ">", 0.8),
        ],
        unit="difference between age groups / AUC",
        evidence=["before_after.md", "groups_age.png"],
        source=run_audit,
        note=f"after = {r.audit.chosen}, chosen on validation rows; metrics between the three age groups on "
        "test rows (the story's 18% is the segment's own FPR, see FA-11)",
    )


def fa08(r: StoryResult) -> Claim:
    b, a = r.audit.test["baseline"], r.audit.test[r.audit.chosen]
    strict = [row for row in r.sweep if row["method"] == "eg_demographic_parity"]
    strictest = min(strict, key=lambda row: row["strength"]) if strict else None
    measured = {
        "auc_cost_chosen": (b.auc - a.auc) / b.auc,
        "accuracy_cost_chosen": (b.accuracy - a.accuracy) / b.accuracy,
        "auc_ranking_cost_chosen": (b.auc - a.auc_ranking) / b.auc,
        "balanced_accuracy_cost_chosen": (b.balanced_accuracy - a.balanced_accuracy) / b.balanced_accuracy,
    }
    if strictest:
        measured["auc_cost_strictest_eg"] = (b.auc - strictest["auc"]) / b.auc
    y, _ = _test_rows(r)
    cost = U.bootstrap_ci(
        lambda yy, pb, pa: (roc_auc(yy, pb) - roc_auc(yy, pa)) / roc_auc(yy, pb),
        y,
        b.proba,
        a.proba,
        n_boot=N_BOOT,
        stratify=y,
    )
    return Claim(
        "FA-08",
        "Fairness usually costs 1-5% (the story's own case: AUC 0.89 -> 0.87, a 2.2% relative drop).",
        # follow-up 11: "typically costing 1-5% accuracy ... 0.89->0.87 AUC (2.2% relative drop)"
        measured=measured,
        intervals={"auc_cost_chosen": cost},
        relations=[("auc_cost_chosen", ">=", 0.01), ("auc_cost_chosen", "<=", 0.05)],
        unit="relative drop",
        evidence=["tradeoff.png", "tradeoff.md"],
        source=run_audit,
        note="cost judged on relative AUC, the measure the story itself reports; accuracy moves with how "
        "many rows a mitigation flags, so it is shown but not judged",
    )


FA09_ROWS = 200  # rows per timed batch: the value the claim was first judged with (see fa09)


def fa09(cfg) -> Claim:
    """TreeSHAP timing, wall clock (timed), on the quick grid of ``make bench``'s code.

    The batch was once raised to 1,000 rows after 200-row batches gave a slope in trees of
    0.66 (outside the declared 0.7-1.3). The story speaks of ~50 ms *per prediction*,
    i.e. explaining rows one or a few at a time, where per-call overhead is part of the
    cost; so the original 200-row batch is restored and the slope judged as first declared.
    The stability table over seeds shows how often it lands inside the band.
    """
    claim = treeshap_timing(cfg.seed, rows=FA09_ROWS, grid="quick" if cfg.profile != "full" else "full")[1]
    return dataclasses.replace(
        claim,
        source=treeshap_timing,
        note=claim.note + f"; batch size {FA09_ROWS} rows restored (it had been raised to 1,000 after a "
        "slope of 0.66 failed the 0.7-1.3 band): per-call overhead is part of what a per-prediction "
        "cost pays, so a slope below 1 at small batches is a finding, not a measurement error",
    )


def fa10(r: StoryResult, cfg) -> Claim:
    wb, wc = r.week["baseline"], r.week[r.audit.chosen]
    young = wc.table.loc["young"] if "young" in wc.table.index else None
    half = (float(young["tpr_hi"] - young["tpr_lo"]) / 2) if young is not None else float("nan")
    measured = {
        "weekly_rows": cfg.monitor_sample,
        "baseline_week_level": r.week_gates["baseline"].level,
        "chosen_week_level": r.week_gates[r.audit.chosen].level,
        "baseline_test_level": r.audit.gates["baseline"].level,
        "fpr_disparity_week_baseline": wb.disparity.fpr_disparity,
        "eod_week_baseline": wb.disparity.equal_opportunity_difference,
        "fpr_disparity_week_chosen": wc.disparity.fpr_disparity,
        "eod_week_chosen": wc.disparity.equal_opportunity_difference,
    }
    if np.isfinite(half):
        measured["young_tpr_ci_halfwidth_week"] = half
    return Claim(
        "FA-10",
        "A weekly 5K-prediction sample through the gate: any disparity above 10% blocks release.",
        # follow-up 13: "samples 5K random predictions"; follow-up 14: "any metric >10% disparity blocks"
        measured=measured,
        relations=[("baseline_week_level", ">=", 2), ("chosen_week_level", "<", 2)],
        unit="gate level (0 pass, 1 warn, 2 block)",
        evidence=["gate.md"],
        source=run_story,
        note="the monitoring week is a fresh draw of the scenario scored by the baseline and the chosen "
        "model; with ~4% fraud, 5K rows hold ~70 young frauds, so a TPR is known only to about "
        "+-the half-width above - coarser than the 5-point equal-opportunity limit; the levels are the "
        "gate's own decisions on this sample (exact, read on their point values)",
    )


def fa11(r: StoryResult) -> Claim:
    return Claim(
        "FA-11",
        "The story's disparity figures are consistent with each other.",
        # follow-up 3 "18% FPR ... vs 6% baseline"; main answer "FPR disparity from 18% to 4%";
        # follow-up 15 "14% fewer young customers ... (from 18% to 4%)"; quick ref "77% reduction"
        checks=[
            Recompute(
                "FPR disparity before (points)",
                0.18,
                0.18 - 0.06,
                Tolerance(abs=0.005),
                "a gap between 18% and 6% FPR is 12 points; the story later calls it an 18% disparity",
            ),
            Recompute("FPR ratio", 3.0, 0.18 / 0.06, Tolerance(abs=0.05), "18% / 6%"),
            Recompute("relative reduction", 0.77, (0.18 - 0.04) / 0.18, Tolerance(abs=0.01), "(18 - 4) / 18"),
            Recompute(
                "fewer young customers blocked (points)",
                0.14,
                0.18 - (0.06 + 0.04),
                Tolerance(abs=0.005),
                "if 4% is a gap above an unchanged 6% baseline, young FPR falls 18% -> 10%: 8 points, not 14",
            ),
        ],
        measured={
            "our_segment_gap_points": r.segment_fpr - r.rest_fpr,
            "our_segment_ratio": r.segment_fpr / r.rest_fpr,
        },
        unit="FPR",
        note="our own figures are reported both ways: gap in points and ratio",
    )


def all_claims(r: StoryResult, cfg) -> list[Claim]:
    return [
        fa01(r),
        fa02(r),
        fa03(r),
        fa04(r),
        fa05(r),
        fa06(r),
        fa07(r),
        fa08(r),
        fa09(cfg),
        fa10(r, cfg),
        fa11(r),
    ]
