"""Convex blends of base-model scores, and the Optuna search for their weights.

A blend scores a row by  s(x) = sum_k w_k p_k(x),  w on the simplex (w_k >= 0, sum = 1).
Two objectives, both maximised on OOF scores of the training rows:

    plain      J(w) = AUC(y, P w)
    penalised  J(w) = 0.9 * AUC(y, P w) - 0.1 * max_k w_k      (the story's "diversity
               penalty": a weight vector leaning on one model pays up to 0.1)

Facts worth keeping in mind when reading the ledger:
  * every vertex of the simplex is a single model, so max_w AUC(P w) >= max_k AUC(p_k);
  * AUC depends on ranks only, so the blend of probabilities and the blend of logits can
    rank rows differently; we blend probabilities, as the story does;
  * for penalised J, moving weight off the best model costs at most 0.1 * (max w) and gains
    0.9 * (AUC change), so the penalty only wins where the AUC surface is flat.

Weights are searched by Optuna over K uniforms mapped to the simplex without bias (see
``simplex``), in a study persisted like every other (``tuning.open_study``).
"""

from __future__ import annotations

import numpy as np
import optuna
from sklearn.metrics import roc_auc_score

from systems.ensemble.simplex import weights_from_uniforms

PENALTY_AUC_WEIGHT = 0.9  # source: 004 story, follow-up 6 (0.9 * AUC - 0.1 * max(w))
PENALTY_CONCENTRATION = 0.1


def blend_scores(P, w) -> np.ndarray:
    """Blend columns of ``P`` (shape (n_samples, K)) with weights ``w`` (shape (K,))."""
    P = np.asarray(P, dtype=float)
    w = np.asarray(w, dtype=float)
    if P.ndim != 2 or P.shape[1] != w.shape[0]:
        raise ValueError(f"P has shape {P.shape} but there are {w.shape[0]} weights")
    if np.any(w < -1e-12) or abs(w.sum() - 1.0) > 1e-9:
        raise ValueError(f"weights must be non-negative and sum to 1, got {w}")
    return P @ w


def blend_objective(y, P, w, penalised: bool = False) -> float:
    """AUC of the blend, or 0.9 * AUC - 0.1 * max(w) when ``penalised``."""
    auc = roc_auc_score(np.asarray(y), blend_scores(P, w))
    if not penalised:
        return float(auc)
    return float(PENALTY_AUC_WEIGHT * auc - PENALTY_CONCENTRATION * np.max(w))


def weights_of(trial: optuna.trial.FrozenTrial | optuna.Trial, k: int) -> np.ndarray:
    """The simplex weights a trial stands for (its raw uniforms u_0..u_{k-1} mapped)."""
    return weights_from_uniforms([trial.params[f"u{i}"] for i in range(k)])


def blend_space(k: int) -> dict[str, tuple]:
    return {f"u{i}": ("float", 0.0, 1.0, False) for i in range(k)}


def make_blend_objective(y, P, penalised: bool):
    """Optuna objective over the weights of the columns of ``P``."""
    y = np.asarray(y)
    P = np.asarray(P, dtype=float)
    k = P.shape[1]

    def objective(trial: optuna.Trial) -> float:
        u = [trial.suggest_float(f"u{i}", 0.0, 1.0) for i in range(k)]
        w = weights_from_uniforms(u)
        trial.set_user_attr("weights", [float(x) for x in w])
        return blend_objective(y, P, w, penalised)

    return objective


class WeightedBlend:
    """A fitted convex blend: ``predict`` = P @ weights_.

    Parameters
    ----------
    weights : array-like of shape (K,)
    """

    def __init__(self, weights):
        self.weights = weights

    def fit(self, P=None, y=None):
        self.weights_ = np.asarray(self.weights, dtype=float)
        return self

    def predict(self, P) -> np.ndarray:
        return blend_scores(P, self.weights_)
