"""The telecom story (003): split, select, compare models, handle imbalance, tune, calibrate,
pick a profit-optimal threshold, check leakage, explain, and save the pipeline.

Reads top to bottom like the interview answer. Every figure the claims use is put in
the returned dict; nothing here decides a verdict.
"""

from __future__ import annotations

import io

import joblib
import numpy as np
import pandas as pd
from imblearn.over_sampling import SMOTE
from imblearn.pipeline import Pipeline

from algorithms.metrics import at_threshold, pr_auc, roc_auc
from data.churn import ID, TARGET, TIME, generate_with_truth
from systems.churn import imbalance, plots
from systems.churn.calibration import calibration_report, platt, reliability_points
from systems.churn.leakage import leakage_experiment
from systems.churn.persistence import ChurnModel, save
from systems.churn.profit import best_threshold, breakeven_threshold, profit_curve
from systems.churn.selection import select_features
from systems.churn.splits import stratified_70_15_15, temporal_holdout, time_ordered_folds
from systems.churn.tuning import tune
from systems.core.churn_table.features import ChurnFeatures
from systems.core.churn_table.validation import validate, write_quarantine
from systems.core.models import CHURN_MODELS as MODEL_NAMES
from systems.core.models import fit_model, make_model, rounds_used, validation_curve
from systems.core.timing import measure

THRESHOLDS = np.round(np.arange(0.01, 1.0, 0.01), 2)


def accuracy(y, p, t: float = 0.5) -> float:
    return float(np.mean((np.asarray(p) >= t) == np.asarray(y)))


def model_size_mb(model) -> float:
    buf = io.BytesIO()
    joblib.dump(model, buf)
    return buf.getbuffer().nbytes / 1e6


def latency_ms(model, X: np.ndarray, batch: int) -> float:
    rows = X[:batch]
    return measure(lambda: model.predict_proba(rows), repeats=15, warmup=2).median_ms


def run_telecom(cfg, run) -> dict:
    raw, p_true = generate_with_truth("telecom", cfg.n_telecom, cfg.seed)
    v = validate(raw)
    write_quarantine(v, run.path("quarantine_telecom.csv"))
    clean = v.clean
    y = clean[TARGET].to_numpy()
    truth = pd.Series(p_true, index=raw[ID]).loc[clean[ID]].to_numpy()
    R: dict = {"validation": v.summary()}

    tr, va, te = stratified_70_15_15(y, cfg.seed)
    dates = clean[TIME]
    R["split"] = {
        "n": len(y),
        "n_train": len(tr),
        "n_val": len(va),
        "n_test": len(te),
        "pos_rate": {k: float(y[i].mean()) for k, i in (("train", tr), ("val", va), ("test", te))},
    }
    feats = ChurnFeatures().fit(clean.iloc[tr])
    F = {k: feats.transform(clean.iloc[i]) for k, i in (("tr", tr), ("va", va), ("te", te))}
    sel = select_features(F["tr"], y[tr], cfg.seed)
    run.write_table(sel.rows(), "feature_selection.md")
    R["selection"] = {
        "n_candidates": len(sel.candidates),
        "n_after_corr": len(sel.candidates) - len(sel.dropped_correlated),
        "n_selected": len(sel.kept),
        "n_dropped_corr": len(sel.dropped_correlated),
        "n_dropped_importance": len(sel.dropped_low_importance),
    }
    cols = sel.kept
    Xtr, Xva, Xte = (F[k][cols].to_numpy() for k in ("tr", "va", "te"))
    ytr, yva, yte = y[tr], y[va], y[te]

    models, curves, table = {}, {}, []
    for name in MODEL_NAMES:
        m = fit_model(make_model(name, cfg.seed), name, Xtr, ytr, Xva, yva)
        models[name] = m
        curves[name] = (yte, m.predict_proba(Xte)[:, 1])
    folds = time_ordered_folds(dates.iloc[tr], cfg.cv_folds)
    tuned = tune("xgboost", Xtr, ytr, folds, cfg.n_trials, cfg.seed, progress=cfg.progress)
    models["xgboost_tuned"] = fit_model(
        make_model("xgboost", cfg.seed, **tuned.best_params), "xgboost", Xtr, ytr, Xva, yva
    )
    curves["xgboost_tuned"] = (yte, models["xgboost_tuned"].predict_proba(Xte)[:, 1])
    for name, m in models.items():
        p = curves[name][1]
        prec, rec, f1 = at_threshold(yte, p, 0.5)
        table.append(
            {
                "model": name,
                "accuracy": accuracy(yte, p),
                "precision": prec,
                "recall": rec,
                "f1": f1,
                "roc_auc": roc_auc(yte, p),
                "pr_auc": pr_auc(yte, p),
                "latency_row_ms": latency_ms(m, Xte, 1),
                "latency_1000_ms": latency_ms(m, Xte, 1000),
                "size_mb": model_size_mb(m),
            }
        )
    run.write_table(table, "models_telecom.md")
    R["models"] = {r["model"]: r for r in table}
    R["tuning"] = {"best_cv_auc": tuned.best_cv_auc, "n_trials": tuned.n_trials, "params": tuned.best_params}

    imb_scores: dict = {}
    R["imbalance"] = imbalance.compare(Xtr, ytr, Xte, yte, "xgboost", cfg.seed, cfg.cv_folds, imb_scores)
    run.write_table([{"strategy": k} | v for k, v in R["imbalance"].items()], "imbalance.md")

    final = Pipeline(
        [
            ("resample", SMOTE(sampling_strategy=imbalance.SMOTE_RATIO, random_state=cfg.seed)),
            ("model", make_model("xgboost", cfg.seed, **tuned.best_params)),
        ]
    )
    final.fit(Xtr, ytr, model__eval_set=[(Xtr, ytr), (Xva, yva)], model__verbose=False)
    booster = final.named_steps["model"]
    best_round, trained = rounds_used(booster)
    tl, vl = validation_curve(booster)
    R["early_stopping"] = {
        "best_round": best_round,
        "rounds_trained": trained,
        "patience_observed": trained - best_round,
        "max_rounds": booster.n_estimators,
        "val_loss_best": float(vl[best_round - 1]),
        "val_loss_last": float(vl[-1]),
    }
    cal = platt(final, Xva, yva)
    p_raw, p_cal = final.predict_proba(Xte)[:, 1], cal.predict_proba(Xte)[:, 1]
    R["calibration"] = calibration_report(yte, p_raw, p_cal)
    prec, rec, f1 = at_threshold(yte, p_cal, 0.5)
    p_tr = cal.predict_proba(Xtr)[:, 1]
    R["final"] = {
        "precision": prec,
        "recall": rec,
        "f1": f1,
        "roc_auc": roc_auc(yte, p_cal),
        "accuracy": accuracy(yte, p_cal),
        "train_accuracy": accuracy(ytr, p_tr),
        "ceiling_auc": roc_auc(yte, truth[te]),
        "train_auc": roc_auc(ytr, p_tr),
    }
    curves["final (smote+tuned xgb, platt)"] = (yte, p_cal)

    costs = {"offer_cost": cfg.offer_cost, "clv": cfg.clv, "win_back": cfg.win_back}
    t_val, _ = best_threshold(yva, cal.predict_proba(Xva)[:, 1], THRESHOLDS, **costs)
    prof = profit_curve(yte, p_cal, THRESHOLDS, **costs)
    at = dict(zip(THRESHOLDS.tolist(), prof.tolist(), strict=True))
    R["profit"] = {
        "threshold_val": t_val,
        "threshold_test_argmax": float(THRESHOLDS[np.argmax(prof)]),
        "profit_at_045": at[0.45],
        "profit_at_050": at[0.5],
        "profit_at_chosen": at[t_val],
        "breakeven": breakeven_threshold(**costs),
    }

    dev, hold = temporal_holdout(dates, 3)
    fh = ChurnFeatures().fit(clean.iloc[dev])
    mh = make_model(
        "xgboost", cfg.seed, early_stopping=False, **(tuned.best_params | {"n_estimators": best_round})
    )
    mh.fit(fh.transform(clean.iloc[dev])[cols], y[dev])
    p_hold = mh.predict_proba(fh.transform(clean.iloc[hold])[cols])[:, 1]
    hd = pd.to_datetime(dates.iloc[hold])
    R["temporal"] = {
        "n_dev": len(dev),
        "n_holdout": len(hold),
        "holdout_start": str(hd.min().date()),
        "holdout_end": str(hd.max().date()),
        "holdout_months": int(hd.dt.to_period("M").nunique()),
        "holdout_auc": roc_auc(y[hold], p_hold),
    }
    leak_scores: dict = {}
    R["leakage"] = leakage_experiment(clean, cfg.seed, scores=leak_scores)
    # per-row labels and scores behind the figures: the ledger's paired bootstraps use them
    R["scores"] = {
        "y_test": yte,
        "models": {k: v[1] for k, v in curves.items()},
        "p_raw": p_raw,
        "p_cal": p_cal,
        "y_train": ytr,
        "p_train": p_tr,
        "imbalance": imb_scores,
        "leakage": leak_scores,
    }

    ev = R.setdefault("evidence", {})
    ev["roc_pr"] = run.save_figure(plots.roc_pr(curves, "telecom test set"), "roc_pr_telecom.png")
    ev["calibration"] = run.save_figure(
        plots.calibration(reliability_points(yte, p_raw), reliability_points(yte, p_cal), R["calibration"]),
        "calibration.png",
    )
    ev["profit"] = run.save_figure(
        plots.profit(THRESHOLDS, prof, R["profit"]["threshold_test_argmax"], R["profit"]["breakeven"], 0.45),
        "profit_curve.png",
    )
    gain = booster.get_booster().get_score(importance_type="gain")
    g = np.array([gain.get(f"f{i}", 0.0) for i in range(len(cols))])
    ev["importance"] = run.save_figure(
        plots.importance(cols, g / g.sum(), "final model: gain share"), "feature_importance.png"
    )
    import shap

    pick = np.random.default_rng(cfg.seed).choice(len(Xte), min(cfg.shap_sample, len(Xte)), replace=False)
    sample = Xte[pick]
    sv = shap.TreeExplainer(booster).shap_values(sample)
    ev["shap"] = run.save_figure(plots.shap_summary(sv, sample, cols, cfg.seed), "shap_summary.png")
    ev["imbalance"] = run.save_figure(
        plots.grouped_bars(
            R["imbalance"],
            ["precision", "recall", "f1"],
            "imbalance handling, untouched test set (XGBoost)",
            {"class_weights": 0.80, "smote": 0.845, "undersampling": 0.78},
            "story's F1",
        ),
        "imbalance.png",
    )
    lk = R["leakage"]
    ev["leakage"] = run.save_figure(
        plots.grouped_bars(
            {
                "leaky, random split": {
                    "offline": lk["leaky_offline_accuracy"],
                    "production": lk["leaky_production_accuracy"],
                },
                "clean, temporal split": {
                    "offline": np.nan,
                    "production": lk["temporal_production_accuracy"],
                },
            },
            ["offline", "production"],
            "leakage: accuracy on a later window",
        ),
        "leakage.png",
    )
    ev["early_stopping"] = run.save_figure(plots.early_stopping(tl, vl, best_round), "early_stopping.png")
    ev |= {
        "models": "models_telecom.md",
        "imbalance_table": "imbalance.md",
        "selection": "feature_selection.md",
    }

    bundle = ChurnModel(
        "churn",
        feats,
        cols,
        cal,
        t_val,
        ID,
        {
            "scenario": "telecom",
            "seed": cfg.seed,
            "profile": cfg.profile,
            "model": "smote + tuned xgboost + platt",
            "features": cols,
            "threshold_rule": "profit argmax on validation",
            **costs,
        },
    )
    save(bundle, run.path("model.skops"))
    return R
