"""Tuning objectives: cross-validated AUC of one base model for one Optuna trial.

    J(theta) = mean_k AUC(y[F_k], f_theta,-k(X[F_k]))     over the tuning folds F_1..F_K

Each base model is tuned on its own (the story tunes them independently, then freezes them
before the blend is searched). Invalid combinations (L1 with lbfgs) are pruned, not scored.
A model that fails to train raises ``FoldFitError`` with model and fold, and the study
stops: Optuna records the trial as FAIL and the run reports the error instead of a result.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import optuna

from systems.core.models import SPACES, check_params, make_model, suggest
from systems.ensemble.oof import fold_aucs, oof_predictions


def model_objective(
    name: str, X, y, fold: np.ndarray, *, seed: int = 0, n_estimators: int = 200
) -> Callable[[optuna.Trial], float]:
    """Objective maximising the mean fold AUC of model family ``name``."""
    if name not in SPACES:
        raise ValueError(f"unknown model {name!r}; choose from {sorted(SPACES)}")
    y = np.asarray(y)

    def objective(trial: optuna.Trial) -> float:
        params = suggest(trial, SPACES[name])
        try:
            check_params(name, params)
        except ValueError as err:
            raise optuna.TrialPruned(str(err)) from err
        oof = oof_predictions(
            lambda: make_model(name, seed, recipe="ensemble", n_estimators=n_estimators, **params),
            X,
            y,
            fold,
            name=name,
        )
        aucs = fold_aucs(y, oof, fold)
        trial.set_user_attr("fold_aucs", [float(a) for a in aucs])
        return float(aucs.mean())

    return objective
