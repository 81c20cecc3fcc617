"""Out-of-fold (OOF) predictions: every training row scored by a model that never saw it.

With K stratified folds F_1..F_K of the training rows,

    oof[i] = f_{-k}(x_i)   for i in F_k,   f_{-k} fitted on all rows outside F_k

so ``oof`` is an honest held-out score for every training row. Stacking and blending are
fitted on OOF columns only; fitting them on in-sample predictions would reward the base
model that memorises best. Test-set scores come from a model refitted on all training rows.

A base model that fails on a fold raises ``FoldFitError`` naming model and fold; no
half-filled OOF column is ever returned.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from sklearn.model_selection import StratifiedKFold


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
    from sklearn.metrics import roc_auc_score

    y, scores, fold = map(np.asarray, (y, scores, fold))
    return np.array([roc_auc_score(y[fold == k], scores[fold == k]) for k in np.unique(fold)])
