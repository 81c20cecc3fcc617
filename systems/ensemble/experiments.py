"""Stage 4: the experiments behind EN-8, EN-12, EN-13 and EN-15.

Nested cross-validation (EN-8): an estimate of the whole recipe, tuning included.

    for each outer fold k (train_k, test_k):
        theta_m  <- tuned on inner folds of train_k only     (or the story's optima when
                                                              nested_trials = 0)
        oof_m    <- inner-fold OOF scores of each blend model on train_k
        w        <- argmax_w 0.9 AUC(oof w) - 0.1 max(w)     (Optuna, in memory)
        AUC_k    <- AUC on test_k of the blend of models refitted on train_k
    report mean_k AUC_k and std_k AUC_k (ddof = 1)

No row of test_k influences anything fitted for fold k; studies live in memory (re-created
per fold, nothing worth resuming).

When ensembling does not pay (EN-12):
(a) look-alikes: K Random Forests that differ only in their seed. Their average is one
    bigger forest, so  AUC(avg) - mean_k AUC(RF_k)  is small, and shrinks with tree count.
(b) small data: with n below ~5K rows, a single LogReg (story optimum) vs the three-model
    blend (weights from OOF, penalised objective), train AUC (in-sample) vs test AUC. The
    story reports the ensemble overfitting (0.88 / 0.76) while the single model generalises
    (0.82 / 0.80). Boosted trees memorise small training sets, so their in-sample AUC is near
    1 whatever happens on test; the gap is what we compare.

Robustness (EN-13): corrupt one member's test scores with Gaussian noise on the logit scale,

    z' = logit(p) + sigma * e,   e ~ N(0, 1),   sigma bisected so that AUC(z') = AUC(z) - drop

(drop = 0.04, the story's 0.88 -> 0.84) and re-score each blend with its weights unchanged
(a production blend does not re-learn when one member silently degrades). A blend loses
roughly the weight it gives the member times the member's loss: what the penalty is for.

Model-specific features (EN-15): each model gets the view it is said to use best, starting
from the churn features with the recency group held out (``base``):

    XGBoost   base + recency      last_login_days, inactive_7d/30d, recency_x_decline,
                                  sessions/minutes/tickets trends, new_customer
    LightGBM  base + categorical crosses   one-hot of contract x plan, contract x payment
    LogReg    base + polynomial   squares of tenure, charges, engagement, log sessions;
                                  cube of the (standardised) charges-to-tenure ratio

"without" = every model on ``base``; "with" = each model on its own view; the ensemble is
the equal-weight average of the three in both arms, so the comparison isolates the features.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import optuna
import pandas as pd
from sklearn.metrics import roc_auc_score

from systems.core.cli import progress
from systems.core.models import make_model
from systems.core.studies import best_complete
from systems.ensemble.data import Dataset
from systems.ensemble.ensembles import logit, make_blend_objective, weights_of
from systems.ensemble.tuning import (
    STORY_OPTIMA,
    fit_model,
    fit_predict,
    make_folds,
    model_objective,
    oof_predictions,
    predict,
    take_rows,
)

N_SEEDS = 3  # story: follow-up 12 (three Random Forest variants)
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


@dataclass(frozen=True)
class NestedCV:
    """Outer-fold test AUCs of the whole recipe and the blend weights each fold chose."""

    fold_aucs: np.ndarray
    mean: float
    std: float  # ddof = 1
    weights: np.ndarray  # (outer folds, members)


@dataclass(frozen=True)
class SeedAverage:
    """Three single-seed forests (mean test AUC) vs their average, with their test scores."""

    single_mean: float
    three_seed_avg: float
    seeds: list[np.ndarray]


@dataclass(frozen=True)
class TrainTest:
    """AUC of one scorer on the rows it was fitted on (in-sample) and on held-out rows."""

    train: float
    test: float
    train_scores: np.ndarray
    test_scores: np.ndarray

    @classmethod
    def of(cls, y_train, s_train, y_test, s_test) -> TrainTest:
        return cls(
            float(roc_auc_score(y_train, s_train)), float(roc_auc_score(y_test, s_test)), s_train, s_test
        )


@dataclass(frozen=True)
class SmallData:
    """The small-data failure case: the blend vs a single LogReg, in-sample and held out."""

    ensemble: TrainTest
    single: TrainTest
    y_train: np.ndarray
    y_test: np.ndarray
    n_rows: float


@dataclass(frozen=True)
class BeforeAfter:
    """Test AUC of one scorer before and after a member was degraded, with both score vectors."""

    before: float
    after: float
    before_scores: np.ndarray
    after_scores: np.ndarray

    @classmethod
    def of(cls, y, s_before, s_after) -> BeforeAfter:
        return cls(float(roc_auc_score(y, s_before)), float(roc_auc_score(y, s_after)), s_before, s_after)

    @property
    def drop(self) -> float:
        return self.before - self.after


@dataclass(frozen=True)
class Degradation:
    """One member degraded by logit noise (``sigma``); each blend re-scored with its weights."""

    member: str
    sigma: float
    member_auc: BeforeAfter
    blends: dict[str, BeforeAfter]


@dataclass(frozen=True)
class Views:
    """Test AUC and scores of each model and of the ensemble, by ``<model>_<without|with>``."""

    auc: dict[str, float]
    scores: dict[str, np.ndarray]


def _study(seed: int) -> optuna.Study:
    return optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=seed))


def nested_cv(
    X,
    y,
    models: tuple[str, ...],
    *,
    outer: int,
    inner: int,
    model_trials: int,
    blend_trials: int,
    n_estimators: int,
    seed: int,
) -> NestedCV:
    """Outer-fold AUCs of the tuned, blended recipe; see module docstring."""
    y = np.asarray(y)
    outer_fold = make_folds(y, outer, seed)
    aucs, weights = [], []
    for k in progress(range(outer), desc="nested CV"):
        tr, te = np.flatnonzero(outer_fold != k), np.flatnonzero(outer_fold == k)
        X_tr, y_tr = take_rows(X, tr), y[tr]
        inner_fold = make_folds(y_tr, inner, seed + 1 + k)
        params = {}
        for m in models:
            if model_trials > 0:
                study = _study(seed + k)
                study.optimize(
                    model_objective(m, X_tr, y_tr, inner_fold, seed=seed, n_estimators=n_estimators),
                    n_trials=model_trials,
                )
                params[m] = dict(best_complete(study).params)
            else:
                params[m] = STORY_OPTIMA[m]
        factories = {
            m: (
                lambda m=m, p=params[m]: make_model(
                    m, seed, recipe="ensemble", n_estimators=n_estimators, **p
                )
            )
            for m in models
        }
        P_in = np.column_stack(
            [oof_predictions(f, X_tr, y_tr, inner_fold, name=m) for m, f in factories.items()]
        )
        study = _study(seed + k)
        study.optimize(make_blend_objective(y_tr, P_in, penalised=True), n_trials=blend_trials)
        w = weights_of(best_complete(study), len(models))
        P_te = np.column_stack(
            [
                fit_predict(f, X_tr, y_tr, take_rows(X, te), name=m, where=f"outer fold {k}")
                for m, f in factories.items()
            ]
        )
        aucs.append(float(roc_auc_score(y[te], P_te @ w)))
        weights.append(w)
    aucs = np.array(aucs)
    return NestedCV(aucs, float(aucs.mean()), float(aucs.std(ddof=1)), np.array(weights))


def rf_seeds(ds: Dataset, n_estimators: int, seed: int) -> SeedAverage:
    """Mean single-forest AUC over three seeds vs the AUC of their average."""
    scores = []
    for s in range(N_SEEDS):
        model = fit_model(
            lambda s=s: make_model("random_forest", seed + s, recipe="ensemble", n_estimators=n_estimators),
            ds.X_train,
            ds.y_train,
            "random_forest",
            f"seed {seed + s}",
        )
        scores.append(predict(model, ds.X_test, "random_forest", "the test set"))
    aucs = [roc_auc_score(ds.y_test, s) for s in scores]
    return SeedAverage(
        single_mean=float(np.mean(aucs)),
        three_seed_avg=float(roc_auc_score(ds.y_test, np.mean(scores, axis=0))),
        seeds=scores,
    )


def small_data(
    ds: Dataset,
    models: tuple[str, ...],
    n_estimators: int,
    blend_trials: int,
    seed: int,
) -> SmallData:
    """Train/test AUC of a single LogReg and of the blend on a small data set."""
    X, y = ds.X_train, ds.y_train
    fold = make_folds(y, 5, seed)
    fits = {
        m: fit_model(
            lambda m=m: make_model(m, seed, recipe="ensemble", n_estimators=n_estimators, **STORY_OPTIMA[m]),
            X,
            y,
            m,
            "small data",
        )
        for m in models
    }
    oof = np.column_stack(
        [
            oof_predictions(
                lambda m=m: make_model(
                    m, seed, recipe="ensemble", n_estimators=n_estimators, **STORY_OPTIMA[m]
                ),
                X,
                y,
                fold,
                name=m,
            )
            for m in models
        ]
    )
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=seed))
    study.optimize(make_blend_objective(y, oof, penalised=True), n_trials=blend_trials)
    w = weights_of(best_complete(study), len(models))
    train = np.column_stack([predict(fits[m], X, m) for m in models])
    test = np.column_stack([predict(fits[m], ds.X_test, m) for m in models])
    lr = fits["logreg"]
    return SmallData(
        ensemble=TrainTest.of(y, train @ w, ds.y_test, test @ w),
        single=TrainTest.of(y, predict(lr, X), ds.y_test, predict(lr, ds.X_test)),
        y_train=y,
        y_test=ds.y_test,
        n_rows=float(len(y) + len(ds.y_test)),
    )


def degrade(y, p, drop: float, rng: np.random.Generator, iters: int = 40) -> tuple[np.ndarray, float]:
    """Noisy copy of ``p`` whose AUC is ``drop`` lower (to ~1e-3); returns (p', sigma)."""
    z = logit(p)
    e = rng.normal(size=len(z))
    target = roc_auc_score(y, p) - drop
    lo, hi = 0.0, 50.0
    if roc_auc_score(y, z + hi * e) > target:
        raise ValueError(f"cannot lower the AUC by {drop}: even heavy noise keeps it above {target:.3f}")
    for _ in range(iters):
        mid = 0.5 * (lo + hi)
        if roc_auc_score(y, z + mid * e) > target:
            lo = mid
        else:
            hi = mid
    z2 = z + hi * e
    return 1 / (1 + np.exp(-z2)), hi


def degraded_blends(
    y,
    P,
    weights: dict[str, np.ndarray],
    column: int,
    drop: float,
    rng: np.random.Generator,
    member: str = "",
) -> Degradation:
    """AUC of the degraded member (column ``column`` of ``P``) and of each blend, before and after."""
    P2 = np.array(P, dtype=float, copy=True)
    P2[:, column], sigma = degrade(y, P[:, column], drop, rng)
    return Degradation(
        member=member,
        sigma=sigma,
        member_auc=BeforeAfter.of(y, P[:, column], P2[:, column]),
        blends={name: BeforeAfter.of(y, P @ w, P2 @ w) for name, w in weights.items()},
    )


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


def compare_views(ds: Dataset, n_estimators: int, seed: int) -> Views:
    """Test AUC of each model and of the equal-weight ensemble, without vs with its view."""
    cols = [*POLY, "charges_to_tenure_ratio"]
    stats = {c: (float(ds.X_train[c].mean()), float(ds.X_train[c].std()) or 1.0) for c in cols}
    views = {"xgboost": recency_view, "lightgbm": crosses_view, "logreg": lambda X: poly_view(X, stats)}
    auc, scores, without, with_ = {}, {}, [], []
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
            auc[f"{m}_{arm}"] = float(roc_auc_score(ds.y_test, p))
            scores[f"{m}_{arm}"] = p
            keep.append(p)
    scores.update(ensemble_without=sum(without) / 3, ensemble_with=sum(with_) / 3)
    auc["ensemble_without"] = float(roc_auc_score(ds.y_test, scores["ensemble_without"]))
    auc["ensemble_with"] = float(roc_auc_score(ds.y_test, scores["ensemble_with"]))
    return Views(auc, scores)
