"""Class imbalance, three ways, compared on one split; the test set is never resampled.

    class weights   every row kept; a positive weighs n_neg / n_pos
    SMOTE           synthetic positives x_new = x_i + u (x_nn - x_i), u ~ U(0, 1), x_nn one
                    of x_i's k nearest positive neighbours, until n_pos / n_neg = 0.8
    undersampling   drop random negatives until n_pos / n_neg = 1

Resampling lives inside an imbalanced-learn ``Pipeline``: a sampler step runs in ``fit``
only and is skipped by ``predict_proba``, so in cross-validation it touches the training
folds and never the validation fold, and the test set is scored as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np
from imblearn.over_sampling import SMOTE
from imblearn.pipeline import Pipeline
from imblearn.under_sampling import RandomUnderSampler
from sklearn.model_selection import StratifiedKFold, cross_val_score

from algorithms.metrics import at_threshold, roc_auc
from systems.core.models import make_model

STRATEGIES = ("class_weights", "smote", "undersampling")
SMOTE_RATIO = 0.8


def make_pipeline(strategy: str, model_name: str, seed: int, pos_ratio: float, sampler=None) -> Pipeline:
    """An imblearn Pipeline for one strategy; ``sampler`` overrides the resampling step."""
    if strategy == "class_weights":
        model = make_model(model_name, seed, "balanced", pos_ratio, early_stopping=False)
        return Pipeline([("model", model)])
    if sampler is None:
        sampler = (
            SMOTE(sampling_strategy=SMOTE_RATIO, random_state=seed)
            if strategy == "smote"
            else RandomUnderSampler(sampling_strategy=1.0, random_state=seed)
        )
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown strategy {strategy!r}; choose from {STRATEGIES}")
    return Pipeline([("resample", sampler), ("model", make_model(model_name, seed, early_stopping=False))])


@dataclass(frozen=True)
class StrategyResult:
    """One strategy scored on the untouched test rows at threshold 0.5."""

    precision: float
    recall: float
    f1: float
    roc_auc: float
    cv_f1: float  # mean F1 over stratified CV folds of the training rows (nan without CV)
    n_test_scored: float
    test_pos_rate: float
    p_test: np.ndarray = field(repr=False)  # test scores, for the ledger's paired bootstraps

    def figures(self) -> dict[str, float]:
        """Every figure above except the per-row scores."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "p_test"}


@dataclass(frozen=True)
class ImbalanceComparison:
    """The three strategies of ``STRATEGIES`` on one split; ``y_test`` are the rows they scored."""

    class_weights: StrategyResult
    smote: StrategyResult
    undersampling: StrategyResult
    y_test: np.ndarray = field(repr=False)

    def by_strategy(self) -> dict[str, StrategyResult]:
        return {s: getattr(self, s) for s in STRATEGIES}


def compare(
    X_train, y_train, X_test, y_test, model_name: str, seed: int, cv_folds: int = 3
) -> ImbalanceComparison:
    """Fit each strategy on the training rows, score the untouched test rows at 0.5."""
    y_train, y_test = np.asarray(y_train), np.asarray(y_test)
    pos_ratio = float((y_train == 0).sum() / max((y_train == 1).sum(), 1))
    out = {}
    for s in STRATEGIES:
        pipe = make_pipeline(s, model_name, seed, pos_ratio)
        cv_f1 = [np.nan]
        if cv_folds > 1:
            cv = StratifiedKFold(cv_folds, shuffle=True, random_state=seed)
            cv_f1 = cross_val_score(pipe, X_train, y_train, cv=cv, scoring="f1")
        pipe.fit(X_train, y_train)
        p = pipe.predict_proba(X_test)[:, 1]
        prec, rec, f1 = at_threshold(y_test, p, 0.5)
        out[s] = StrategyResult(
            precision=prec,
            recall=rec,
            f1=f1,
            roc_auc=roc_auc(y_test, p),
            cv_f1=float(np.mean(cv_f1)),
            n_test_scored=float(len(p)),
            test_pos_rate=float(y_test.mean()),
            p_test=p,
        )
    return ImbalanceComparison(**out, y_test=y_test)
