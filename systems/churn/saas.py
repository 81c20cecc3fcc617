"""The SaaS story (000): messy data, cohort imputation, 80+ features, LightGBM tuned with
Optuna under time-ordered CV.

    raw -> validate (quarantine) -> development months | last 3 months (holdout)
    imputation check: cohort medians + indicators vs one global median, each fitted
        inside every time-ordered fold, same LightGBM, mean fold AUC
    tuning: Optuna over LightGBM on the development months, time-ordered folds;
        the best setting is refitted on all development months and scored on the holdout
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from algorithms.metrics import roc_auc
from data.churn import TIME, generate
from systems.churn import plots
from systems.churn.intake import Intake, take_in
from systems.churn.splits import temporal_holdout, time_ordered_folds
from systems.churn.tuning import tune
from systems.core.churn_table.features import ChurnFeatures
from systems.core.churn_table.imputation import missing_share
from systems.core.cli import progress_enabled
from systems.core.models import make_model


@dataclass(frozen=True)
class FoldScores:
    """Mean AUC over time-ordered folds, and each fold's validation scores."""

    mean_auc: float
    scores: list[np.ndarray]


@dataclass(frozen=True)
class ImputationCheck:
    """Cohort vs global-median imputation, each under LightGBM and logistic regression (CH-02).

    Every arm scores the same validation rows (``y_folds``), so two arms can be compared
    by a paired bootstrap.
    """

    y_folds: list[np.ndarray]
    cohort_lightgbm: FoldScores
    cohort_logreg: FoldScores
    global_lightgbm: FoldScores
    global_logreg: FoldScores


@dataclass(frozen=True)
class SaasTuning:
    """LightGBM tuned on the development months, refitted, scored on the holdout (CH-06)."""

    cv_auc: float
    fold_aucs: list[float]
    n_trials: int
    best_rounds: int
    holdout_auc: float
    n_dev: int
    n_holdout: int
    params: dict
    y_holdout: np.ndarray
    p_holdout: np.ndarray


@dataclass(frozen=True)
class SaasResult:
    raw_missing_share: float
    intake: Intake
    imputation: ImputationCheck
    tuning: SaasTuning
    roc_pr_figure: str


@dataclass(frozen=True)
class TimeSplit:
    """Development months (as their own frame), holdout rows, and time-ordered folds of dev."""

    dev: np.ndarray
    hold: np.ndarray
    dev_clean: pd.DataFrame
    y_dev: np.ndarray
    folds: list[tuple[np.ndarray, np.ndarray]]


def imputation_auc(clean, y, folds, imputation: str, seed: int, model: str) -> FoldScores:
    """Mean AUC over time-ordered folds, the imputer fitted on each fold's training rows."""
    aucs, scores = [], []
    for tr, va in folds:
        f = ChurnFeatures(imputation).fit(clean.iloc[tr])
        m = make_model(model, seed, early_stopping=False).fit(f.transform(clean.iloc[tr]), y[tr])
        p = m.predict_proba(f.transform(clean.iloc[va]))[:, 1]
        aucs.append(roc_auc(y[va], p))
        scores.append(p)
    return FoldScores(float(np.mean(aucs)), scores)


def split_by_time(intake: Intake, cv_folds: int) -> TimeSplit:
    dev, hold = temporal_holdout(intake.clean[TIME], 3)
    dev_clean = intake.clean.iloc[dev].reset_index(drop=True)
    return TimeSplit(dev, hold, dev_clean, intake.y[dev], time_ordered_folds(dev_clean[TIME], cv_folds))


def compare_imputation(ts: TimeSplit, seed: int) -> ImputationCheck:
    arms = {
        f"{imp}_{model}": imputation_auc(ts.dev_clean, ts.y_dev, ts.folds, imp, seed, model)
        for imp in ("cohort", "global")
        for model in ("lightgbm", "logreg")
    }
    return ImputationCheck(y_folds=[ts.y_dev[va] for _, va in ts.folds], **arms)


def tune_lightgbm(intake: Intake, ts: TimeSplit, cfg) -> SaasTuning:
    """Optuna on the development months' folds; the best setting refitted on all of them."""
    feats = ChurnFeatures().fit(ts.dev_clean)
    Xdev = feats.transform(ts.dev_clean).to_numpy()
    tuned = tune("lightgbm", Xdev, ts.y_dev, ts.folds, cfg.n_trials, cfg.seed, progress=progress_enabled())
    final = make_model(
        "lightgbm",
        cfg.seed,
        early_stopping=False,
        **(tuned.best_params | {"n_estimators": max(tuned.best_rounds, 1)}),
    )
    final.fit(Xdev, ts.y_dev)
    y_hold = intake.y[ts.hold]
    p_hold = final.predict_proba(feats.transform(intake.clean.iloc[ts.hold]).to_numpy())[:, 1]
    return SaasTuning(
        cv_auc=tuned.best_cv_auc,
        fold_aucs=tuned.fold_aucs,
        n_trials=tuned.n_trials,
        best_rounds=tuned.best_rounds,
        holdout_auc=roc_auc(y_hold, p_hold),
        n_dev=len(ts.dev),
        n_holdout=len(ts.hold),
        params=tuned.best_params,
        y_holdout=y_hold,
        p_holdout=p_hold,
    )


def run_saas(cfg, run) -> SaasResult:
    raw = generate("saas", cfg.n_saas, cfg.seed)
    raw_missing = missing_share(raw)
    intake = take_in(raw, run, "saas")
    ts = split_by_time(intake, cfg.cv_folds)
    imputation = compare_imputation(ts, cfg.seed)
    tuning = tune_lightgbm(intake, ts, cfg)
    fig = plots.roc_pr({"lightgbm (optuna)": (tuning.y_holdout, tuning.p_holdout)}, "saas, last 3 months")
    return SaasResult(raw_missing, intake, imputation, tuning, run.save_figure(fig, "roc_pr_saas.png"))
