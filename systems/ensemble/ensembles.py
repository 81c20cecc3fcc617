"""Stage 2: every way of combining the base models, each scored on the same test rows.

    uniform vote     mean of the five tuned base models' probabilities
    manual vote      weights proportional to (OOF AUC - 0.5): a common hand rule, fixed
                     before looking at the test set
    stacking         LogReg meta on OOF logits of XGBoost, LightGBM, CatBoost (the story's
                     three); the same plus the top-5 features by mean |SHAP| of XGBoost;
                     and an XGBoost meta-learner instead of LogReg
    Optuna blend     convex weights over XGBoost, LightGBM, LogReg (the story's final three),
                     plain AUC objective and the 0.9 AUC - 0.1 max(w) variant
    2-model vote     XGBoost + LightGBM averaged (the story's low-latency compromise)

Everything that learns a combination (manual weights, meta-learners, blend weights) learns
it from OOF scores of the training rows; test scores are touched only to report.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shap
from sklearn.metrics import roc_auc_score

from systems.ensemble.base_models import BASE_MODELS, BaseModels
from systems.ensemble.blend import blend_space, make_blend_objective, weights_of
from systems.ensemble.config import EnsembleConfig
from systems.ensemble.data import Dataset
from systems.ensemble.oof import oof_predictions
from systems.ensemble.stacking import MetaLearner
from systems.ensemble.tuning import best_complete, open_study, top_up

STACK_BASES = ("xgboost", "lightgbm", "catboost")  # source: 004 story, "Stacking" approach
BLEND_MODELS = ("xgboost", "lightgbm", "logreg")  # source: 004 story, follow-ups 5 and 15
VOTE2 = ("xgboost", "lightgbm")  # source: 004 story, follow-up 11
N_SHAP = 5


@dataclass
class Ensembles:
    test: dict[str, np.ndarray] = field(default_factory=dict)  # approach -> test scores
    weights: dict[str, np.ndarray] = field(default_factory=dict)
    objective: dict[str, float] = field(default_factory=dict)  # best OOF objective per blend
    shap_top: list[str] = field(default_factory=list)
    meta_auc: dict[str, dict[str, float]] = field(default_factory=dict)  # kind -> train/val
    meta_scores: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)  # kind -> train/val rows


def stack(P_oof, P_test, names: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    return (np.column_stack([P_oof[n] for n in names]), np.column_stack([P_test[n] for n in names]))


def manual_weights(oof_auc: dict[str, float]) -> np.ndarray:
    w = np.array([max(a - 0.5, 0.0) for a in oof_auc.values()])
    return w / w.sum()


def top_shap_features(model, X, k: int, seed: int, n_sample: int = 1000) -> list[str]:
    """Names of the ``k`` columns with the largest mean |SHAP| of a fitted tree model."""
    rows = np.random.default_rng(seed).choice(len(X), min(n_sample, len(X)), replace=False)
    values = shap.TreeExplainer(model).shap_values(X.iloc[rows])
    importance = np.abs(np.asarray(values)).mean(axis=0)
    order = np.argsort(-importance, kind="stable")[:k]
    return [str(X.columns[i]) for i in order]


def search_blend(cfg: EnsembleConfig, storage, y, P, penalised: bool, tag: str) -> tuple[np.ndarray, float]:
    """Optuna weight search on OOF scores ``P`` (n, K); returns (weights, best objective)."""
    k = P.shape[1]
    spec = {
        "model": "blend",
        "tag": tag,
        "n_rows": cfg.n_rows,
        "seed": cfg.seed,
        "penalised": penalised,
        "n_trials": cfg.blend_trials,
    }
    study = open_study(storage, f"{cfg.study_prefix}-{tag}", blend_space(k), spec, seed=cfg.seed)
    top_up(study, make_blend_objective(y, P, penalised), cfg.blend_trials)
    best = best_complete(study)
    return weights_of(best, k), float(best.value)


def meta_train_val(kind: str, P_oof, y, fold, seed: int, scores: dict | None = None) -> dict[str, float]:
    """Meta-learner AUC on the rows it was fitted on vs on held-out folds of the OOF matrix.

    Both are scored on the same OOF rows; ``scores``, if given, receives the two score
    vectors ("train", "val") so the ledger can bootstrap their difference.
    """
    s_train = MetaLearner(kind, seed).fit(P_oof, y).predict_proba(P_oof)
    train = roc_auc_score(y, s_train)

    class _Meta:
        def __init__(self):
            self.m = MetaLearner(kind, seed)

        def fit(self, Z, t):
            self.m.fit(Z, t)
            return self

        def predict_proba(self, Z):
            p = self.m.predict_proba(Z)
            return np.column_stack([1 - p, p])

    s_val = oof_predictions(_Meta, P_oof, y, fold, name=f"{kind} meta")
    val = roc_auc_score(y, s_val)
    if scores is not None:
        scores.update(train=s_train, val=s_val)
    return {"train": float(train), "val": float(val)}


def build_ensembles(cfg: EnsembleConfig, ds: Dataset, base: BaseModels, storage) -> Ensembles:
    y = ds.y_train
    out = Ensembles()
    five = np.column_stack([base.test[n] for n in BASE_MODELS])
    out.test["uniform_vote"] = five.mean(axis=1)
    oof_auc = {n: roc_auc_score(y, base.oof[n]) for n in BASE_MODELS}
    out.weights["manual_vote"] = manual_weights(oof_auc)
    out.test["manual_vote"] = five @ out.weights["manual_vote"]

    Z_oof, Z_test = stack(base.oof, base.test, STACK_BASES)
    out.test["stack_logreg"] = MetaLearner("logreg", cfg.seed).fit(Z_oof, y).predict_proba(Z_test)
    out.shap_top = top_shap_features(base.fitted["xgboost"], ds.X_train, N_SHAP, cfg.seed)
    meta = MetaLearner("logreg", cfg.seed).fit(Z_oof, y, extra=ds.X_train[out.shap_top])
    out.test["stack_logreg_shap"] = meta.predict_proba(Z_test, extra=ds.X_test[out.shap_top])
    out.test["stack_xgboost"] = MetaLearner("xgboost", cfg.seed).fit(Z_oof, y).predict_proba(Z_test)
    for kind in ("logreg", "xgboost"):
        out.meta_scores[kind] = {}
        out.meta_auc[kind] = meta_train_val(kind, Z_oof, y, base.fold, cfg.seed, out.meta_scores[kind])

    B_oof, B_test = stack(base.oof, base.test, BLEND_MODELS)
    out.weights["uniform_blend3"] = np.full(len(BLEND_MODELS), 1 / len(BLEND_MODELS))
    out.test["uniform_blend3"] = B_test.mean(axis=1)
    for tag, penalised in (("blend_plain", False), ("blend_penalised", True)):
        w, value = search_blend(cfg, storage, y, B_oof, penalised, tag)
        out.weights[tag], out.objective[tag] = w, value
        out.test[tag] = B_test @ w
    out.test["vote2"] = np.column_stack([base.test[n] for n in VOTE2]).mean(axis=1)
    return out
