"""One function per EN claim: the story's figures (with source) vs this run's measurements.

Tolerances were fixed before the first run: AUC +-0.02, correlations and overlaps +-0.05,
weights +-0.05, top-10% metrics +-0.03, hyperparameters rel 25%; latency ratios (EN-10,
first judged in ledger v2) rel 25%. Every figure comes from the ensemble
story (not part of this repository): its answer, follow-ups (Fn) and quick-reference tables (QR).

Ledger v2. Every model here is scored on the same test rows, so a relation between two
AUCs is decided on a paired bootstrap of their difference (``U.auc_diff_ci``, resampled
within each class, ``N_BOOT`` resamples, seeded). Contrasts of more than two AUCs (a gap
of gaps, a mean of three) use ``U.bootstrap_ci`` on the same resampled rows. Relations
between figures measured on different rows (train vs test) combine their separate
intervals conservatively. Checks of our own machinery (the simplex sampler, an identity
such as precision <= its ceiling) are supporting (``central=False``).
"""

from __future__ import annotations

import numpy as np

from algorithms.metrics import at_top_fraction, roc_auc
from systems.core import uncertainty as U
from systems.core.ledger import Claim, Interval, Recompute, Relation, Tolerance
from systems.ensemble.analysis import (
    TOP_FRACTION,
    LatencyRow,
    Ratio,
    auc_standard_error,
    oracle_blend_gain,
    pairwise_table,
    precision_from_recall,
    recount_story,
    segment_aucs,
    side_by_side,
    top_fraction_view,
)
from systems.ensemble.ensembles import build_ensembles, meta_train_val
from systems.ensemble.experiments import compare_views, degraded_blends, nested_cv, small_data
from systems.ensemble.pipeline import Results

AUC = Tolerance(abs=0.02)
SHORT = {"xgboost": "xgb", "lightgbm": "lgbm", "catboost": "cat", "logreg": "lr", "mlp": "mlp"}
N_BOOT = 500  # resamples per bootstrap interval


def test_scores(r: Results) -> dict[str, np.ndarray]:
    """Every model's and approach's scores on the test rows, by name."""
    return r.base.test | r.ens.test


def diff(y, a, b) -> Interval:
    """Paired bootstrap interval of AUC(a) - AUC(b) on the same rows."""
    return U.auc_diff_ci(y, a, b, n_boot=N_BOOT)


def auc_rel(r: Results, a: str, op: str, b: str, central: bool = True) -> Relation:
    """``a op b`` between two test AUCs, decided on their paired bootstrap."""
    s = test_scores(r)
    return Relation(a, op, b, interval=diff(r.ds.y_test, s[a], s[b]), central=central)


def contrast(y, stat, *scores) -> Interval:
    """Bootstrap interval of ``stat(AUC(s_1), ..., AUC(s_k))`` over the same resampled rows."""
    return U.bootstrap_ci(
        lambda yy, *ss: stat(*(roc_auc(yy, x) for x in ss)), y, *scores, n_boot=N_BOOT, stratify=y
    )


def conservative(a: Interval, b: Interval) -> Interval:
    """Interval of a - b from two separate intervals (different rows, no pairing)."""
    return Interval(
        a.low - b.high,
        a.high - b.low,
        f"conservative, from separate intervals ({a.method}; {b.method})",
        min(a.level, b.level),
    )


def en01(r: Results) -> Claim:
    best = max(r.auc[m] for m in SHORT)
    return Claim(
        "EN-01",
        "A single Random Forest baseline scores AUC 0.78, and the final ensemble's 0.92 "
        "is an 18% improvement on it.",
        claimed={"rf_auc": 0.78},  # F11, QR "Key Metrics Evolution"
        measured={
            "rf_auc": r.auc["random_forest"],
            "blend_auc": r.auc["blend_penalised"],
            "bayes_ceiling_auc": r.auc["bayes_ceiling"],
        },
        tolerance=AUC,
        unit="ROC-AUC (test)",
        intervals={"rf_auc": U.auc_ci(r.ds.y_test, r.base.test["random_forest"], n_boot=N_BOOT)},
        checks=[
            Recompute(
                "improvement_pct",
                18.0,
                100 * (0.92 / 0.78 - 1),
                Tolerance(abs=0.5),
                "100 * (0.92 / 0.78 - 1)",
            )
        ],
        note=f"RF {r.auc['random_forest']:.3f} vs best tuned member {best:.3f} (story: 0.78 vs 0.88). "
        "The generator plants a mostly additive log-odds signal that an untuned forest already "
        "captures, so the baseline is not far below the tuned models. bayes_ceiling_auc scores the "
        "test rows with the generator's planted probability, which uses the latent drivers the "
        "columns only show through noisy proxies: an upper bound no model here can reach.",
    )


def en02(r: Results) -> Claim:
    claimed = {
        "xgboost_auc": 0.88,
        "lightgbm_auc": 0.87,
        "catboost_auc": 0.86,  # F15, QR
        "logreg_auc": 0.82,
        "mlp_auc": 0.79,
    }
    measured = {f"{m}_auc": r.auc[m] for m in ("xgboost", "lightgbm", "catboost", "logreg", "mlp")}
    order = ["xgboost_auc", "lightgbm_auc", "catboost_auc", "logreg_auc", "mlp_auc"]
    spread = max(measured.values()) - min(measured.values())
    return Claim(
        "EN-02",
        "Individual test AUCs rank XGBoost 0.88 > LightGBM 0.87 > CatBoost 0.86 > logistic "
        "regression 0.82 > MLP 0.79.",
        claimed=claimed,
        measured=measured,
        tolerance=AUC,
        relations=[
            Relation(a, ">", b, interval=diff(r.ds.y_test, r.base.test[a[:-4]], r.base.test[b[:-4]]))
            for a, b in zip(order, order[1:], strict=False)
        ],
        unit="ROC-AUC (test)",
        note=f"The five families span {spread:.3f} AUC here (story: 0.09). The planted signal is "
        "close to linear in the engineered features, so LogReg is not handicapped.",
    )


def en03(r: Results) -> Claim:
    a = r.auc
    y = r.ds.y_test
    se = auc_standard_error(a["blend_penalised"], int(y.sum()), int(len(y) - y.sum()))
    names = ("uniform_vote", "manual_vote", "stack_logreg", "stack_logreg_shap", "blend_penalised")
    spread = max(a[k] for k in names) - min(a[k] for k in names)
    best = max(SHORT, key=lambda m: a[m])
    s = test_scores(r)
    return Claim(
        "EN-03",
        "On one split: uniform vote 0.86, manual weighted vote 0.90, LogReg stacking on OOF "
        "0.89, with top-5 SHAP features 0.91, Optuna-weighted blend 0.92.",
        claimed={
            "uniform_vote": 0.86,
            "manual_vote": 0.90,
            "stack_logreg": 0.89,  # QR approaches
            "stack_logreg_shap": 0.91,
            "blend_penalised": 0.92,
        },
        measured={
            k: a[k]
            for k in (
                "uniform_vote",
                "manual_vote",
                "stack_logreg",
                "stack_logreg_shap",
                "blend_penalised",
                "blend_plain",
            )
        }
        | {"best_single": max(a[m] for m in SHORT)},
        tolerance=AUC,
        unit="ROC-AUC (test)",
        relations=[
            auc_rel(r, "manual_vote", ">", "uniform_vote"),
            auc_rel(r, "stack_logreg_shap", ">", "stack_logreg"),
            auc_rel(r, "blend_penalised", ">", "stack_logreg_shap"),
            Relation("blend_penalised", ">", "best_single", interval=diff(y, s["blend_penalised"], s[best])),
        ],
        source=build_ensembles,
        note=f"best_single = {best}. SHAP top-5 of XGBoost: {', '.join(r.ens.shap_top)}. "
        f"The five approaches span "
        f"{spread:.3f} AUC; one AUC on this test set has a standard error of ~{se:.3f} "
        "(Hanley-McNeil).",
    )


def en04(r: Results) -> Claim:
    wp, wq = r.ens.weights["blend_plain"], r.ens.weights["blend_penalised"]
    srt_p, srt_q = np.sort(wp)[::-1], np.sort(wq)[::-1]
    claimed = {f"plain_w{i + 1}": v for i, v in enumerate([0.82, 0.12, 0.06])}  # F6
    claimed |= {f"penalised_w{i + 1}": v for i, v in enumerate([0.45, 0.42, 0.13])}  # F5, F6
    measured = {f"plain_w{i + 1}": float(v) for i, v in enumerate(srt_p)}
    measured |= {f"penalised_w{i + 1}": float(v) for i, v in enumerate(srt_q)}
    measured |= {
        "max_w_plain": float(wp.max()),
        "max_w_penalised": float(wq.max()),
        "sampler_ks_pvalue": r.sampler_check.ks_pvalue,
        "sampler_mean_error": r.sampler_check.max_abs_mean_error,
    }
    names = ", ".join(f"{m}={w:.2f}" for m, w in zip(("xgb", "lgbm", "lr"), wq, strict=True))
    return Claim(
        "EN-04",
        "Optuna TPE over non-negative weights summing to 1; the objective 0.9 AUC - 0.1 max(w) "
        "moves the weights from [0.82, 0.12, 0.06] to [0.45, 0.42, 0.13].",
        claimed=claimed,
        measured=measured,
        tolerance=Tolerance(abs=0.05),
        unit="weight (sorted)",
        relations=[
            ("max_w_penalised", "<", "max_w_plain"),
            Relation("sampler_ks_pvalue", ">", 0.01, central=False),
            Relation("sampler_mean_error", "<", 0.01, central=False),
        ],
        source=build_ensembles,
        note=f"The weights are the argmax of a seeded search on OOF scores, not a sample of rows, so "
        "max_w_penalised < max_w_plain is read on the point values; the sampler checks test our "
        f"machinery (supporting). Weights sorted largest first; penalised weights by model: {names}. "
        f"{r.cfg.blend_trials} trials per objective (story: 1000). The sampler maps K uniforms "
        "through exponential spacings (Dirichlet(1)); its marginal passes a KS test against "
        "Beta(1, K-1).",
    )


def en05(r: Results) -> Claim:
    best = max(r.auc[m] for m in ("xgboost", "lightgbm", "logreg"))
    best_name = max(("xgboost", "lightgbm", "logreg"), key=lambda m: r.auc[m])
    gain_iv = diff(r.ds.y_test, r.ens.test["blend_penalised"], r.base.test[best_name])
    return Claim(
        "EN-05",
        "Optimised weights reach 0.92 against 0.86 for uniform weights, 0.04 above the best "
        "member (XGBoost 0.88).",
        claimed={"uniform_blend3": 0.86, "blend_penalised": 0.92, "gain_over_best_member": 0.04},  # F5
        measured={
            "uniform_blend3": r.auc["uniform_blend3"],
            "blend_penalised": r.auc["blend_penalised"],
            "gain_over_best_member": r.auc["blend_penalised"] - best,
            "oracle_gain_over_best_member": r.oracle_gain,
        },
        tolerance=AUC,
        unit="ROC-AUC (test)",
        intervals={"gain_over_best_member": gain_iv},
        relations=[
            auc_rel(r, "blend_penalised", ">", "uniform_blend3"),
            ("oracle_gain_over_best_member", ">=", 0.04),
        ],
        source=oracle_blend_gain,
        note="oracle_gain (decided on its point value: a deterministic upper bound, not an estimate) is "
        "the best any convex blend of the three can do over its best member with "
        "weights fitted on the test labels themselves; when even that is far below 0.04, no weight "
        "search can deliver the story's gain on models this alike.",
    )


def en06(r: Results) -> Claim:
    pairs = {(p.a, p.b): p for p in r.pairs}
    want = [
        ("xgboost", "lightgbm", 0.42, 0.38),
        ("xgboost", "logreg", 0.61, 0.52),  # F2, QR
        ("lightgbm", "logreg", 0.58, 0.49),
        ("xgboost", "catboost", 0.81, 0.72),
        ("lightgbm", "catboost", 0.79, 0.68),
    ]
    claimed, measured = {}, {}
    for a, b, rho, ov in want:
        p = pairs[(a, b)]
        key = f"{SHORT[a]}_{SHORT[b]}"
        claimed |= {f"rho_{key}": rho, f"overlap_{key}": ov}
        measured |= {f"rho_{key}": p.rho, f"overlap_{key}": p.error_overlap}
    xl = pairs[("xgboost", "lightgbm")]
    measured |= {
        "xgb_only_wrong": xl.a_only,
        "lgbm_only_wrong": xl.b_only,
        "pair_blend_fixed": xl.blend_fixed,
        "pair_blend_gain_over_xgb": xl.blend_gain_over_a,
    }
    story = recount_story(120, 130)  # F1
    s = r.base.test

    def rho(a, b):
        return float(np.corrcoef(a, b)[0, 1])

    rho_iv = U.bootstrap_ci(rho, s["xgboost"], s["lightgbm"], n_boot=N_BOOT)
    rho_gap = U.bootstrap_ci(
        lambda x, lg, c: rho(x, lg) - rho(x, c), s["xgboost"], s["lightgbm"], s["catboost"], n_boot=N_BOOT
    )
    return Claim(
        "EN-06",
        "XGBoost-LightGBM predictions correlate at 0.42 with 38% error overlap, XGBoost-CatBoost "
        "at 0.81 / 72%; XGBoost is wrong on 120 rows LightGBM gets right, LightGBM on 130, and the "
        "ensemble 'corrected 220'.",
        claimed=claimed,
        measured=measured,
        tolerance=Tolerance(abs=0.05),
        unit="Pearson rho / Jaccard",
        intervals={"rho_xgb_lgbm": rho_iv},
        source=pairwise_table,
        relations=[
            Relation("rho_xgb_lgbm", "<", "rho_xgb_cat", interval=rho_gap),
            ("rho_xgb_lgbm", "<", 0.7),
        ],
        checks=[
            Recompute(
                "corrected_both_sets",
                220,
                story.both_sets,
                Tolerance(abs=0.5),
                "120 + 130 rows where exactly one model is wrong",
            )
        ],
        note=f"Correcting both sets is 250 rows, not 220; and a two-model blend's net gain over XGBoost "
        f"is at most {story.max_gain_vs_a} (over LightGBM {story.max_gain_vs_b}). Errors: each "
        "model flags its top base-rate share; overlap = shared / all mistakes. Two boosted-tree "
        f"models fitted to the same rows correlate at {measured['rho_xgb_lgbm']:.2f} here.",
    )


def en07(r: Results) -> Claim:
    lr, xg = r.ens.meta["logreg"], r.ens.meta["xgboost"]
    y = r.ds.y_train  # train and val are both scored on the OOF rows
    gap_gap = contrast(
        y,
        lambda xt, xv, lt, lv: (xt - xv) - (lt - lv),
        xg.train_scores,
        xg.val_scores,
        lr.train_scores,
        lr.val_scores,
    )
    return Claim(
        "EN-07",
        "A LogReg meta-learner scores 0.91 with a 0.02 train-val gap; an XGBoost meta-learner "
        "overfits, 0.93 train vs 0.89 val.",
        claimed={
            "logreg_meta_val": 0.91,
            "logreg_meta_gap": 0.02,  # F3
            "xgboost_meta_train": 0.93,
            "xgboost_meta_val": 0.89,
        },
        measured={
            "logreg_meta_val": lr.val,
            "logreg_meta_gap": lr.train - lr.val,
            "xgboost_meta_train": xg.train,
            "xgboost_meta_val": xg.val,
            "xgboost_meta_gap": xg.train - xg.val,
            "logreg_meta_test": r.auc["stack_logreg"],
            "xgboost_meta_test": r.auc["stack_xgboost"],
        },
        tolerance=AUC,
        unit="ROC-AUC",
        source=meta_train_val,
        relations=[
            Relation("xgboost_meta_gap", ">", "logreg_meta_gap", interval=gap_gap),
            Relation(
                "logreg_meta_val",
                ">",
                "xgboost_meta_val",
                interval=diff(y, lr.val_scores, xg.val_scores),
            ),
        ],
        note="train = meta-learner scored on the OOF rows it was fitted on; val = meta-learner's own "
        "5-fold OOF over that matrix; test = held-out rows.",
    )


def en08(r: Results) -> Claim:
    s = r.blend_split
    gap = conservative(
        U.auc_ci(r.ds.y_train, s.train_scores, n_boot=N_BOOT),
        U.auc_ci(r.ds.y_test, s.test_scores, n_boot=N_BOOT),
    )
    fold_aucs = np.asarray(r.nested.fold_aucs, dtype=float)
    return Claim(
        "EN-08",
        "Nested CV (outer 5 x inner 5) gives 0.92 +- 0.008; train/val/test AUC 0.93 / 0.92 / 0.92.",
        claimed={"nested_mean": 0.92, "nested_std": 0.008, "train": 0.93, "val": 0.92, "test": 0.92},
        measured={
            "nested_mean": r.nested.mean,
            "nested_std": r.nested.std,
            "train": s.train,
            "val": s.val,
            "test": s.test,
            "train_minus_test": s.train - s.test,
        },  # F9, F16
        tolerance=Tolerance(abs=0.02),
        unit="ROC-AUC",
        source=nested_cv,
        intervals={"nested_mean": U.mean_ci(fold_aucs)} if fold_aucs.size >= 2 else {},
        relations=[("nested_std", "<", 0.02), Relation("train_minus_test", "<", 0.03, interval=gap)],
        note=f"Outer {r.cfg.nested_outer} x inner {r.cfg.nested_inner}, "
        f"{r.cfg.nested_trials or 'no'} inner tuning trials per model "
        f"({'story optima fixed' if not r.cfg.nested_trials else 'TPE'}); train = in-sample scores "
        "of the refitted members, val = OOF. Fixed tree counts stand in for early stopping "
        "(patience 50); the stacking meta uses the story's L2 alpha = 0.1 (C = 10). nested_std is "
        "the spread of a handful of outer folds (read on its point value); the train-test gap "
        "compares different rows, so its interval combines the two separately.",
    )


def en09(r: Results) -> Claim:
    seg = {row["segment"]: row for row in r.segments}
    hv, rs, le = seg["high_value"], seg["recent_signup"], seg["low_engagement"]
    trees = float(np.mean([le["xgboost"], le["lightgbm"], le["catboost"]]))
    y, s = r.ds.y_test, r.base.test

    def seg_diff(seg, a, b):
        m = r.ds.segments[seg]
        return diff(y[m], s[a][m], s[b][m])

    le_mask = r.ds.segments["low_engagement"]
    lr_vs_trees = contrast(
        y[le_mask],
        lambda lr, x, lg, c: lr - (x + lg + c) / 3,
        *(s[k][le_mask] for k in ("logreg", "xgboost", "lightgbm", "catboost")),
    )
    return Claim(
        "EN-09",
        "Per segment: high-value LightGBM 0.93 vs XGBoost 0.85; recent signups XGBoost 0.91 vs "
        "LightGBM 0.82; low engagement LogReg 0.80 vs trees 0.76.",
        claimed={
            "high_value_lgbm": 0.93,
            "high_value_xgb": 0.85,
            "recent_xgb": 0.91,  # F14
            "recent_lgbm": 0.82,
            "low_engagement_lr": 0.80,
            "low_engagement_trees": 0.76,
        },
        measured={
            "high_value_lgbm": hv["lightgbm"],
            "high_value_xgb": hv["xgboost"],
            "recent_xgb": rs["xgboost"],
            "recent_lgbm": rs["lightgbm"],
            "low_engagement_lr": le["logreg"],
            "low_engagement_trees": trees,
            **{f"{k}_blend": seg[k]["blend_penalised"] for k in seg},
        },
        tolerance=AUC,
        unit="ROC-AUC (test segment)",
        relations=[
            Relation(
                "high_value_lgbm",
                ">",
                "high_value_xgb",
                interval=seg_diff("high_value", "lightgbm", "xgboost"),
            ),
            Relation(
                "recent_xgb", ">", "recent_lgbm", interval=seg_diff("recent_signup", "xgboost", "lightgbm")
            ),
            Relation("low_engagement_lr", ">", "low_engagement_trees", interval=lr_vs_trees),
        ],
        source=segment_aucs,
        note=f"Segment sizes: high_value {hv['n']}, recent_signup {rs['n']}, low_engagement {le['n']} "
        f"test rows; the smallest segment's AUC has a standard error of ~{_segment_se(r, rs):.3f}.",
    )


def _segment_se(r: Results, row: dict) -> float:
    mask = r.ds.segments[row["segment"]]
    n_pos = int(r.ds.y_test[mask].sum())
    return auc_standard_error(row["xgboost"], n_pos, int(mask.sum()) - n_pos)


def en10(r: Results, ratios: dict[str, Ratio], table: list[LatencyRow]) -> Claim:
    b3, v2 = ratios["blend3/row"], ratios["vote2/row"]
    y, s = r.ds.y_test, r.ens.test
    auc_iv = U.auc_ci(y, s["vote2"], n_boot=N_BOOT)
    back_to_back = {row.approach: row.per_row_ratio_vs_first for row in table}
    return Claim(
        "EN-10",
        "RF 12 ms vs 3-model ensemble 28 ms (2.3x slower); an XGBoost+LightGBM vote serves at "
        "18 ms with AUC 0.90.",
        # F11: 12 ms, 28 ms, 18 ms per prediction; 0.90 AUC for the two-model vote
        claimed={"blend3_vs_rf_per_row": 28 / 12, "vote2_vs_rf_per_row": 18 / 12},
        measured={
            "blend3_vs_rf_per_row": b3.ratio,
            "vote2_vs_rf_per_row": v2.ratio,
            "rf_ms_per_row": b3.b_ms,
            "blend3_ms_per_row": b3.a_ms,
            "vote2_ms_per_row": v2.a_ms,
            "blend3_vs_rf_batch": ratios["blend3/batch"].ratio,
            "vote2_vs_rf_batch": ratios["vote2/batch"].ratio,
            "blend3_vs_rf_back_to_back": back_to_back["blend3"],
            "vote2_auc": r.auc["vote2"],
            "blend_auc": r.auc["blend_penalised"],
        },
        intervals={
            "blend3_vs_rf_per_row": b3.interval,
            "vote2_vs_rf_per_row": v2.interval,
            "vote2_auc": auc_iv,
        },
        tolerance=Tolerance(rel=0.25),
        unit="latency ratio vs RF (this machine) / ROC-AUC (test)",
        # the central statement is the latency ratios (figures); the vote's AUC (at the EN AUC
        # tolerance, +-0.02, on its interval) is supporting, so it cannot lift a verdict whose
        # ratios are off
        relations=[
            Relation("vote2_auc", ">=", 0.90 - AUC.abs, central=False),
            Relation("vote2_auc", "<=", 0.90 + AUC.abs, central=False),
            Relation(
                "vote2_auc",
                "<=",
                "blend_auc",
                central=False,
                interval=diff(y, s["vote2"], s["blend_penalised"]),
            ),
        ],
        checks=[Recompute("slowdown", 2.3, 28 / 12, Tolerance(abs=0.05), "28 ms / 12 ms")],
        timed=True,
        evidence=["latency.md", "latency_ratios.md"],
        source=side_by_side,
        note="Ratios are medians of interleaved repeats (systems.core.timing.compare), one row per call, "
        "models run one after another in one process; blend3_vs_rf_back_to_back is the same ratio "
        "from latency.md's back-to-back table. Absolute ms are this shared machine's and are shown, "
        "not judged.",
    )


def en11(r: Results) -> Claim:
    rf, bl = r.top10["random_forest"], r.top10["blend_penalised"]
    base = 0.082  # F20: churn rate 8.2%
    return Claim(
        "EN-11",
        "At the top 10% of scores precision/recall/F1 go from 0.62/0.58/0.60 (RF) to 0.84/0.84/0.84 "
        "(ensemble) with an 8.2% churn rate.",
        claimed={
            "rf_precision": 0.62,
            "rf_recall": 0.58,
            "rf_f1": 0.60,  # F20, QR
            "blend_precision": 0.84,
            "blend_recall": 0.84,
            "blend_f1": 0.84,
        },
        measured={
            "rf_precision": rf.precision,
            "rf_recall": rf.recall,
            "rf_f1": rf.f1,
            "blend_precision": bl.precision,
            "blend_recall": bl.recall,
            "blend_f1": bl.f1,
            "precision_ceiling": bl.precision_ceiling,
            "base_rate": float(np.mean(r.ds.y_test)),
        },
        tolerance=Tolerance(abs=0.03),
        unit="fraction at top 10%",
        relations=[
            Relation("blend_precision", "<=", "precision_ceiling", central=False),
            Relation(
                "blend_precision",
                ">=",
                "rf_precision",
                interval=U.paired_bootstrap_diff(
                    lambda yy, ss: at_top_fraction(yy, ss, TOP_FRACTION)[0],
                    r.ds.y_test,
                    r.ens.test["blend_penalised"],
                    r.base.test["random_forest"],
                    n_boot=N_BOOT,
                ),
            ),
        ],
        source=top_fraction_view,
        checks=[
            Recompute(
                "blend_precision",
                0.84,
                precision_from_recall(0.84, base, TOP_FRACTION),
                Tolerance(abs=0.01),
                "recall 0.84 x base rate 0.082 / 0.10",
            ),
            Recompute(
                "story_precision_ceiling",
                0.84,
                base / TOP_FRACTION,
                Tolerance(abs=0.01),
                "precision@10% <= 0.082 / 0.10",
            ),
        ],
        note="With 8.2% churners, a top-10% list holds at most 82% churners, so precision 0.84 is "
        "impossible, and equal precision and recall would need a 10% base rate. Our test base "
        f"rate is {np.mean(r.ds.y_test):.1%}, so our levels are not comparable to the story's.",
    )


def en12(r: Results) -> Claim:
    s, f = r.small, r.rf_seeds
    y, seeds = r.ds.y_test, f.seeds
    seed_gain = contrast(y, lambda avg, *single: avg - np.mean(single), np.mean(seeds, axis=0), *seeds)
    ens, one = s.ensemble, s.single
    train_part = diff(s.y_train, ens.train_scores, one.train_scores)
    test_part = diff(s.y_test, ens.test_scores, one.test_scores)
    return Claim(
        "EN-12",
        "Ensembles fail with look-alike members (three RF seeds: 0.78 -> 0.79) and on small data "
        "(< 5K rows: ensemble 0.88 train / 0.76 test vs single 0.82 / 0.80).",
        claimed={
            "rf_single_mean": 0.78,
            "rf_three_seed_avg": 0.79,
            "ensemble_train": 0.88,  # F12
            "ensemble_test": 0.76,
            "single_train": 0.82,
            "single_test": 0.80,
        },
        measured={
            "rf_single_mean": f.single_mean,
            "rf_three_seed_avg": f.three_seed_avg,
            "three_seed_gain": f.three_seed_avg - f.single_mean,
            "ensemble_train": ens.train,
            "ensemble_test": ens.test,
            "single_train": one.train,
            "single_test": one.test,
            "ensemble_gap": ens.train - ens.test,
            "single_gap": one.train - one.test,
            "small_rows": s.n_rows,
        },
        tolerance=AUC,
        unit="ROC-AUC",
        relations=[
            Relation("three_seed_gain", "<", 0.02, interval=seed_gain.shift(-0.02)),
            Relation("ensemble_gap", ">", "single_gap", interval=conservative(train_part, test_part)),
            Relation("ensemble_test", "<", "single_test", interval=test_part),
        ],
        source=small_data,
        note="Small data: a fresh data set of small_rows snapshots (after quarantine), members at the "
        "story's optima, blend weights from OOF with the penalised objective. The gap-of-gaps "
        "interval combines a paired train-row bootstrap and a paired test-row bootstrap.",
    )


def en13(r: Results) -> Claim:
    d, h = r.degraded, r.degraded_heavy
    y, member = r.ds.y_test, d.member_auc
    pen, plain = d.blends["blend_penalised"], d.blends["blend_plain"]
    drop_iv = diff(y, pen.before_scores, pen.after_scores)
    vs_plain = contrast(
        y,
        lambda pb, pa, qb, qa: (pb - pa) - (qb - qa),
        pen.before_scores,
        pen.after_scores,
        plain.before_scores,
        plain.after_scores,
    )
    return Claim(
        "EN-13",
        "Given an XGBoost drop of 0.04 AUC (0.88 -> 0.84 in production), the ensemble drops "
        "only 0.02 (0.92 -> 0.90).",
        # F6. The member's 0.04 drop is planted here (bisected noise), so it is the condition of the
        # experiment, not a figure to judge; the ensemble's drop under it is what we measure.
        claimed={
            "penalised_drop": 0.02,
            "member_before": 0.88,
            "blend_penalised_before": 0.92,
            "blend_penalised_after": 0.90,
        },
        supporting=("member_before", "blend_penalised_before", "blend_penalised_after"),
        intervals={"penalised_drop": drop_iv},
        measured={
            "member_before": member.before,
            "member_after": member.after,
            "blend_penalised_before": pen.before,
            "blend_penalised_after": pen.after,
            "blend_plain_before": plain.before,
            "blend_plain_after": plain.after,
            "member_drop": member.drop,
            "penalised_drop": pen.drop,
            "plain_drop": plain.drop,
            "heavy_penalised_drop": h.blends["blend_penalised"].drop,
            "heavy_plain_drop": h.blends["blend_plain"].drop,
        },
        tolerance=AUC,
        unit="ROC-AUC (test)",
        source=degraded_blends,
        relations=[
            Relation(
                "penalised_drop",
                "<",
                "member_drop",
                interval=drop_iv.shift(-member.before + member.after),
            ),
            Relation("penalised_drop", "<=", "plain_drop", interval=vs_plain, central=False),
        ],
        note=f"The member's drop is planted: XGBoost's test scores were degraded with logit noise "
        f"(sigma {d.sigma:.2f}) until its AUC fell by the story's 0.04 (member_drop, the condition, "
        "not judged); blend weights unchanged; the ensemble's drop is the measured part (paired "
        "bootstrap of AUC before - after on the same rows). The blend levels are EN-03's "
        "(supporting). heavy_* = the same shock "
        f"applied instead to {h.member}, the member the plain blend weights most: the penalty "
        "protects against losing the heavy member, not any member.",
    )


def en14(r: Results) -> Claim:
    px, pl, pr = r.base.params["xgboost"], r.base.params["lightgbm"], r.base.params["logreg"]
    claimed = {
        "xgb_learning_rate": 0.05,
        "xgb_max_depth": 6,
        "xgb_subsample": 0.8,  # QR hyperparameters
        "xgb_colsample_bytree": 0.75,
        "lgbm_learning_rate": 0.08,
        "lgbm_num_leaves": 64,
        "lgbm_min_child_samples": 20,
        "lgbm_feature_fraction": 0.85,
        "lr_C": 1.0,
        "lr_is_l2": 1.0,
        "lr_is_lbfgs": 1.0,
    }
    measured = {
        f"xgb_{k}": float(px[k]) for k in ("learning_rate", "max_depth", "subsample", "colsample_bytree")
    }
    measured |= {
        f"lgbm_{k}": float(pl[k])
        for k in ("learning_rate", "num_leaves", "min_child_samples", "feature_fraction")
    }
    measured |= {
        "lr_C": float(pr["C"]),
        "lr_is_l2": float(pr["penalty"] == "l2"),
        "lr_is_lbfgs": float(pr["solver"] == "lbfgs"),
    }
    ctx = {f"{SHORT[m]}_found_cv_auc": r.base.cv_auc[m] for m in r.base.story_cv_auc}
    ctx |= {f"{SHORT[m]}_story_optimum_cv_auc": v for m, v in r.base.story_cv_auc.items()}
    measured |= ctx
    return Claim(
        "EN-14",
        "Tuned optima: XGBoost lr 0.05, depth 6, subsample 0.8, colsample 0.75; LightGBM lr 0.08, "
        "64 leaves, min_child_samples 20, feature_fraction 0.85; LogReg C 1.0, l2, lbfgs.",
        claimed=claimed,
        measured=measured,
        tolerance=Tolerance(rel=0.25),
        unit="hyperparameter",
        note=f"Searched over the story's ranges with {r.cfg.model_trials} TPE trials per model "
        f"({r.cfg.tune_folds}-fold CV). CV AUCs of the optima: "
        + ", ".join(f"{SHORT[m]} {v:.3f}" for m, v in r.base.cv_auc.items())
        + ". *_story_optimum_cv_auc scores the story's optima on the same folds: when the two CV "
        "AUCs are within a few thousandths the surface is flat and its arg-max is noise.",
    )


def en15(r: Results) -> Claim:
    v = r.views
    return Claim(
        "EN-15",
        "Model-specific features lift XGBoost 0.86 -> 0.88, LightGBM 0.85 -> 0.87 and the "
        "ensemble 0.90 -> 0.92.",
        claimed={
            "xgboost_without": 0.86,
            "xgboost_with": 0.88,
            "lightgbm_without": 0.85,  # F18
            "lightgbm_with": 0.87,
            "ensemble_without": 0.90,
            "ensemble_with": 0.92,
        },
        measured=dict(v.auc),
        tolerance=AUC,
        unit="ROC-AUC (test)",
        source=compare_views,
        relations=[
            Relation(
                f"{m}_with",
                ">",
                f"{m}_without",
                interval=diff(r.ds.y_test, v.scores[f"{m}_with"], v.scores[f"{m}_without"]),
            )
            for m in ("xgboost", "lightgbm", "ensemble")
        ],
        note="Views: XGBoost + recency group, LightGBM + contract x plan/payment crosses, LogReg + "
        "squares/cube; 'without' = churn features minus the recency group, for all three.",
    )


ROWS_ONLY = (en01, en02, en03, en04, en05, en06, en07, en08, en09)
AFTER_LATENCY = (en11, en12, en13, en14, en15)


def all_claims(r: Results, ratios: dict[str, Ratio], latency: list[LatencyRow]) -> list[Claim]:
    """Every EN claim in id order; EN-10 is judged on the latency ratios of this run."""
    return [fn(r) for fn in ROWS_ONLY] + [en10(r, ratios, latency)] + [fn(r) for fn in AFTER_LATENCY]
