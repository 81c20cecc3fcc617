"""Nested cross-validation (EN-8): an estimate of the whole recipe, tuning included.

    for each outer fold k (train_k, test_k):
        theta_m  <- tuned on inner folds of train_k only     (or the story's optima when
                                                              nested_trials = 0)
        oof_m    <- inner-fold OOF scores of each blend model on train_k
        w        <- argmax_w 0.9 AUC(oof w) - 0.1 max(w)     (Optuna, in memory)
        AUC_k    <- AUC on test_k of the blend of models refitted on train_k
    report mean_k AUC_k and std_k AUC_k (ddof = 1)

No row of test_k influences anything fitted for fold k. Studies live in memory here: they are
re-created per fold and have nothing worth resuming.
"""

from __future__ import annotations

import numpy as np
import optuna
from sklearn.metrics import roc_auc_score
from tqdm import tqdm

from systems.core.models import make_model
from systems.ensemble.base_models import STORY_OPTIMA
from systems.ensemble.blend import make_blend_objective, weights_of
from systems.ensemble.objectives import model_objective
from systems.ensemble.oof import fit_predict, make_folds, oof_predictions, take_rows
from systems.ensemble.tuning import best_complete


def _study(seed: int) -> optuna.Study:
    return optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=seed))


def nested_cv(
    X,
    y,
    models: tuple[str, ...],
    *,
    outer: int,
    inner: int,
    model_trials: int,
    blend_trials: int,
    n_estimators: int,
    seed: int,
) -> dict:
    """Outer-fold AUCs of the tuned, blended recipe; see module docstring."""
    y = np.asarray(y)
    outer_fold = make_folds(y, outer, seed)
    aucs, weights = [], []
    for k in tqdm(range(outer), desc="nested CV", leave=False):
        tr, te = np.flatnonzero(outer_fold != k), np.flatnonzero(outer_fold == k)
        X_tr, y_tr = take_rows(X, tr), y[tr]
        inner_fold = make_folds(y_tr, inner, seed + 1 + k)
        params = {}
        for m in models:
            if model_trials > 0:
                study = _study(seed + k)
                study.optimize(
                    model_objective(m, X_tr, y_tr, inner_fold, seed=seed, n_estimators=n_estimators),
                    n_trials=model_trials,
                )
                params[m] = dict(best_complete(study).params)
            else:
                params[m] = STORY_OPTIMA[m]
        factories = {
            m: (
                lambda m=m, p=params[m]: make_model(
                    m, seed, recipe="ensemble", n_estimators=n_estimators, **p
                )
            )
            for m in models
        }
        P_in = np.column_stack(
            [oof_predictions(f, X_tr, y_tr, inner_fold, name=m) for m, f in factories.items()]
        )
        study = _study(seed + k)
        study.optimize(make_blend_objective(y_tr, P_in, penalised=True), n_trials=blend_trials)
        w = weights_of(best_complete(study), len(models))
        P_te = np.column_stack(
            [
                fit_predict(f, X_tr, y_tr, take_rows(X, te), name=m, where=f"outer fold {k}")
                for m, f in factories.items()
            ]
        )
        aucs.append(float(roc_auc_score(y[te], P_te @ w)))
        weights.append(w)
    aucs = np.array(aucs)
    return {
        "fold_aucs": aucs,
        "mean": float(aucs.mean()),
        "std": float(aucs.std(ddof=1)),
        "weights": np.array(weights),
    }
