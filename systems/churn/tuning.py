"""Hyperparameter search with Optuna under time-ordered cross-validation.

    objective(theta) = mean_k AUC(model_theta fitted on fold k's earlier months,
                                  scored on fold k's next block of months)

Each fold's booster early-stops on that fold's validation block (20 rounds of no
log-loss improvement), so a trial's rounds are chosen on data it is then scored on: the
CV AUC is slightly optimistic, which is why the final model is also scored on a test set
no trial touched. TPE sampler seeded from ``seed``; a progress bar shows the trials. The
search spaces are data in ``systems.core.models.CHURN_SPACES``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import optuna

from algorithms.metrics import roc_auc
from systems.core.models import CHURN_SPACES, fit_model, make_model, rounds_used, suggest


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
    if name not in CHURN_SPACES:
        raise ValueError(f"no search space for {name!r}")
    optuna.logging.set_verbosity(optuna.logging.WARNING)

    def objective(trial: optuna.Trial) -> float:
        params = suggest(trial, CHURN_SPACES[name])
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
