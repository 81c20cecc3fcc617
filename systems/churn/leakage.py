"""The leakage experiment: a post-outcome feature under a random split vs a clean temporal split.

Both set-ups are judged the way production would judge them: on a LATER window (the
last ``holdout_months`` months) that neither trained on, with features as they exist at
prediction time (``data.churn.prediction_time_view``: the post-snapshot activity has
not happened yet, so the feed reports the month that just ended).

    leaky     random stratified split of the earlier months, ``activity_after_snapshot``
              kept: offline accuracy on its own random test rows, then production
              accuracy on the later window
    temporal  train on the earlier months without the leaky column, score the later window
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from algorithms.metrics import roc_auc
from data.churn import TARGET, TIME, prediction_time_view
from systems.churn.splits import temporal_holdout
from systems.core.churn_table.features import ChurnFeatures
from systems.core.models import make_model


def _accuracy(y, p) -> float:
    return float(np.mean((np.asarray(p) >= 0.5) == np.asarray(y)))


@dataclass(frozen=True)
class LeakageScores:
    """Labels and scores behind each figure, for the ledger's intervals."""

    y_offline: np.ndarray  # the leaky set-up's own random test rows
    leaky_offline: np.ndarray
    y_later: np.ndarray  # the later window, shared by both set-ups
    leaky_production: np.ndarray
    temporal_production: np.ndarray


@dataclass(frozen=True)
class LeakageResult:
    """Accuracy (threshold 0.5) and AUC of both set-ups; see the module docstring."""

    leaky_offline_accuracy: float
    leaky_production_accuracy: float
    temporal_production_accuracy: float
    leaky_offline_auc: float
    leaky_production_auc: float
    temporal_production_auc: float
    majority_class_accuracy: float
    n_later_window: float
    scores: LeakageScores = field(repr=False)

    def figures(self) -> dict[str, float]:
        """Every figure above except the per-row scores."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "scores"}


def leakage_experiment(
    clean: pd.DataFrame, seed: int, model_name: str = "xgboost", holdout_months: int = 3
) -> LeakageResult:
    """Fit and score both set-ups of the module docstring."""
    y = clean[TARGET].to_numpy()
    dev, later = temporal_holdout(clean[TIME], holdout_months)
    tr, te = train_test_split(dev, test_size=0.2, stratify=y[dev], random_state=seed)
    prod = prediction_time_view(clean.iloc[later])

    leaky = ChurnFeatures(include_leaky=True).fit(clean.iloc[tr])
    m_leaky = make_model(model_name, seed, early_stopping=False).fit(leaky.transform(clean.iloc[tr]), y[tr])
    p_off = m_leaky.predict_proba(leaky.transform(clean.iloc[te]))[:, 1]
    p_prod_leaky = m_leaky.predict_proba(leaky.transform(prod))[:, 1]

    clean_f = ChurnFeatures().fit(clean.iloc[dev])
    m_temp = make_model(model_name, seed, early_stopping=False)
    m_temp.fit(clean_f.transform(clean.iloc[dev]), y[dev])
    p_prod_temp = m_temp.predict_proba(clean_f.transform(prod))[:, 1]

    y_later = y[later]
    return LeakageResult(
        leaky_offline_accuracy=_accuracy(y[te], p_off),
        leaky_production_accuracy=_accuracy(y_later, p_prod_leaky),
        temporal_production_accuracy=_accuracy(y_later, p_prod_temp),
        leaky_offline_auc=roc_auc(y[te], p_off),
        leaky_production_auc=roc_auc(y_later, p_prod_leaky),
        temporal_production_auc=roc_auc(y_later, p_prod_temp),
        majority_class_accuracy=float(max(y_later.mean(), 1 - y_later.mean())),
        n_later_window=float(len(later)),
        scores=LeakageScores(y[te], p_off, y_later, p_prod_leaky, p_prod_temp),
    )
