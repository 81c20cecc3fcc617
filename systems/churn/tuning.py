"""Hyperparameter search with Optuna under time-ordered cross-validation.

    objective(theta) = mean_k AUC(model_theta fitted on fold k's earlier months,
                                  scored on fold k's next block of months)

Each fold's booster early-stops on that fold's validation block (20 rounds of no
log-loss improvement), so a trial's rounds are chosen on data it is then scored on: the
CV AUC is slightly optimistic, which is why the final model is also scored on a test set
no trial touched. TPE sampler seeded from ``seed``; a progress bar shows the trials.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import optuna

from algorithms.metrics import roc_auc
from systems.churn.models import fit_model, make_model, rounds_used


def _space(trial: optuna.Trial, name: str) -> dict:
    common = {
        "learning_rate": trial.suggest_float("learning_rate", 0.02, 0.2, log=True),
        "subsample": trial.suggest_float("subsample", 0.6, 1.0),
        "colsample_bytree": trial.suggest_float("colsample_bytree", 0.5, 1.0),
        "reg_lambda": trial.suggest_float("reg_lambda", 1e-3, 10.0, log=True),
    }
    if name == "lightgbm":
        return common | {
            "num_leaves": trial.suggest_int("num_leaves", 8, 128, log=True),
            "min_child_samples": trial.suggest_int("min_child_samples", 5, 100, log=True),
        }
    if name == "xgboost":
        return common | {
            "max_depth": trial.suggest_int("max_depth", 3, 8),
            "min_child_weight": trial.suggest_float("min_child_weight", 1.0, 20.0, log=True),
            "gamma": trial.suggest_float("gamma", 0.0, 5.0),
        }
    raise ValueError(f"no search space for {name!r}")


@dataclass
class TuningResult:
    best_params: dict
    best_cv_auc: float
    n_trials: int
    fold_aucs: list[float]
    best_rounds: int


def tune(
    name: str, X: np.ndarray, y: np.ndarray, folds, n_trials: int, seed: int, progress: bool = True
) -> TuningResult:
    """Search ``name``'s space; ``folds`` is a list of (train_idx, val_idx) in time order."""
    X, y = np.asarray(X), np.asarray(y)
    if n_trials < 1:
        raise ValueError(f"n_trials must be >= 1, got {n_trials}")
    optuna.logging.set_verbosity(optuna.logging.WARNING)

    def objective(trial: optuna.Trial) -> float:
        params = _space(trial, name)
        aucs, rounds = [], []
        for tr, va in folds:
            m = fit_model(make_model(name, seed, **params), name, X[tr], y[tr], X[va], y[va])
            aucs.append(roc_auc(y[va], m.predict_proba(X[va])[:, 1]))
            rounds.append(rounds_used(m)[0])
        trial.set_user_attr("fold_aucs", aucs)
        trial.set_user_attr("rounds", int(np.median(rounds)))
        return float(np.mean(aucs))

    study = optuna.create_study(
        direction="maximize", sampler=optuna.samplers.TPESampler(seed=seed), study_name=f"churn-{name}"
    )
    study.optimize(objective, n_trials=n_trials, show_progress_bar=progress)
    best = study.best_trial
    return TuningResult(
        dict(best.params),
        float(best.value),
        len(study.trials),
        list(best.user_attrs["fold_aucs"]),
        int(best.user_attrs["rounds"]),
    )
