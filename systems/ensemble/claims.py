"""One function per EN claim: the story's figures (with source) vs this run's measurements.

Tolerances were fixed before the first run: AUC +-0.02, correlations and overlaps +-0.05,
weights +-0.05, top-10% metrics +-0.03, hyperparameters rel 25%. Source of every figure:
seed story 004, the ensemble answer, its follow-ups (Fn) and quick-reference tables (QR).
"""

from __future__ import annotations

import numpy as np

from systems.core.ledger import Claim, Recompute, Tolerance
from systems.ensemble.business import TOP_FRACTION, precision_from_recall
from systems.ensemble.diversity import recount_story
from systems.ensemble.pipeline import Results
from systems.ensemble.segments import auc_standard_error

AUC = Tolerance(abs=0.02)
SHORT = {"xgboost": "xgb", "lightgbm": "lgbm", "catboost": "cat", "logreg": "lr", "mlp": "mlp"}


def en01(r: Results) -> Claim:
    best = max(r.auc[m] for m in SHORT)
    return Claim(
        "EN-01", "A single Random Forest baseline scores AUC 0.78, and the final ensemble's 0.92 "
        "is an 18% improvement on it.",
        claimed={"rf_auc": 0.78},  # F11, QR "Key Metrics Evolution"
        measured={"rf_auc": r.auc["random_forest"], "blend_auc": r.auc["blend_penalised"],
                  "bayes_ceiling_auc": r.auc["bayes_ceiling"]},
        tolerance=AUC, unit="ROC-AUC (test)",
        checks=[Recompute("improvement_pct", 18.0, 100 * (0.92 / 0.78 - 1), Tolerance(abs=0.5),
                          "100 * (0.92 / 0.78 - 1)")],
        note=f"RF {r.auc['random_forest']:.3f} vs best tuned member {best:.3f} (story: 0.78 vs 0.88). "
             "The generator plants a mostly additive log-odds signal that an untuned forest already "
             "captures, so the baseline is not far below the tuned models. bayes_ceiling_auc scores the "
             "test rows with the generator's planted probability, which uses the latent drivers the "
             "columns only show through noisy proxies: an upper bound no model here can reach.")


def en02(r: Results) -> Claim:
    claimed = {"xgboost_auc": 0.88, "lightgbm_auc": 0.87, "catboost_auc": 0.86,  # F15, QR
               "logreg_auc": 0.82, "mlp_auc": 0.79}
    measured = {f"{m}_auc": r.auc[m] for m in ("xgboost", "lightgbm", "catboost", "logreg", "mlp")}
    order = ["xgboost_auc", "lightgbm_auc", "catboost_auc", "logreg_auc", "mlp_auc"]
    spread = max(measured.values()) - min(measured.values())
    return Claim(
        "EN-02", "Individual test AUCs rank XGBoost 0.88 > LightGBM 0.87 > CatBoost 0.86 > logistic "
        "regression 0.82 > MLP 0.79.", claimed=claimed, measured=measured, tolerance=AUC,
        relations=[(a, ">", b) for a, b in zip(order, order[1:], strict=False)], unit="ROC-AUC (test)",
        note=f"The five families span {spread:.3f} AUC here (story: 0.09). The planted signal is "
             "close to linear in the engineered features, so LogReg is not handicapped.")


def en03(r: Results) -> Claim:
    a = r.auc
    y = r.ds.y_test
    se = auc_standard_error(a["blend_penalised"], int(y.sum()), int(len(y) - y.sum()))
    names = ("uniform_vote", "manual_vote", "stack_logreg", "stack_logreg_shap", "blend_penalised")
    spread = max(a[k] for k in names) - min(a[k] for k in names)
    return Claim(
        "EN-03", "On one split: uniform vote 0.86, manual weighted vote 0.90, LogReg stacking on OOF "
        "0.89, with top-5 SHAP features 0.91, Optuna-weighted blend 0.92.",
        claimed={"uniform_vote": 0.86, "manual_vote": 0.90, "stack_logreg": 0.89,  # QR approaches
                 "stack_logreg_shap": 0.91, "blend_penalised": 0.92},
        measured={k: a[k] for k in ("uniform_vote", "manual_vote", "stack_logreg",
                                    "stack_logreg_shap", "blend_penalised", "blend_plain")}
        | {"best_single": max(a[m] for m in SHORT)},
        tolerance=AUC, unit="ROC-AUC (test)",
        relations=[("manual_vote", ">", "uniform_vote"), ("stack_logreg_shap", ">", "stack_logreg"),
                   ("blend_penalised", ">", "stack_logreg_shap"), ("blend_penalised", ">", "best_single")],
        note=f"SHAP top-5 of XGBoost: {', '.join(r.ens.shap_top)}. The five approaches span "
             f"{spread:.3f} AUC; one AUC on this test set has a standard error of ~{se:.3f} "
             "(Hanley-McNeil).")


def en04(r: Results) -> Claim:
    wp, wq = r.ens.weights["blend_plain"], r.ens.weights["blend_penalised"]
    srt_p, srt_q = np.sort(wp)[::-1], np.sort(wq)[::-1]
    claimed = {f"plain_w{i + 1}": v for i, v in enumerate([0.82, 0.12, 0.06])}  # F6
    claimed |= {f"penalised_w{i + 1}": v for i, v in enumerate([0.45, 0.42, 0.13])}  # F5, F6
    measured = {f"plain_w{i + 1}": float(v) for i, v in enumerate(srt_p)}
    measured |= {f"penalised_w{i + 1}": float(v) for i, v in enumerate(srt_q)}
    measured |= {"max_w_plain": float(wp.max()), "max_w_penalised": float(wq.max()),
                 "sampler_ks_pvalue": r.sampler_check["ks_pvalue"],
                 "sampler_mean_error": r.sampler_check["max_abs_mean_error"]}
    names = ", ".join(f"{m}={w:.2f}" for m, w in zip(("xgb", "lgbm", "lr"), wq, strict=True))
    return Claim(
        "EN-04", "Optuna TPE over non-negative weights summing to 1; the objective 0.9 AUC - 0.1 max(w) "
        "moves the weights from [0.82, 0.12, 0.06] to [0.45, 0.42, 0.13].",
        claimed=claimed, measured=measured, tolerance=Tolerance(abs=0.05), unit="weight (sorted)",
        relations=[("max_w_penalised", "<", "max_w_plain"), ("sampler_ks_pvalue", ">", 0.01),
                   ("sampler_mean_error", "<", 0.01)],
        note=f"Weights sorted largest first; penalised weights by model: {names}. "
             f"{r.cfg.blend_trials} trials per objective (story: 1000). The sampler maps K uniforms "
             "through exponential spacings (Dirichlet(1)); its marginal passes a KS test against "
             "Beta(1, K-1).")


def en05(r: Results) -> Claim:
    best = max(r.auc[m] for m in ("xgboost", "lightgbm", "logreg"))
    return Claim(
        "EN-05", "Optimised weights reach 0.92 against 0.86 for uniform weights, 0.04 above the best "
        "member (XGBoost 0.88).",
        claimed={"uniform_blend3": 0.86, "blend_penalised": 0.92, "gain_over_best_member": 0.04},  # F5
        measured={"uniform_blend3": r.auc["uniform_blend3"], "blend_penalised": r.auc["blend_penalised"],
                  "gain_over_best_member": r.auc["blend_penalised"] - best,
                  "oracle_gain_over_best_member": r.oracle_gain},
        tolerance=AUC, unit="ROC-AUC (test)",
        relations=[("blend_penalised", ">", "uniform_blend3"), ("oracle_gain_over_best_member", ">=", 0.04)],
        note="oracle_gain is the best any convex blend of the three can do over its best member with "
             "weights fitted on the test labels themselves; when even that is far below 0.04, no weight "
             "search can deliver the story's gain on models this alike.")


def en06(r: Results) -> Claim:
    pairs = {(p["a"], p["b"]): p for p in r.pairs}
    want = [("xgboost", "lightgbm", 0.42, 0.38), ("xgboost", "logreg", 0.61, 0.52),  # F2, QR
            ("lightgbm", "logreg", 0.58, 0.49), ("xgboost", "catboost", 0.81, 0.72),
            ("lightgbm", "catboost", 0.79, 0.68)]
    claimed, measured = {}, {}
    for a, b, rho, ov in want:
        p = pairs[(a, b)]
        key = f"{SHORT[a]}_{SHORT[b]}"
        claimed |= {f"rho_{key}": rho, f"overlap_{key}": ov}
        measured |= {f"rho_{key}": p["rho"], f"overlap_{key}": p["error_overlap"]}
    xl = pairs[("xgboost", "lightgbm")]
    measured |= {"xgb_only_wrong": xl["a_only"], "lgbm_only_wrong": xl["b_only"],
                 "pair_blend_fixed": xl["blend_fixed"], "pair_blend_gain_over_xgb": xl["blend_gain_over_a"]}
    story = recount_story(120, 130)  # F1
    return Claim(
        "EN-06", "XGBoost-LightGBM predictions correlate at 0.42 with 38% error overlap, XGBoost-CatBoost "
        "at 0.81 / 72%; XGBoost is wrong on 120 rows LightGBM gets right, LightGBM on 130, and the "
        "ensemble 'corrected 220'.",
        claimed=claimed, measured=measured, tolerance=Tolerance(abs=0.05), unit="Pearson rho / Jaccard",
        relations=[("rho_xgb_lgbm", "<", "rho_xgb_cat"), ("rho_xgb_lgbm", "<", 0.7)],
        checks=[Recompute("corrected_both_sets", 220, story["both_sets"], Tolerance(abs=0.5),
                          "120 + 130 rows where exactly one model is wrong")],
        note=f"Correcting both sets is 250 rows, not 220; and a two-model blend's net gain over XGBoost "
             f"is at most {story['max_gain_vs_a']} (over LightGBM {story['max_gain_vs_b']}). Errors: each "
             "model flags its top base-rate share; overlap = shared / all mistakes. Two boosted-tree "
             f"models fitted to the same rows correlate at {measured['rho_xgb_lgbm']:.2f} here.")


def en07(r: Results) -> Claim:
    lr, xg = r.ens.meta_auc["logreg"], r.ens.meta_auc["xgboost"]
    return Claim(
        "EN-07", "A LogReg meta-learner scores 0.91 with a 0.02 train-val gap; an XGBoost meta-learner "
        "overfits, 0.93 train vs 0.89 val.",
        claimed={"logreg_meta_val": 0.91, "logreg_meta_gap": 0.02,  # F3
                 "xgboost_meta_train": 0.93, "xgboost_meta_val": 0.89},
        measured={"logreg_meta_val": lr["val"], "logreg_meta_gap": lr["train"] - lr["val"],
                  "xgboost_meta_train": xg["train"], "xgboost_meta_val": xg["val"],
                  "xgboost_meta_gap": xg["train"] - xg["val"],
                  "logreg_meta_test": r.auc["stack_logreg"], "xgboost_meta_test": r.auc["stack_xgboost"]},
        tolerance=AUC, unit="ROC-AUC", relations=[("xgboost_meta_gap", ">", "logreg_meta_gap"),
                                                  ("logreg_meta_val", ">", "xgboost_meta_val")],
        note="train = meta-learner scored on the OOF rows it was fitted on; val = meta-learner's own "
             "5-fold OOF over that matrix; test = held-out rows.")


def en08(r: Results) -> Claim:
    s = r.blend_split_auc
    return Claim(
        "EN-08", "Nested CV (outer 5 x inner 5) gives 0.92 +- 0.008; train/val/test AUC 0.93 / 0.92 / 0.92.",
        claimed={"nested_mean": 0.92, "nested_std": 0.008, "train": 0.93, "val": 0.92, "test": 0.92},
        measured={"nested_mean": r.nested["mean"], "nested_std": r.nested["std"], **s,
                  "train_minus_test": s["train"] - s["test"]},  # F9, F16
        tolerance=Tolerance(abs=0.02), unit="ROC-AUC",
        relations=[("nested_std", "<", 0.02), ("train_minus_test", "<", 0.03)],
        note=f"Outer {r.cfg.nested_outer} x inner {r.cfg.nested_inner}, "
             f"{r.cfg.nested_trials or 'no'} inner tuning trials per model "
             f"({'story optima fixed' if not r.cfg.nested_trials else 'TPE'}); train = in-sample scores "
             "of the refitted members, val = OOF. Fixed tree counts stand in for early stopping "
             "(patience 50); the stacking meta uses the story's L2 alpha = 0.1 (C = 10).")


def en09(r: Results) -> Claim:
    seg = {row["segment"]: row for row in r.segments}
    hv, rs, le = seg["high_value"], seg["recent_signup"], seg["low_engagement"]
    trees = float(np.mean([le["xgboost"], le["lightgbm"], le["catboost"]]))
    return Claim(
        "EN-09", "Per segment: high-value LightGBM 0.93 vs XGBoost 0.85; recent signups XGBoost 0.91 vs "
        "LightGBM 0.82; low engagement LogReg 0.80 vs trees 0.76.",
        claimed={"high_value_lgbm": 0.93, "high_value_xgb": 0.85, "recent_xgb": 0.91,  # F14
                 "recent_lgbm": 0.82, "low_engagement_lr": 0.80, "low_engagement_trees": 0.76},
        measured={"high_value_lgbm": hv["lightgbm"], "high_value_xgb": hv["xgboost"],
                  "recent_xgb": rs["xgboost"], "recent_lgbm": rs["lightgbm"],
                  "low_engagement_lr": le["logreg"], "low_engagement_trees": trees,
                  **{f"{k}_blend": seg[k]["blend_penalised"] for k in seg}},
        tolerance=AUC, unit="ROC-AUC (test segment)",
        relations=[("high_value_lgbm", ">", "high_value_xgb"), ("recent_xgb", ">", "recent_lgbm"),
                   ("low_engagement_lr", ">", "low_engagement_trees")],
        note=f"Segment sizes: high_value {hv['n']}, recent_signup {rs['n']}, low_engagement {le['n']} "
             f"test rows; the smallest segment's AUC has a standard error of ~{_segment_se(r, rs):.3f}.")


def _segment_se(r: Results, row: dict) -> float:
    mask = r.ds.segments[row["segment"]]
    n_pos = int(r.ds.y_test[mask].sum())
    return auc_standard_error(row["xgboost"], n_pos, int(mask.sum()) - n_pos)


def en10(r: Results) -> Claim:
    return Claim(
        "EN-10", "RF 12 ms vs 3-model ensemble 28 ms (2.3x slower); an XGBoost+LightGBM vote serves at "
        "18 ms with AUC 0.90.",
        claimed={"vote2_auc": 0.90}, measured={"vote2_auc": r.auc["vote2"],  # F11
                                                "blend_auc": r.auc["blend_penalised"]},
        tolerance=AUC, unit="ROC-AUC (test)", relations=[("vote2_auc", "<=", "blend_auc")],
        checks=[Recompute("slowdown", 2.3, 28 / 12, Tolerance(abs=0.05), "28 ms / 12 ms")],
        note="Latencies depend on the machine, so they are measured in the same run but written to "
             "latency.md (and `make bench`), not to this seed-determined ledger.", evidence=["latency.md"])


def en11(r: Results) -> Claim:
    rf, bl = r.top10["random_forest"], r.top10["blend_penalised"]
    base = 0.082  # F20: churn rate 8.2%
    return Claim(
        "EN-11", "At the top 10% of scores precision/recall/F1 go from 0.62/0.58/0.60 (RF) to 0.84/0.84/0.84 "
        "(ensemble) with an 8.2% churn rate.",
        claimed={"rf_precision": 0.62, "rf_recall": 0.58, "rf_f1": 0.60,  # F20, QR
                 "blend_precision": 0.84, "blend_recall": 0.84, "blend_f1": 0.84},
        measured={"rf_precision": rf["precision"], "rf_recall": rf["recall"], "rf_f1": rf["f1"],
                  "blend_precision": bl["precision"], "blend_recall": bl["recall"], "blend_f1": bl["f1"],
                  "precision_ceiling": bl["precision_ceiling"], "base_rate": float(np.mean(r.ds.y_test))},
        tolerance=Tolerance(abs=0.03), unit="fraction at top 10%",
        relations=[("blend_precision", "<=", "precision_ceiling"), ("blend_precision", ">=", "rf_precision")],
        checks=[Recompute("blend_precision", 0.84, precision_from_recall(0.84, base, TOP_FRACTION),
                          Tolerance(abs=0.01), "recall 0.84 x base rate 0.082 / 0.10"),
                Recompute("story_precision_ceiling", 0.84, base / TOP_FRACTION, Tolerance(abs=0.01),
                          "precision@10% <= 0.082 / 0.10")],
        note="With 8.2% churners, a top-10% list holds at most 82% churners, so precision 0.84 is "
             "impossible, and equal precision and recall would need a 10% base rate. Our test base "
             f"rate is {np.mean(r.ds.y_test):.1%}, so our levels are not comparable to the story's.")


def en12(r: Results) -> Claim:
    s, f = r.small, r.rf_seeds
    return Claim(
        "EN-12", "Ensembles fail with look-alike members (three RF seeds: 0.78 -> 0.79) and on small data "
        "(< 5K rows: ensemble 0.88 train / 0.76 test vs single 0.82 / 0.80).",
        claimed={"rf_single_mean": 0.78, "rf_three_seed_avg": 0.79, "ensemble_train": 0.88,  # F12
                 "ensemble_test": 0.76, "single_train": 0.82, "single_test": 0.80},
        measured={"rf_single_mean": f["rf_single_mean"], "rf_three_seed_avg": f["rf_three_seed_avg"],
                  "three_seed_gain": f["rf_three_seed_avg"] - f["rf_single_mean"],
                  "ensemble_train": s["ensemble_train"], "ensemble_test": s["ensemble_test"],
                  "single_train": s["single_train"], "single_test": s["single_test"],
                  "ensemble_gap": s["ensemble_train"] - s["ensemble_test"],
                  "single_gap": s["single_train"] - s["single_test"], "small_rows": s["n_rows"]},
        tolerance=AUC, unit="ROC-AUC",
        relations=[("three_seed_gain", "<", 0.02), ("ensemble_gap", ">", "single_gap"),
                   ("ensemble_test", "<", "single_test")],
        note="Small data: a fresh data set of small_rows snapshots (after quarantine), members at the "
             "story's optima, blend weights from OOF with the penalised objective.")


def en13(r: Results) -> Claim:
    d, h = r.degraded, r.degraded_heavy
    return Claim(
        "EN-13", "When XGBoost degraded 0.88 -> 0.84 in production the ensemble only dropped 0.92 -> 0.90.",
        claimed={"member_before": 0.88, "member_after": 0.84,  # F6
                 "blend_penalised_before": 0.92, "blend_penalised_after": 0.90},
        measured={k: d[k] for k in ("member_before", "member_after", "blend_penalised_before",
                                     "blend_penalised_after", "blend_plain_before", "blend_plain_after")}
        | {"member_drop": d["member_before"] - d["member_after"],
           "penalised_drop": d["blend_penalised_before"] - d["blend_penalised_after"],
           "plain_drop": d["blend_plain_before"] - d["blend_plain_after"],
           "heavy_penalised_drop": h["blend_penalised_before"] - h["blend_penalised_after"],
           "heavy_plain_drop": h["blend_plain_before"] - h["blend_plain_after"]},
        tolerance=AUC, unit="ROC-AUC (test)",
        relations=[("penalised_drop", "<", "member_drop"), ("penalised_drop", "<=", "plain_drop")],
        note=f"XGBoost's test scores were degraded with logit noise (sigma {d['sigma']:.2f}) until its "
             "AUC fell by exactly the story's 0.04; blend weights unchanged. heavy_* = the same shock "
             f"applied instead to {h['member']}, the member the plain blend weights most: the penalty "
             "protects against losing the heavy member, not any member.")


def en14(r: Results) -> Claim:
    px, pl, pr = r.base.params["xgboost"], r.base.params["lightgbm"], r.base.params["logreg"]
    claimed = {"xgb_learning_rate": 0.05, "xgb_max_depth": 6, "xgb_subsample": 0.8,  # QR hyperparameters
               "xgb_colsample_bytree": 0.75, "lgbm_learning_rate": 0.08, "lgbm_num_leaves": 64,
               "lgbm_min_child_samples": 20, "lgbm_feature_fraction": 0.85, "lr_C": 1.0,
               "lr_is_l2": 1.0, "lr_is_lbfgs": 1.0}
    measured = {f"xgb_{k}": float(px[k]) for k in ("learning_rate", "max_depth", "subsample",
                                                   "colsample_bytree")}
    measured |= {f"lgbm_{k}": float(pl[k]) for k in ("learning_rate", "num_leaves", "min_child_samples",
                                                     "feature_fraction")}
    measured |= {"lr_C": float(pr["C"]), "lr_is_l2": float(pr["penalty"] == "l2"),
                 "lr_is_lbfgs": float(pr["solver"] == "lbfgs")}
    ctx = {f"{SHORT[m]}_found_cv_auc": r.base.cv_auc[m] for m in r.base.story_cv_auc}
    ctx |= {f"{SHORT[m]}_story_optimum_cv_auc": v for m, v in r.base.story_cv_auc.items()}
    measured |= ctx
    return Claim(
        "EN-14", "Tuned optima: XGBoost lr 0.05, depth 6, subsample 0.8, colsample 0.75; LightGBM lr 0.08, "
        "64 leaves, min_child_samples 20, feature_fraction 0.85; LogReg C 1.0, l2, lbfgs.",
        claimed=claimed, measured=measured, tolerance=Tolerance(rel=0.25), unit="hyperparameter",
        note=f"Searched over the story's ranges with {r.cfg.model_trials} TPE trials per model "
             f"({r.cfg.tune_folds}-fold CV). CV AUCs of the optima: "
             + ", ".join(f"{SHORT[m]} {v:.3f}" for m, v in r.base.cv_auc.items())
             + ". *_story_optimum_cv_auc scores the story's optima on the same folds: when the two CV "
             "AUCs are within a few thousandths the surface is flat and its arg-max is noise.")


def en15(r: Results) -> Claim:
    v = r.views
    return Claim(
        "EN-15", "Model-specific features lift XGBoost 0.86 -> 0.88, LightGBM 0.85 -> 0.87 and the "
        "ensemble 0.90 -> 0.92.",
        claimed={"xgboost_without": 0.86, "xgboost_with": 0.88, "lightgbm_without": 0.85,  # F18
                 "lightgbm_with": 0.87, "ensemble_without": 0.90, "ensemble_with": 0.92},
        measured=dict(v), tolerance=AUC, unit="ROC-AUC (test)",
        relations=[("xgboost_with", ">", "xgboost_without"), ("lightgbm_with", ">", "lightgbm_without"),
                   ("ensemble_with", ">", "ensemble_without")],
        note="Views: XGBoost + recency group, LightGBM + contract x plan/payment crosses, LogReg + "
             "squares/cube; 'without' = churn features minus the recency group, for all three.")


ALL = (en01, en02, en03, en04, en05, en06, en07, en08, en09, en10, en11, en12, en13, en14, en15)


def all_claims(r: Results) -> list[Claim]:
    return [fn(r) for fn in ALL]
