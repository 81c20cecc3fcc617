"""Stage 1: tune each base model in its own persisted study, then OOF + test scores.

For every family m (XGBoost, LightGBM, CatBoost, LogReg, MLP):

    theta_m = argmax_theta  mean tuning-fold AUC          (Optuna TPE, ``model_trials`` trials)
    oof_m   = OOF scores of m(theta_m) over the 5 training folds      -> blending/stacking
    test_m  = m(theta_m) refitted on all training rows, scored on test -> final comparison

The Random Forest baseline is untuned (library defaults at ``n_estimators`` trees), as the
story's baseline was. Studies are named ``<prefix>-<model>`` and store a ``spec`` from which
``systems.ensemble.worker`` rebuilds the same objective on another process or machine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import optuna
from tqdm import tqdm

from systems.core.models import SPACES, make_model
from systems.ensemble.config import EnsembleConfig
from systems.ensemble.data import Dataset
from systems.ensemble.objectives import model_objective
from systems.ensemble.oof import fit_model, fold_aucs, make_folds, oof_predictions, predict
from systems.ensemble.tuning import best_complete, open_study, top_up

BASE_MODELS = ("xgboost", "lightgbm", "catboost", "logreg", "mlp")
ALL_MODELS = ("random_forest", *BASE_MODELS)

# The story's tuned optima (EN-14), used where a stage runs with fixed hyperparameters
# (nested CV without inner tuning, the failure-case experiments).
# source: 004 story, quick reference "Hyperparameters Tuned (per model)"
STORY_OPTIMA: dict[str, dict[str, Any]] = {
    "xgboost": {"learning_rate": 0.05, "max_depth": 6, "subsample": 0.8, "colsample_bytree": 0.75},
    "lightgbm": {"learning_rate": 0.08, "num_leaves": 64, "min_child_samples": 20, "feature_fraction": 0.85},
    "logreg": {"C": 1.0, "penalty": "l2", "solver": "lbfgs"},
}


@dataclass
class BaseModels:
    """Tuned parameters, OOF and test scores, and fitted models, by family name."""

    params: dict[str, dict[str, Any]] = field(default_factory=dict)
    cv_auc: dict[str, float] = field(default_factory=dict)
    story_cv_auc: dict[str, float] = field(default_factory=dict)  # story optima, same folds
    oof: dict[str, np.ndarray] = field(default_factory=dict)
    test: dict[str, np.ndarray] = field(default_factory=dict)
    fitted: dict[str, Any] = field(default_factory=dict)
    fold: np.ndarray | None = None


def study_spec(cfg: EnsembleConfig, model: str) -> dict[str, Any]:
    return {
        "model": model,
        "n_rows": cfg.n_rows,
        "seed": cfg.seed,
        "scenario": cfg.scenario,
        "test_fraction": cfg.test_fraction,
        "tune_folds": cfg.tune_folds,
        "n_estimators": cfg.n_estimators,
        "n_trials": cfg.model_trials,
    }


def story_optimum_cv_auc(cfg: EnsembleConfig, ds: Dataset, model: str) -> float:
    """Mean tuning-fold AUC of the story's optimum, on the folds the study used."""
    fold = make_folds(ds.y_train, cfg.tune_folds, cfg.seed)
    oof = oof_predictions(
        lambda: make_model(
            model, cfg.seed, recipe="ensemble", n_estimators=cfg.n_estimators, **STORY_OPTIMA[model]
        ),
        ds.X_train,
        ds.y_train,
        fold,
        name=model,
    )
    return float(fold_aucs(ds.y_train, oof, fold).mean())


def tune(cfg: EnsembleConfig, ds: Dataset, storage, model: str) -> tuple[dict[str, Any], float]:
    """Best parameters and CV AUC of ``model`` from its (resumed) study."""
    fold = make_folds(ds.y_train, cfg.tune_folds, cfg.seed)
    study = open_study(
        storage, f"{cfg.study_prefix}-{model}", SPACES[model], study_spec(cfg, model), seed=cfg.seed
    )
    top_up(
        study,
        model_objective(model, ds.X_train, ds.y_train, fold, seed=cfg.seed, n_estimators=cfg.n_estimators),
        cfg.model_trials,
    )
    best = best_complete(study)
    return dict(best.params), float(best.value)


def train_base_models(cfg: EnsembleConfig, ds: Dataset, storage) -> BaseModels:
    """Tune, then OOF-score and refit every family (see module docstring)."""
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    out = BaseModels(fold=make_folds(ds.y_train, cfg.n_folds, cfg.seed))
    for name in tqdm(ALL_MODELS, desc="base models", leave=False):
        if name == "random_forest":
            out.params[name] = {}
        else:
            out.params[name], out.cv_auc[name] = tune(cfg, ds, storage, name)
        if name in STORY_OPTIMA:
            out.story_cv_auc[name] = story_optimum_cv_auc(cfg, ds, name)
        params = out.params[name]

        def factory(name=name, params=params):
            return make_model(name, cfg.seed, recipe="ensemble", n_estimators=cfg.n_estimators, **params)

        out.oof[name] = oof_predictions(factory, ds.X_train, ds.y_train, out.fold, name=name)
        out.fitted[name] = fit_model(factory, ds.X_train, ds.y_train, name, "all training rows")
        out.test[name] = predict(out.fitted[name], ds.X_test, name, "the test set")
    return out
