"""The SaaS story (000): messy data, cohort imputation, 80+ features, LightGBM tuned with
Optuna under time-ordered CV.

    raw -> validate (quarantine) -> development months | last 3 months (holdout)
    imputation check: cohort medians + indicators vs one global median, each fitted
        inside every time-ordered fold, same LightGBM, mean fold AUC
    tuning: Optuna over LightGBM on the development months, time-ordered folds;
        the best setting is refitted on all development months and scored on the holdout
"""

from __future__ import annotations

import numpy as np

from algorithms.metrics import roc_auc
from data.churn import TARGET, TIME, generate
from systems.churn import plots
from systems.churn.splits import temporal_holdout, time_ordered_folds
from systems.churn.tuning import tune
from systems.core.churn_table.features import ChurnFeatures
from systems.core.churn_table.imputation import missing_share
from systems.core.churn_table.validation import validate, write_quarantine
from systems.core.models import make_model


def imputation_auc(
    clean, y, folds, imputation: str, seed: int, model: str, scores: list | None = None
) -> float:
    """Mean AUC over time-ordered folds, the imputer fitted on each fold's training rows.

    ``scores``, if given, receives each fold's validation scores (same rows for every
    imputation, so two imputations can be compared by a paired bootstrap).
    """
    aucs = []
    for tr, va in folds:
        f = ChurnFeatures(imputation).fit(clean.iloc[tr])
        m = make_model(model, seed, early_stopping=False).fit(f.transform(clean.iloc[tr]), y[tr])
        p = m.predict_proba(f.transform(clean.iloc[va]))[:, 1]
        aucs.append(roc_auc(y[va], p))
        if scores is not None:
            scores.append(p)
    return float(np.mean(aucs))


def run_saas(cfg, run) -> dict:
    raw = generate("saas", cfg.n_saas, cfg.seed)
    R: dict = {"raw_missing_share": missing_share(raw), "n_raw": len(raw)}
    v = validate(raw)
    write_quarantine(v, run.path("quarantine_saas.csv"))
    R["validation"] = v.summary()
    clean = v.clean
    y = clean[TARGET].to_numpy()
    R["churn_rate"] = float(y.mean())
    dev, hold = temporal_holdout(clean[TIME], 3)
    dev_clean, ydev = clean.iloc[dev].reset_index(drop=True), y[dev]
    folds = time_ordered_folds(dev_clean[TIME], cfg.cv_folds)
    pairs = [(imp, model) for imp in ("cohort", "global") for model in ("lightgbm", "logreg")]
    fold_scores: dict[str, list] = {f"{imp}_{model}": [] for imp, model in pairs}
    R["imputation"] = {
        f"{imp}_{model}": imputation_auc(
            dev_clean, ydev, folds, imp, cfg.seed, model, fold_scores[f"{imp}_{model}"]
        )
        for imp, model in pairs
    }
    # per-fold validation labels and scores, for the paired bootstrap of CH-02
    R["imputation_scores"] = {"y_folds": [ydev[va] for _, va in folds], **fold_scores}

    feats = ChurnFeatures().fit(dev_clean)
    Xdev = feats.transform(dev_clean)
    R["n_candidates"] = Xdev.shape[1]
    tuned = tune("lightgbm", Xdev.to_numpy(), ydev, folds, cfg.n_trials, cfg.seed, progress=cfg.progress)
    final = make_model(
        "lightgbm",
        cfg.seed,
        early_stopping=False,
        **(tuned.best_params | {"n_estimators": max(tuned.best_rounds, 1)}),
    )
    final.fit(Xdev.to_numpy(), ydev)
    p_hold = final.predict_proba(feats.transform(clean.iloc[hold]).to_numpy())[:, 1]
    R["holdout_scores"] = (y[hold], p_hold)
    R["tuning"] = {
        "cv_auc": tuned.best_cv_auc,
        "fold_aucs": tuned.fold_aucs,
        "n_trials": tuned.n_trials,
        "best_rounds": tuned.best_rounds,
        "holdout_auc": roc_auc(y[hold], p_hold),
        "n_dev": len(dev),
        "n_holdout": len(hold),
        "params": tuned.best_params,
    }
    R["evidence"] = {
        "roc_pr": run.save_figure(
            plots.roc_pr({"lightgbm (optuna)": (y[hold], p_hold)}, "saas, last 3 months"), "roc_pr_saas.png"
        )
    }
    return R
