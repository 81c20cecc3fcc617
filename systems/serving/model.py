"""The served model: the churn story's raw columns -> impute / one-hot -> XGBoost, saved safely.

    numeric      the raw numeric columns of ``data.churn`` (leaky column and dates left out):
                 median imputation (``SimpleImputer``), missing values allowed
    categorical  contract, plan, region, payment method: one-hot; an unseen value is
                 encoded as all zeros (``OneHotEncoder(handle_unknown="ignore")``)
    model        XGBoost, 200 rounds, one thread (the serving process owns its cores)
    threshold    the F1-maximising cut on a held-out fifth of the rows

Training rows are the generator's rows minus its planted invalid ones (unknown categories,
negative values), which the saved schema would reject at serving time anyway. Everything
here is scikit-learn / XGBoost, so the artefact holds only allow-listed library types;
the service serves any model saved by ``systems.core.artifact`` (a ``churn --data`` model
too) unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import xgboost as xgb
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

from data.churn import CATEGORIES, ID, LEAKY, RAW_COLUMNS, TARGET, TIME, generate
from systems.core import artifact
from systems.core.artifact import Column, FeatureSchema

CATEGORICAL = ("contract_type", "plan", "region", "payment_method")
NOT_FEATURES = (ID, TARGET, LEAKY, TIME, "signup_date", "source")
NUMERIC = tuple(c for c in RAW_COLUMNS if c not in NOT_FEATURES and c not in CATEGORICAL)


@dataclass(frozen=True)
class TrainedModel:
    """A saved artefact and what training measured."""

    path: Path
    version: str
    auc_holdout: float
    accuracy_holdout: float
    threshold: float
    n_train: int


def schema() -> FeatureSchema:
    cols = [Column(c, "numeric") for c in NUMERIC]
    cols += [Column(c, "categorical", tuple(CATEGORIES[c]), unknown="zeros") for c in CATEGORICAL]
    return FeatureSchema(tuple(cols), ID, TARGET, "1", ignored=(LEAKY, TIME, "signup_date", "source"))


def clean_rows(n: int, seed: int) -> pd.DataFrame:
    """Generated rows without the planted invalid ones (unknown categories, negative values)."""
    df = generate("telecom", n, seed)
    ok = np.ones(len(df), dtype=bool)
    for c in CATEGORICAL:
        ok &= df[c].isin(CATEGORIES[c]).to_numpy()
    num = df[list(NUMERIC)].apply(pd.to_numeric, errors="coerce")
    ok &= ~(num < 0).any(axis=1).to_numpy()
    return df.loc[ok].reset_index(drop=True)


def pipeline(seed: int, n_rounds: int = 200) -> Pipeline:
    pre = ColumnTransformer(
        [
            ("num", SimpleImputer(strategy="median"), list(NUMERIC)),
            ("cat", OneHotEncoder(handle_unknown="ignore"), list(CATEGORICAL)),
        ]
    )
    booster = xgb.XGBClassifier(
        n_estimators=n_rounds,
        max_depth=5,
        learning_rate=0.08,
        subsample=0.9,
        tree_method="hist",
        n_jobs=1,
        random_state=seed,
        verbosity=0,
    )
    return Pipeline([("features", pre), ("model", booster)])


def f1_threshold(y: np.ndarray, p: np.ndarray) -> float:
    """The cut in 0.05..0.95 with the highest F1 (ties: the lowest cut)."""
    grid = np.round(np.arange(0.05, 0.96, 0.05), 2)
    f1 = []
    for t in grid:
        flag = p >= t
        tp = float(np.sum(flag & (y == 1)))
        f1.append(2 * tp / max(float(flag.sum() + (y == 1).sum()), 1.0))
    return float(grid[int(np.argmax(f1))])


def train(path, n_rows: int, seed: int, version: str = "1.0.0") -> TrainedModel:
    """Train on ``n_rows`` generated customers and save the artefact at ``path``."""
    df = clean_rows(n_rows, seed)
    X, y = df.drop(columns=[TARGET]), df[TARGET].to_numpy()
    cut = int(0.8 * len(df))
    pipe = pipeline(seed).fit(X.iloc[:cut], y[:cut])
    p = pipe.predict_proba(X.iloc[cut:])[:, 1]
    t = f1_threshold(y[cut:], p)
    auc = float(roc_auc_score(y[cut:], p))
    acc = float(np.mean((p >= t) == (y[cut:] == 1)))
    inputs = X[[c.name for c in schema().columns] + [ID]]
    m = artifact.save(
        path,
        pipe,
        schema(),
        t,
        inputs.iloc[cut:],
        {
            "data": f"data.churn telecom n={n_rows} seed={seed}",
            "model": "xgboost 200 rounds",
            "holdout_auc": auc,
            "n_train": cut,
            "threshold_rule": "F1 argmax on holdout",
        },
        version=version,
    )
    return TrainedModel(Path(path), m.model_version, auc, acc, t, cut)


def request_rows(n: int, seed: int) -> list[dict]:
    """``n`` JSON-ready request bodies (feature columns + id) from fresh customers."""
    df = clean_rows(max(n + n // 10 + 20, 60), seed)[[ID, *NUMERIC, *CATEGORICAL]].head(n)
    rows = df.to_dict(orient="records")
    return [
        {k: (None if isinstance(v, float) and not np.isfinite(v) else v) for k, v in r.items()} for r in rows
    ]
