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

Blends. A blend scores a row by  s(x) = sum_k w_k p_k(x),  w on the simplex
S_K = {w : w_k >= 0, sum_k w_k = 1}. Two objectives, both maximised on OOF scores:

    plain      J(w) = AUC(y, P w)
    penalised  J(w) = 0.9 * AUC(y, P w) - 0.1 * max_k w_k      (the story's "diversity
               penalty": a weight vector leaning on one model pays up to 0.1)

Every vertex of the simplex is a single model, so max_w AUC(P w) >= max_k AUC(p_k); AUC
depends on ranks only, so blending probabilities and blending logits can rank rows
differently (we blend probabilities, as the story does); for the penalised J, moving weight
off the best model costs at most 0.1 * max(w) and gains 0.9 * (AUC change), so the penalty
only wins where the AUC surface is flat.

Sampling weights. Drawing u_i ~ U(0, 1) and returning u / sum(u) is NOT uniform on S_K: it
piles mass near the centre (for K = 3 the density at the vertices is zero). Exactly uniform,
i.e. Dirichlet(1, ..., 1):

    exponential spacings:  e_i = -log(u_i) ~ Exp(1),   w = e / sum(e)
    sorted spacings:       w_i = s_(i) - s_(i-1) over K-1 sorted uniforms and 0, 1

Under Dirichlet(1): E[w_i] = 1/K and w_i ~ Beta(1, K-1), which a KS test checks (the naive
normalisation fails it). Optuna searches the K raw uniforms u_0..u_{K-1} and we map them
with ``weights_from_uniforms``: the search's prior is the uniform simplex, TPE refines it.

Stacking. Meta-features of a row, for K base models and optional original columns x_S:

    z = [logit(p_1), ..., logit(p_K), standardise(x_S)]       p_k = OOF P(y=1) of model k

    LogReg meta:   P(y=1 | z) = sigmoid(b + v . z),  L2 penalty alpha = 0.1 -> C = 1/alpha = 10
    XGBoost meta:  boosted trees on z (flexible, so it can memorise base-model quirks)

Logits rather than probabilities make the LogReg meta a weighted geometric blend of odds.
``StackedEnsemble`` does the whole recipe (OOF scores -> meta-learner -> base models refitted
on all rows); its ``meta_input_`` keeps the exact matrix the meta-learner saw, so a test can
check it is the OOF matrix.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import optuna
import shap
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.preprocessing import StandardScaler
from xgboost import XGBClassifier

from systems.core.studies import best_complete, open_study, top_up
from systems.ensemble.data import Dataset, EnsembleConfig
from systems.ensemble.tuning import BASE_MODELS, BaseModels, oof_predictions

STACK_BASES = ("xgboost", "lightgbm", "catboost")  # story: "Stacking" approach
BLEND_MODELS = ("xgboost", "lightgbm", "logreg")  # story: follow-ups 5 and 15
VOTE2 = ("xgboost", "lightgbm")  # story: follow-up 11
N_SHAP = 5
PENALTY_AUC_WEIGHT = 0.9  # story: follow-up 6 (0.9 * AUC - 0.1 * max(w))
PENALTY_CONCENTRATION = 0.1
META_L2_ALPHA = 0.1  # story: follow-up 9 (meta L2 penalty alpha = 0.1)
_CLIP = 1e-6
# keep -log(u) finite: Optuna may suggest the bound itself
_EPS = 1e-12


def weights_from_uniforms(u) -> np.ndarray:
    """Map K uniforms in [0, 1] to a point of the simplex by exponential spacings.

    Parameters
    ----------
    u : array-like of shape (..., K)

    Returns
    -------
    w : ndarray of shape (..., K), non-negative, rows summing to 1.
    """
    u = np.asarray(u, dtype=float)
    if u.shape[-1] < 1:
        raise ValueError("need at least one weight")
    if np.any((u < 0) | (u > 1)) or not np.isfinite(u).all():
        raise ValueError(f"uniforms must lie in [0, 1], got {u}")
    e = -np.log(np.clip(u, _EPS, 1.0))
    total = e.sum(axis=-1, keepdims=True)
    # all u == 1 gives e == 0 everywhere: the only symmetric answer is the centre
    k = u.shape[-1]
    safe = np.where(total > 0, total, 1.0)
    return np.where(total > 0, e / safe, 1.0 / k)


def sample_dirichlet1(n: int, k: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` points uniform on the K-simplex via sorted uniform spacings; shape (n, k)."""
    if k < 1 or n < 0:
        raise ValueError(f"need k >= 1 and n >= 0, got n={n}, k={k}")
    cuts = np.sort(rng.uniform(size=(n, k - 1)), axis=1)
    edges = np.concatenate([np.zeros((n, 1)), cuts, np.ones((n, 1))], axis=1)
    return np.diff(edges, axis=1)


def naive_normalised(n: int, k: int, rng: np.random.Generator) -> np.ndarray:
    """The biased construction u / sum(u), kept only so tests can show its bias."""
    u = rng.uniform(size=(n, k))
    return u / u.sum(axis=1, keepdims=True)


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


@dataclass(frozen=True)
class MetaSplit:
    """A meta-learner scored on the OOF rows it was fitted on (train) and by its own OOF (val)."""

    train: float
    val: float
    train_scores: np.ndarray
    val_scores: np.ndarray


@dataclass
class Ensembles:
    test: dict[str, np.ndarray] = field(default_factory=dict)  # approach -> test scores
    weights: dict[str, np.ndarray] = field(default_factory=dict)
    objective: dict[str, float] = field(default_factory=dict)  # best OOF objective per blend
    shap_top: list[str] = field(default_factory=list)
    meta: dict[str, MetaSplit] = field(default_factory=dict)  # meta-learner kind -> train/val


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


def meta_train_val(kind: str, P_oof, y, fold, seed: int) -> MetaSplit:
    """Meta-learner AUC on the rows it was fitted on vs on held-out folds of the OOF matrix.

    Both are scored on the same OOF rows, so the ledger can bootstrap their difference.
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
    return MetaSplit(float(train), float(val), s_train, s_val)


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
        out.meta[kind] = meta_train_val(kind, Z_oof, y, base.fold, cfg.seed)

    B_oof, B_test = stack(base.oof, base.test, BLEND_MODELS)
    out.weights["uniform_blend3"] = np.full(len(BLEND_MODELS), 1 / len(BLEND_MODELS))
    out.test["uniform_blend3"] = B_test.mean(axis=1)
    for tag, penalised in (("blend_plain", False), ("blend_penalised", True)):
        w, value = search_blend(cfg, storage, y, B_oof, penalised, tag)
        out.weights[tag], out.objective[tag] = w, value
        out.test[tag] = B_test @ w
    out.test["vote2"] = np.column_stack([base.test[n] for n in VOTE2]).mean(axis=1)
    return out
