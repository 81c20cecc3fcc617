"""The four model families of the story, built one way so every comparison is like for like.

    logreg          StandardScaler -> LogisticRegression (L2), the interpretable baseline
    random_forest   bagged deep trees; size grows with trees x leaves
    xgboost         boosted trees; max_depth, min_child_weight, gamma regularise;
                    early stopping: stop when validation log-loss has not improved for
                    ``EARLY_STOPPING_ROUNDS`` rounds, keep the best round
    lightgbm        leaf-wise boosted trees, same early stopping

One thread per model by default: on a small shared machine OpenMP threads that spin
while waiting for a busy core make boosters several times slower, not faster.

``class_weight="balanced"`` weighs a positive by n_neg / n_pos (``scale_pos_weight`` in
the boosters), so each class carries equal total weight.
"""

from __future__ import annotations

import lightgbm as lgb
import numpy as np
import xgboost as xgb
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

MODEL_NAMES = ("logreg", "random_forest", "xgboost", "lightgbm")
EARLY_STOPPING_ROUNDS = 20
MAX_ROUNDS = 2000


def make_model(
    name: str,
    seed: int,
    class_weight: str | None = None,
    pos_ratio: float = 1.0,
    early_stopping: bool = True,
    n_jobs: int = 1,
    **params,
):
    """An unfitted classifier; ``pos_ratio`` = n_neg / n_pos for balanced boosters."""
    if name == "logreg":
        return make_pipeline(
            StandardScaler(),
            LogisticRegression(C=params.pop("C", 1.0), class_weight=class_weight, max_iter=2000),
        )
    if name == "random_forest":
        base = {"n_estimators": 200, "min_samples_leaf": 2, "max_features": "sqrt"}
        return RandomForestClassifier(
            **(base | params), class_weight=class_weight, random_state=seed, n_jobs=n_jobs
        )
    spw = pos_ratio if class_weight == "balanced" else 1.0
    if name == "xgboost":
        base = {
            "learning_rate": 0.05,
            "max_depth": 5,
            "min_child_weight": 3.0,
            "gamma": 0.5,
            "subsample": 0.9,
            "colsample_bytree": 0.8,
        }
        return xgb.XGBClassifier(
            n_estimators=params.pop("n_estimators", MAX_ROUNDS if early_stopping else 300),
            **(base | params),
            scale_pos_weight=spw,
            tree_method="hist",
            eval_metric="logloss",
            early_stopping_rounds=EARLY_STOPPING_ROUNDS if early_stopping else None,
            random_state=seed,
            n_jobs=n_jobs,
            verbosity=0,
        )
    if name == "lightgbm":
        base = {
            "learning_rate": 0.05,
            "num_leaves": 31,
            "min_child_samples": 20,
            "subsample": 0.9,
            "subsample_freq": 1,
            "colsample_bytree": 0.8,
        }
        return lgb.LGBMClassifier(
            n_estimators=params.pop("n_estimators", MAX_ROUNDS if early_stopping else 300),
            **(base | params),
            scale_pos_weight=spw,
            random_state=seed,
            n_jobs=n_jobs,
            verbose=-1,
        )
    raise ValueError(f"unknown model {name!r}; choose from {MODEL_NAMES}")


def fit_model(model, name: str, X, y, X_val=None, y_val=None):
    """Fit, passing the validation set for early stopping to the boosters that use it."""
    if name == "xgboost" and model.get_params().get("early_stopping_rounds"):
        if X_val is None:
            raise ValueError("xgboost with early stopping needs X_val, y_val")
        return model.fit(X, y, eval_set=[(X, y), (X_val, y_val)], verbose=False)
    if name == "lightgbm" and X_val is not None and model.get_params()["n_estimators"] == MAX_ROUNDS:
        return model.fit(
            X,
            y,
            eval_X=(X, X_val),
            eval_y=(y, y_val),
            eval_metric="binary_logloss",
            callbacks=[lgb.early_stopping(EARLY_STOPPING_ROUNDS, verbose=False)],
        )
    return model.fit(X, y)


def rounds_used(model) -> tuple[int, int]:
    """(best round, rounds trained) of a fitted booster with early stopping (1-based)."""
    if isinstance(model, xgb.XGBClassifier):
        best = int(model.best_iteration) + 1
        trained = int(model.get_booster().num_boosted_rounds())
        return best, trained
    if isinstance(model, lgb.LGBMClassifier):
        sets = list(model.evals_result_.values())  # [train, validation] in eval order
        curve = next(iter(sets[-1].values()), []) if sets else []
        return int(model.best_iteration_ or len(curve)), len(curve)
    raise TypeError(f"{type(model).__name__} has no boosting rounds")


def validation_curve(model) -> tuple[np.ndarray, np.ndarray]:
    """(train log-loss, validation log-loss) per round of an early-stopped booster."""
    if isinstance(model, xgb.XGBClassifier):
        r = model.evals_result()
        return np.asarray(r["validation_0"]["logloss"]), np.asarray(r["validation_1"]["logloss"])
    sets = list(model.evals_result_.values())
    return np.asarray(sets[0]["binary_logloss"]), np.asarray(sets[-1]["binary_logloss"])
