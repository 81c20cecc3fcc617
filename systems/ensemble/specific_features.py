"""Model-specific features (EN-15): give each model the view it is said to use best.

Starting from the churn features with the recency group held out (``base``):

    XGBoost   base + recency      last_login_days, inactive_7d/30d, recency_x_decline,
                                  sessions/minutes/tickets trends, new_customer
    LightGBM  base + categorical crosses   one-hot of contract x plan, contract x payment
    LogReg    base + polynomial   squares of tenure, charges, engagement, log sessions;
                                  cube of the (standardised) charges-to-tenure ratio

"without" = every model on ``base``; "with" = each model on its own view. The ensemble is
the equal-weight average of the three in both arms, so the comparison isolates the
features (blend weights are studied elsewhere).
"""

from __future__ import annotations

import pandas as pd
from sklearn.metrics import roc_auc_score

from systems.core.models import make_model
from systems.ensemble.base_models import STORY_OPTIMA
from systems.ensemble.data import Dataset
from systems.ensemble.oof import fit_predict

RECENCY = [
    "last_login_days",
    "inactive_7d",
    "inactive_30d",
    "recency_x_decline",
    "sessions_trend",
    "minutes_trend",
    "tickets_trend",
    "new_customer",
]
CROSSES = (("contract_type", "plan"), ("contract_type", "payment_method"))
POLY = ["tenure_months", "monthly_charges", "engagement_score", "log_sessions_m1"]


def _one_hot_prefix(X: pd.DataFrame, col: str) -> list[str]:
    return [c for c in X.columns if c.startswith(col + "=")]


def base_view(X: pd.DataFrame) -> pd.DataFrame:
    return X.drop(columns=[c for c in RECENCY if c in X.columns])


def recency_view(X: pd.DataFrame) -> pd.DataFrame:
    return pd.concat([base_view(X), X[RECENCY]], axis=1)


def crosses_view(X: pd.DataFrame) -> pd.DataFrame:
    extra = {}
    for a, b in CROSSES:
        for ca in _one_hot_prefix(X, a):
            for cb in _one_hot_prefix(X, b):
                extra[f"{ca}&{cb}"] = X[ca] * X[cb]
    return pd.concat([base_view(X), pd.DataFrame(extra, index=X.index)], axis=1)


def poly_view(X: pd.DataFrame, stats: dict[str, tuple[float, float]]) -> pd.DataFrame:
    extra = {f"{c}^2": ((X[c] - stats[c][0]) / stats[c][1]) ** 2 for c in POLY}
    m, s = stats["charges_to_tenure_ratio"]
    extra["charges_to_tenure_ratio^3"] = ((X["charges_to_tenure_ratio"] - m) / s) ** 3
    return pd.concat([base_view(X), pd.DataFrame(extra, index=X.index)], axis=1)


def compare_views(ds: Dataset, n_estimators: int, seed: int, scores: dict | None = None) -> dict[str, float]:
    """Test AUC of each model and of the equal-weight ensemble, without vs with its view.

    ``scores``, if given, receives the test scores under the same names (for paired bootstraps).
    """
    cols = [*POLY, "charges_to_tenure_ratio"]
    stats = {c: (float(ds.X_train[c].mean()), float(ds.X_train[c].std()) or 1.0) for c in cols}
    views = {"xgboost": recency_view, "lightgbm": crosses_view, "logreg": lambda X: poly_view(X, stats)}
    out, without, with_ = {}, [], []
    for m, view in views.items():
        for arm, fn, keep in (("without", base_view, without), ("with", view, with_)):
            p = fit_predict(
                lambda m=m: make_model(
                    m, seed, recipe="ensemble", n_estimators=n_estimators, **STORY_OPTIMA[m]
                ),
                fn(ds.X_train),
                ds.y_train,
                fn(ds.X_test),
                name=m,
                where=f"{arm} view",
            )
            out[f"{m}_{arm}"] = float(roc_auc_score(ds.y_test, p))
            keep.append(p)
            if scores is not None:
                scores[f"{m}_{arm}"] = p
    out["ensemble_without"] = float(roc_auc_score(ds.y_test, sum(without) / 3))
    out["ensemble_with"] = float(roc_auc_score(ds.y_test, sum(with_) / 3))
    if scores is not None:
        scores.update(ensemble_without=sum(without) / 3, ensemble_with=sum(with_) / 3)
    return out
