"""Search spaces of the base models (EN-14), as data, and how a trial draws from them.

A space maps a parameter to one of

    ("float", low, high, log)     ("int", low, high, log)     ("cat", [choices])

Spaces are data so a study can store the space it was created with and refuse to resume
under a different one. The ranges for XGBoost, LightGBM and logistic regression are the
story's; the story gives none for CatBoost and the MLP, so theirs are ours (conventional
ranges). This module imports no model library, so an Optuna worker starts fast.
"""

from __future__ import annotations

from typing import Any

import optuna

SPACES: dict[str, dict[str, tuple]] = {
    # source: 004 story, quick-reference "Hyperparameters Tuned" and follow-up 10
    "xgboost": {
        "learning_rate": ("float", 0.01, 0.3, True),
        "max_depth": ("int", 3, 10, False),
        "subsample": ("float", 0.6, 1.0, False),
        "colsample_bytree": ("float", 0.6, 1.0, False),
    },
    "lightgbm": {
        "learning_rate": ("float", 0.01, 0.3, True),
        "num_leaves": ("int", 20, 200, False),
        "min_child_samples": ("int", 5, 100, False),
        "feature_fraction": ("float", 0.6, 1.0, False),
    },
    "logreg": {
        "C": ("float", 0.001, 10.0, True),
        "penalty": ("cat", ["l1", "l2"]),
        "solver": ("cat", ["lbfgs", "saga"]),
    },
    # ours: the story names no ranges for these two
    "catboost": {
        "learning_rate": ("float", 0.01, 0.3, True),
        "depth": ("int", 4, 8, False),
        "l2_leaf_reg": ("float", 1.0, 10.0, True),
    },
    "mlp": {
        "width": ("cat", [32, 64, 128]),
        "alpha": ("float", 1e-5, 1e-1, True),
        "learning_rate_init": ("float", 1e-4, 1e-2, True),
    },
    "random_forest": {},
    # a quadratic with a known optimum, for checking a storage/worker setup without data
    "toy": {"x": ("float", -2.0, 2.0, False)},
}

BASE_MODELS = ("xgboost", "lightgbm", "catboost", "logreg", "mlp")


def suggest(trial: optuna.Trial, space: dict[str, tuple]) -> dict[str, Any]:
    """Draw one point of ``space`` through the trial's sampler."""
    params = {}
    for name, spec in space.items():
        kind = spec[0]
        if kind == "float":
            params[name] = trial.suggest_float(name, spec[1], spec[2], log=spec[3])
        elif kind == "int":
            params[name] = trial.suggest_int(name, spec[1], spec[2], log=spec[3])
        elif kind == "cat":
            params[name] = trial.suggest_categorical(name, list(spec[1]))
        else:
            raise ValueError(f"unknown parameter kind {kind!r} for {name}")
    return params


def check_params(name: str, params: dict[str, Any]) -> None:
    """Reject combinations the library cannot fit (lbfgs has no L1 penalty)."""
    if name == "logreg" and params.get("penalty") == "l1" and params.get("solver") == "lbfgs":
        raise ValueError("logreg: solver lbfgs supports only the l2 penalty; use saga for l1")


def toy_objective(trial: optuna.Trial) -> float:
    """-(x - 0.3)^2: maximum 0 at x = 0.3. Checks a storage/worker setup in a second."""
    x = trial.suggest_float("x", *SPACES["toy"]["x"][1:3])
    return -((x - 0.3) ** 2)


# The story's tuned optima (EN-14), used where a stage runs with fixed hyperparameters
# (nested CV without inner tuning, the failure-case experiments).
# source: 004 story, quick reference "Hyperparameters Tuned (per model)"
STORY_OPTIMA: dict[str, dict[str, Any]] = {
    "xgboost": {"learning_rate": 0.05, "max_depth": 6, "subsample": 0.8, "colsample_bytree": 0.75},
    "lightgbm": {"learning_rate": 0.08, "num_leaves": 64, "min_child_samples": 20, "feature_fraction": 0.85},
    "logreg": {"C": 1.0, "penalty": "l2", "solver": "lbfgs"},
}
