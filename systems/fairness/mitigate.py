"""Mitigations, each wrapped as a ``Candidate`` scored the same way on the same test rows.

    peer features      retrain on ``features.PEER_FEATURES`` (pre-processing)
    ExponentiatedGradient(DemographicParity | EqualizedOdds)   (in-processing)
        min_Q  cost(Q)  s.t.  |E_Q[h(X) | A=a] - E_Q[h(X)]| <= bound  (DP; EO: given Y too)
        solved as a Lagrangian game; the answer Q is a distribution over boosted
        classifiers h_t with weights w_t, so a decision is randomised:
            P(flag | x) = sum_t w_t h_t(x),   flag = 1[u < P(flag | x)],  u ~ U(0, 1)
        objective: fairlearn ErrorRate with costs fp = 1, fn = c (model.miss_cost), the
        cost the baseline's alert threshold implies
    ThresholdOptimizer(false_positive_rate_parity | equalized_odds)   (post-processing)
        one threshold per group on the baseline's scores (randomised between two cutoffs
        where needed) so that FPR is equal across groups, maximising accuracy. It is fitted
        on validation rows with each positive repeated round(c) times: that leaves every
        group's FPR and TPR unchanged and turns accuracy into the same fp = 1 / fn = c cost.

Randomised predictions are made reproducible by passing ``random_state=seed`` to
``predict``. AUC of a randomised classifier is computed on P(flag | x) (fairlearn's
``_pmf_predict``, the probability its draw flags the row), not on one draw; for the
ThresholdOptimizer that probability is a step function of the score within each group, so
its AUC is lower than the ranking AUC of the scores it thresholds. ``ranking`` keeps that
score for context: the baseline's probability under a ThresholdOptimizer, and the
weighted mixture sum_t w_t p_t(x) of the boosted models' probabilities under
ExponentiatedGradient (which ranks, but is not what the randomised classifier decides).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from fairlearn.postprocessing import ThresholdOptimizer
from fairlearn.reductions import DemographicParity, EqualizedOdds, ErrorRate, ExponentiatedGradient

from systems.fairness.model import booster

Scorer = Callable[[pd.DataFrame, pd.Series], np.ndarray]


@dataclass
class Candidate:
    """A model as the audit sees it: a flag probability and a (reproducible) decision."""

    name: str
    proba: Scorer  # P(flag | x, group), shape (n,)
    decide: Scorer  # 0/1 decisions, shape (n,)
    randomised: bool
    note: str = ""
    ranking: Scorer | None = None  # the continuous score underneath, if any (None: proba)


def from_model(name: str, model, threshold: float, columns: list[str], note: str = "") -> Candidate:
    def proba(X, s):
        return model.predict_proba(X[columns])[:, 1]

    def decide(X, s):
        return (proba(X, s) >= threshold).astype(int)

    return Candidate(name, proba, decide, randomised=False, note=note)


def exponentiated_gradient(
    name: str,
    constraint: str,
    X: pd.DataFrame,
    y,
    sensitive,
    *,
    bound: float,
    miss_cost: float,
    n_estimators: int,
    max_depth: int,
    max_iter: int,
    eps: float,
    seed: int,
) -> Candidate:
    """Fit ExponentiatedGradient with DemographicParity ("dp") or EqualizedOdds ("eo")."""
    moments = {"dp": DemographicParity, "eo": EqualizedOdds}
    if constraint not in moments:
        raise ValueError(f"constraint must be one of {sorted(moments)}, got {constraint!r}")
    eg = ExponentiatedGradient(
        booster(n_estimators, max_depth, seed),
        moments[constraint](difference_bound=bound),
        objective=ErrorRate(costs={"fp": 1.0, "fn": miss_cost}),
        eps=eps,
        max_iter=max_iter,
    )
    eg.fit(X, np.asarray(y), sensitive_features=np.asarray(sensitive))
    columns = list(X.columns)

    def proba(Xn, s):
        return eg._pmf_predict(Xn[columns])[:, 1]

    def decide(Xn, s):
        return np.asarray(eg.predict(Xn[columns], random_state=seed)).astype(int)

    def ranking(Xn, s):
        return sum(
            w * eg.predictors_[t].predict_proba(Xn[columns])[:, 1] for t, w in eg.weights_.items() if w > 0
        )

    used = int((eg.weights_ > 0).sum())
    return Candidate(
        name,
        proba,
        decide,
        randomised=True,
        note=f"{used} of {len(eg.weights_)} classifiers carry weight; bound {bound:g}",
        ranking=ranking,
    )


def threshold_optimizer(
    name: str,
    model,
    columns: list[str],
    X_val: pd.DataFrame,
    y_val,
    s_val,
    *,
    miss_cost: float,
    tol: float | None,
    seed: int,
    constraints: str = "false_positive_rate_parity",
) -> Candidate:
    """Group-specific thresholds on a fitted model's scores that equalise FPR (or, with
    ``constraints="equalized_odds"``, FPR and TPR together)."""
    y_val = np.asarray(y_val).astype(int)
    reps = np.where(y_val == 1, max(1, round(miss_cost)), 1)
    idx = np.repeat(np.arange(y_val.size), reps)
    to = ThresholdOptimizer(
        estimator=model,
        constraints=constraints,
        objective="accuracy_score",
        prefit=True,
        predict_method="predict_proba",
        tol=tol,
    )
    to.fit(X_val[columns].iloc[idx], y_val[idx], sensitive_features=np.asarray(s_val)[idx])

    def proba(X, s):
        return to._pmf_predict(X[columns], sensitive_features=np.asarray(s))[:, 1]

    def decide(X, s):
        return np.asarray(to.predict(X[columns], sensitive_features=np.asarray(s), random_state=seed)).astype(
            int
        )

    def ranking(X, s):
        return model.predict_proba(X[columns])[:, 1]

    return Candidate(
        name,
        proba,
        decide,
        randomised=True,
        note=constraints + (f" within {tol:g}" if tol else ""),
        ranking=ranking,
    )
