"""Stage 1: tune each base model in its own persisted study, then OOF and test scores.

For every family m (XGBoost, LightGBM, CatBoost, LogReg, MLP):

    theta_m = argmax_theta J(theta),  J(theta) = mean_k AUC(y[F_k], f_theta,-k(X[F_k]))
              over the tuning folds F_1..F_K (Optuna TPE, ``model_trials`` trials)
    oof_m   = OOF scores of m(theta_m) over the ``n_folds`` training folds -> blending/stacking
    test_m  = m(theta_m) refitted on all training rows, scored on test      -> comparison

Out-of-fold (OOF) predictions: every training row is scored by a model that never saw it,

    oof[i] = f_{-k}(x_i)   for i in F_k,   f_{-k} fitted on all rows outside F_k

Stacking and blending are fitted on OOF columns only; fitting them on in-sample predictions
would reward the base model that memorises best.

The Random Forest baseline is untuned (``n_estimators`` trees), as the story's baseline was.
Each family is tuned on its own (the story tunes them independently, then freezes them before
the blend is searched); invalid combinations (L1 with lbfgs) are pruned, not scored. Studies
are named ``<prefix>-<model>`` and store a ``spec`` from which ``systems.ensemble.worker``
rebuilds the same objective on another process or machine. A model that fails on a fold
raises ``FoldFitError`` naming model and fold; no half-filled OOF column is ever returned,
and the study stops (Optuna records the trial as FAIL).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import optuna
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

from systems.core.cli import progress
from systems.core.models import SPACES, check_params, make_model, suggest
from systems.core.studies import best_complete, open_study, top_up
from systems.ensemble.data import Dataset, EnsembleConfig

BASE_MODELS = ("xgboost", "lightgbm", "catboost", "logreg", "mlp")
ALL_MODELS = ("random_forest", *BASE_MODELS)

# The story's tuned optima (EN-14), used where a stage runs with fixed hyperparameters
# (nested CV without inner tuning, the failure-case experiments).
# story: quick reference "Hyperparameters Tuned (per model)"
STORY_OPTIMA: dict[str, dict[str, Any]] = {
    "xgboost": {"learning_rate": 0.05, "max_depth": 6, "subsample": 0.8, "colsample_bytree": 0.75},
    "lightgbm": {"learning_rate": 0.08, "num_leaves": 64, "min_child_samples": 20, "feature_fraction": 0.85},
    "logreg": {"C": 1.0, "penalty": "l2", "solver": "lbfgs"},
}


class FoldFitError(RuntimeError):
    """A base model failed to train or predict on one fold."""


def make_folds(y, n_folds: int, seed: int) -> np.ndarray:
    """Stratified fold id (0..n_folds-1) for every row; shape (n_samples,)."""
    y = np.asarray(y)
    if n_folds < 2:
        raise ValueError(f"n_folds must be >= 2, got {n_folds}")
    counts = np.bincount(y.astype(int), minlength=2)
    if counts.min() < n_folds:
        raise ValueError(f"each class needs >= n_folds={n_folds} rows; class counts are {counts.tolist()}")
    fold = np.empty(len(y), dtype=int)
    splitter = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=seed)
    for k, (_, test_idx) in enumerate(splitter.split(np.zeros(len(y)), y)):
        fold[test_idx] = k
    return fold


def take_rows(X, idx):
    """Rows ``idx`` of a DataFrame or an array."""
    return X.iloc[idx] if hasattr(X, "iloc") else X[idx]


def fit_model(factory: Callable[[], object], X, y, name: str = "model", where: str = ""):
    """``factory().fit(X, y)``; a failure is re-raised as ``FoldFitError`` naming model and place."""
    try:
        return factory().fit(X, y)
    except Exception as err:
        raise FoldFitError(
            f"{name} failed to train on {where or 'its data'}: {type(err).__name__}: {err}"
        ) from err


def predict(model, X, name: str = "model", where: str = "") -> np.ndarray:
    """P(y=1) of a fitted model; non-finite scores are an error, not a number."""
    try:
        p = np.asarray(model.predict_proba(X))[:, 1]
    except Exception as err:
        raise FoldFitError(
            f"{name} failed to predict on {where or 'its data'}: {type(err).__name__}: {err}"
        ) from err
    if not np.isfinite(p).all():
        raise FoldFitError(f"{name} produced non-finite scores on {where or 'its data'}")
    return p


def fit_predict(
    factory: Callable[[], object], X_fit, y_fit, X_pred, name: str = "model", where: str = ""
) -> np.ndarray:
    """Fit a fresh model and return P(y=1) on ``X_pred``; failures name model and place."""
    return predict(fit_model(factory, X_fit, y_fit, name, where), X_pred, name, where)


def oof_predictions(factory: Callable[[], object], X, y, fold: np.ndarray, name: str = "model") -> np.ndarray:
    """OOF P(y=1) of the model ``factory()`` for every row; shape (n_samples,).

    Parameters
    ----------
    factory : callable returning an unfitted classifier with ``predict_proba``
    X : ndarray or DataFrame of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    fold : ndarray of shape (n_samples,), fold id per row (see ``make_folds``)
    """
    y = np.asarray(y)
    fold = np.asarray(fold)
    if len(y) != len(fold) or len(y) != len(X):
        raise ValueError(f"X, y and fold disagree on length: {len(X)}, {len(y)}, {len(fold)}")
    oof = np.full(len(y), np.nan)
    for k in np.unique(fold):
        out = fold == k
        inside = np.flatnonzero(~out)
        oof[out] = fit_predict(
            factory,
            take_rows(X, inside),
            y[inside],
            take_rows(X, np.flatnonzero(out)),
            name=name,
            where=f"fold {k}",
        )
    return oof


def fold_aucs(y, scores, fold) -> np.ndarray:
    """ROC-AUC of ``scores`` within each fold; shape (n_folds,)."""
    y, scores, fold = map(np.asarray, (y, scores, fold))
    return np.array([roc_auc_score(y[fold == k], scores[fold == k]) for k in np.unique(fold)])


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
    for name in progress(ALL_MODELS, desc="base models"):
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
