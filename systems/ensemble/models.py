"""The base-model zoo: six families and one builder, ``make_model(name, params)``.

Families:  random_forest (the untuned baseline), xgboost, lightgbm, catboost,
           logreg (L1 or L2), mlp (three hidden layers, scikit-learn).
Search spaces live in ``spaces`` (EN-14). Tree counts are fixed per profile
(``n_estimators``) rather than tuned, which keeps the quick profile small; LogReg and the
MLP run on standardised inputs (lbfgs/saga and Adam need it to converge). Every model runs
single-threaded: the machine is shared and parallelism comes from folds/workers instead.
"""

from __future__ import annotations

from typing import Any

from catboost import CatBoostClassifier
from lightgbm import LGBMClassifier
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from xgboost import XGBClassifier

from systems.ensemble.spaces import SPACES, check_params


def make_model(name: str, params: dict[str, Any] | None = None, *, seed: int = 0, n_estimators: int = 200):
    """An unfitted scikit-learn-style classifier of family ``name`` with ``params``."""
    p = dict(params or {})
    check_params(name, p)
    if name == "random_forest":
        return RandomForestClassifier(
            **(
                {
                    "n_estimators": n_estimators,
                    "min_samples_leaf": 1,
                    "max_features": "sqrt",
                    "n_jobs": 1,
                    "random_state": seed,
                }
                | p
            )
        )
    if name == "xgboost":
        return XGBClassifier(
            n_estimators=n_estimators,
            n_jobs=1,
            random_state=seed,
            tree_method="hist",
            verbosity=0,
            eval_metric="auc",
            **p,
        )
    if name == "lightgbm":
        return LGBMClassifier(n_estimators=n_estimators, n_jobs=1, random_state=seed, verbose=-1, **p)
    if name == "catboost":
        return CatBoostClassifier(
            iterations=n_estimators,
            thread_count=1,
            random_seed=seed,
            verbose=0,
            allow_writing_files=False,
            **p,
        )
    if name == "logreg":
        penalty = p.pop("penalty", "l2")
        return make_pipeline(
            StandardScaler(),
            LogisticRegression(
                l1_ratio=1.0 if penalty == "l1" else 0.0, max_iter=1000, tol=1e-3, random_state=seed, **p
            ),
        )
    if name == "mlp":
        width = int(p.pop("width", 64))
        return make_pipeline(
            StandardScaler(),
            MLPClassifier(
                hidden_layer_sizes=(width, width, width),
                early_stopping=True,
                max_iter=200,
                random_state=seed,
                **p,
            ),
        )
    raise ValueError(f"unknown model {name!r}; choose from {sorted(SPACES)}")
