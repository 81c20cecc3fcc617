"""Stacking: a meta-learner fitted on out-of-fold base-model scores (never in-fold ones).

Meta-features of a row, for K base models and optional original columns x_S:

    z = [logit(p_1), ..., logit(p_K), standardise(x_S)]       p_k = OOF P(y=1) of model k

    LogReg meta:   P(y=1 | z) = sigmoid(b + v . z),  L2 penalty alpha = 0.1 -> C = 1/alpha = 10
    XGBoost meta:  boosted trees on z (flexible, so it can memorise base-model quirks)

Logits rather than probabilities make the LogReg meta a weighted geometric blend of odds,
which is what it can represent best. ``StackedEnsemble`` does the whole recipe: OOF scores
of each base model over the training folds -> meta-learner on those -> base models refitted
on all rows for test time. ``meta_input_`` keeps the exact matrix the meta-learner saw, so
a test can check it is the OOF matrix.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler
from xgboost import XGBClassifier

from systems.ensemble.oof import oof_predictions

META_L2_ALPHA = 0.1  # source: 004 story, follow-up 9 (meta L2 penalty alpha = 0.1)
_CLIP = 1e-6


def logit(p) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=float), _CLIP, 1 - _CLIP)
    return np.log(p / (1 - p))


class MetaLearner:
    """Meta-learner on base-model scores, optionally with original columns.

    Parameters
    ----------
    kind : {"logreg", "xgboost"}
    seed : int
    """

    def __init__(self, kind: str = "logreg", seed: int = 0):
        self.kind = kind
        self.seed = seed

    def _features(self, P, extra, fit: bool) -> np.ndarray:
        Z = logit(P)
        if extra is None:
            return Z
        extra = np.asarray(extra, dtype=float)
        if fit:
            self.scaler_ = StandardScaler().fit(extra)
        return np.column_stack([Z, self.scaler_.transform(extra)])

    def fit(self, P, y, extra=None):
        """P : (n_samples, K) OOF scores; extra : (n_samples, m) original columns or None."""
        if self.kind == "logreg":
            self.model_ = LogisticRegression(C=1.0 / META_L2_ALPHA, max_iter=2000)
        elif self.kind == "xgboost":
            self.model_ = XGBClassifier(
                n_estimators=300,
                max_depth=6,
                learning_rate=0.1,
                n_jobs=1,
                random_state=self.seed,
                verbosity=0,
            )
        else:
            raise ValueError(f"unknown meta-learner {self.kind!r}; use 'logreg' or 'xgboost'")
        self.has_extra_ = extra is not None
        self.model_.fit(self._features(P, extra, fit=True), np.asarray(y))
        return self

    def predict_proba(self, P, extra=None) -> np.ndarray:
        if (extra is not None) != self.has_extra_:
            raise ValueError("pass extra columns at predict time iff they were passed to fit")
        return self.model_.predict_proba(self._features(P, extra, fit=False))[:, 1]


class StackedEnsemble:
    """Base models -> OOF scores -> meta-learner; base models refitted on all rows.

    Parameters
    ----------
    bases : dict of str to callable returning an unfitted classifier
    meta : MetaLearner
    """

    def __init__(self, bases: dict[str, Callable[[], object]], meta: MetaLearner):
        self.bases = bases
        self.meta = meta

    def fit(self, X, y, fold: np.ndarray):
        y = np.asarray(y)
        cols = [oof_predictions(f, X, y, fold, name=n) for n, f in self.bases.items()]
        self.meta_input_ = np.column_stack(cols)
        self.meta_ = self.meta.fit(self.meta_input_, y)
        self.fitted_ = {n: f().fit(X, y) for n, f in self.bases.items()}
        return self

    def base_scores(self, X) -> np.ndarray:
        return np.column_stack([m.predict_proba(X)[:, 1] for m in self.fitted_.values()])

    def predict_proba(self, X) -> np.ndarray:
        return self.meta_.predict_proba(self.base_scores(X))
