"""One model factory for the tabular systems (churn, ensemble), with search spaces as data.

    make_model(name, seed, **params)                        the churn story's recipe
    make_model(name, seed, recipe="ensemble", n_estimators=N, **params)
                                                            the ensemble story's recipe

Families: logreg (StandardScaler -> LogisticRegression), random_forest, xgboost, lightgbm,
catboost and mlp (StandardScaler -> three equal hidden layers). A *recipe* is the set of
fixed, untuned settings a story used for each family (``RECIPES``, plain data, so the two
stories' defaults can be read side by side); ``params`` (a trial's draw, a story's optimum)
override them. The two recipes differ where the stories did:

    churn      boosters early-stop on a validation set (``EARLY_STOPPING_ROUNDS`` rounds of
               no log-loss gain, up to ``MAX_ROUNDS``); ``class_weight="balanced"`` weighs a
               positive by n_neg / n_pos (``pos_ratio``, ``scale_pos_weight`` in boosters)
    ensemble   a fixed tree count per profile (``n_estimators``), no early stopping; LogReg
               takes an L1/L2 ``penalty`` and a solver

One thread per model by default: on a small shared machine, OpenMP threads spinning on a
busy core make boosters slower, not faster; parallelism comes from folds and workers.

Search spaces map a parameter to ("float", low, high, log), ("int", low, high, log) or
("cat", [choices]); ``suggest`` draws one point through an Optuna trial, in the space's
order (a seeded sampler then replays the same draws). Model libraries are imported where a
model is built, so an Optuna worker that only needs the spaces starts fast.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import optuna

EARLY_STOPPING_ROUNDS = 20
MAX_ROUNDS = 2000
CHURN_MODELS = ("logreg", "random_forest", "xgboost", "lightgbm")

# Fixed settings per recipe and family; ``params`` override them.
RECIPES: dict[str, dict[str, dict[str, Any]]] = {
    "churn": {
        "logreg": {"C": 1.0, "max_iter": 2000},
        "random_forest": {"n_estimators": 200, "min_samples_leaf": 2, "max_features": "sqrt"},
        "xgboost": {
            "learning_rate": 0.05,
            "max_depth": 5,
            "min_child_weight": 3.0,
            "gamma": 0.5,
            "subsample": 0.9,
            "colsample_bytree": 0.8,
        },
        "lightgbm": {
            "learning_rate": 0.05,
            "num_leaves": 31,
            "min_child_samples": 20,
            "subsample": 0.9,
            "subsample_freq": 1,
            "colsample_bytree": 0.8,
        },
    },
    "ensemble": {
        "random_forest": {"min_samples_leaf": 1, "max_features": "sqrt"},
        "xgboost": {"tree_method": "hist", "verbosity": 0, "eval_metric": "auc"},
        "lightgbm": {"verbose": -1},
        "catboost": {"verbose": 0, "allow_writing_files": False},
        "logreg": {"max_iter": 1000, "tol": 1e-3},
        "mlp": {"width": 64, "early_stopping": True, "max_iter": 200},
    },
}

# The ensemble story's search spaces (EN-14). story: quick-reference
# "Hyperparameters Tuned" and follow-up 10 (XGBoost, LightGBM, LogReg); CatBoost and the MLP
# are ours (the story names no ranges for them).
SPACES: dict[str, dict[str, tuple]] = {
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

# The churn story's boosters under time-ordered CV: shared ranges first, then each family's.
_CHURN_COMMON = {
    "learning_rate": ("float", 0.02, 0.2, True),
    "subsample": ("float", 0.6, 1.0, False),
    "colsample_bytree": ("float", 0.5, 1.0, False),
    "reg_lambda": ("float", 1e-3, 10.0, True),
}
CHURN_SPACES: dict[str, dict[str, tuple]] = {
    "lightgbm": _CHURN_COMMON
    | {"num_leaves": ("int", 8, 128, True), "min_child_samples": ("int", 5, 100, True)},
    "xgboost": _CHURN_COMMON
    | {
        "max_depth": ("int", 3, 8, False),
        "min_child_weight": ("float", 1.0, 20.0, True),
        "gamma": ("float", 0.0, 5.0, False),
    },
}


def suggest(trial: optuna.Trial, space: dict[str, tuple]) -> dict[str, Any]:
    """Draw one point of ``space`` through the trial's sampler, in the space's order."""
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


def make_model(
    name: str,
    seed: int,
    class_weight: str | None = None,
    pos_ratio: float = 1.0,
    early_stopping: bool = True,
    n_jobs: int = 1,
    *,
    recipe: str = "churn",
    n_estimators: int | None = None,
    **params,
):
    """An unfitted classifier of family ``name`` under ``recipe`` (module docstring).

    ``class_weight``, ``pos_ratio`` and ``early_stopping`` belong to the churn recipe.
    ``n_estimators``: tree count (CatBoost: iterations); default 200 in the ensemble recipe,
    and in the churn recipe the family's own (boosters: ``MAX_ROUNDS`` with early stopping,
    else 300).
    """
    if recipe == "ensemble":
        return _ensemble_model(name, seed, 200 if n_estimators is None else n_estimators, params)
    if recipe != "churn":
        raise ValueError(f"unknown recipe {recipe!r}; choose from {sorted(RECIPES)}")
    if n_estimators is not None:
        params["n_estimators"] = n_estimators
    if name not in RECIPES["churn"]:
        raise ValueError(f"unknown model {name!r}; choose from {CHURN_MODELS}")
    p = RECIPES["churn"][name] | params
    if name == "logreg":
        from sklearn.linear_model import LogisticRegression

        return _scaled(LogisticRegression(C=p["C"], class_weight=class_weight, max_iter=p["max_iter"]))
    if name == "random_forest":
        from sklearn.ensemble import RandomForestClassifier

        return RandomForestClassifier(**p, class_weight=class_weight, random_state=seed, n_jobs=n_jobs)
    rounds = p.pop("n_estimators", MAX_ROUNDS if early_stopping else 300)
    spw = pos_ratio if class_weight == "balanced" else 1.0
    if name == "xgboost":
        import xgboost as xgb

        return xgb.XGBClassifier(
            n_estimators=rounds,
            **p,
            scale_pos_weight=spw,
            tree_method="hist",
            eval_metric="logloss",
            early_stopping_rounds=EARLY_STOPPING_ROUNDS if early_stopping else None,
            random_state=seed,
            n_jobs=n_jobs,
            verbosity=0,
        )
    import lightgbm as lgb

    return lgb.LGBMClassifier(
        n_estimators=rounds, **p, scale_pos_weight=spw, random_state=seed, n_jobs=n_jobs, verbose=-1
    )


def _scaled(model):
    """``model`` on standardised inputs (lbfgs/saga and Adam need them to converge)."""
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), model)


def _ensemble_model(name: str, seed: int, n_estimators: int, params: dict[str, Any]):
    check_params(name, params)
    if name not in RECIPES["ensemble"]:
        raise ValueError(f"unknown model {name!r}; choose from {sorted(SPACES)}")
    p = RECIPES["ensemble"][name] | params
    if name == "random_forest":
        from sklearn.ensemble import RandomForestClassifier

        return RandomForestClassifier(
            **({"n_estimators": n_estimators, "n_jobs": 1, "random_state": seed} | p)
        )
    if name == "xgboost":
        from xgboost import XGBClassifier

        return XGBClassifier(n_estimators=n_estimators, n_jobs=1, random_state=seed, **p)
    if name == "lightgbm":
        from lightgbm import LGBMClassifier

        return LGBMClassifier(n_estimators=n_estimators, n_jobs=1, random_state=seed, **p)
    if name == "catboost":
        from catboost import CatBoostClassifier

        return CatBoostClassifier(iterations=n_estimators, thread_count=1, random_seed=seed, **p)
    if name == "logreg":
        from sklearn.linear_model import LogisticRegression

        penalty = p.pop("penalty", "l2")
        return _scaled(LogisticRegression(l1_ratio=1.0 if penalty == "l1" else 0.0, random_state=seed, **p))
    from sklearn.neural_network import MLPClassifier

    width = int(p.pop("width"))
    return _scaled(MLPClassifier(hidden_layer_sizes=(width,) * 3, random_state=seed, **p))


def fit_model(model, name: str, X, y, X_val=None, y_val=None):
    """Fit, passing the validation set for early stopping to the boosters that use it."""
    if name == "xgboost" and model.get_params().get("early_stopping_rounds"):
        if X_val is None:
            raise ValueError("xgboost with early stopping needs X_val, y_val")
        return model.fit(X, y, eval_set=[(X, y), (X_val, y_val)], verbose=False)
    if name == "lightgbm" and X_val is not None and model.get_params()["n_estimators"] == MAX_ROUNDS:
        import lightgbm as lgb

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
    import lightgbm as lgb
    import xgboost as xgb

    if isinstance(model, xgb.XGBClassifier):
        best = int(model.best_iteration) + 1
        trained = int(model.get_booster().num_boosted_rounds())
        return best, trained
    if isinstance(model, lgb.LGBMClassifier):
        sets = list(model.evals_result_.values())  # [train, validation] in eval order
        curve = next(iter(sets[-1].values()), []) if sets else []
        # early stopping drops the trees after the best round, so the rounds trained come from
        # the validation curve; without an eval set there is no curve and every tree was kept
        trained = len(curve) or int(model.booster_.current_iteration())
        return int(model.best_iteration_ or trained), trained
    raise TypeError(f"{type(model).__name__} has no boosting rounds")


def validation_curve(model) -> tuple[np.ndarray, np.ndarray]:
    """(train log-loss, validation log-loss) per round of an early-stopped booster."""
    import xgboost as xgb

    if isinstance(model, xgb.XGBClassifier):
        r = model.evals_result()
        return np.asarray(r["validation_0"]["logloss"]), np.asarray(r["validation_1"]["logloss"])
    sets = list(model.evals_result_.values())
    return np.asarray(sets[0]["binary_logloss"]), np.asarray(sets[-1]["binary_logloss"])
