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

from systems.ensemble.config import EnsembleConfig
from systems.ensemble.data import Dataset
from systems.ensemble.models import make_model
from systems.ensemble.objectives import model_objective
from systems.ensemble.oof import fit_model, fold_aucs, make_folds, oof_predictions, predict
from systems.ensemble.spaces import BASE_MODELS, SPACES, STORY_OPTIMA
from systems.ensemble.tuning import best_complete, open_study, top_up

ALL_MODELS = ("random_forest", *BASE_MODELS)


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
        lambda: make_model(model, STORY_OPTIMA[model], seed=cfg.seed, n_estimators=cfg.n_estimators),
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
            return make_model(name, params, seed=cfg.seed, n_estimators=cfg.n_estimators)

        out.oof[name] = oof_predictions(factory, ds.X_train, ds.y_train, out.fold, name=name)
        out.fitted[name] = fit_model(factory, ds.X_train, ds.y_train, name, "all training rows")
        out.test[name] = predict(out.fitted[name], ds.X_test, name, "the test set")
    return out
