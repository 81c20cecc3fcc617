"""When ensembling does not pay (EN-12): look-alike members, and too little data.

(a) Look-alikes: K Random Forests that differ only in their seed. Their average is one
    bigger forest, so  AUC(avg) - mean_k AUC(RF_k)  is small, and shrinks with tree count.

(b) Small data: with n below ~5K rows, compare a single LogReg (story optimum) with the
    three-model blend (weights from OOF, penalised objective) on
        train AUC (in-sample)  vs  test AUC (held-out)
    The story reports the ensemble overfitting (train 0.88 / test 0.76) while the single
    model generalises (0.82 / 0.80). Boosted trees memorise small training sets, so their
    in-sample AUC is near 1 whatever happens on test; the gap is what we compare.
"""

from __future__ import annotations

import numpy as np
import optuna
from sklearn.metrics import roc_auc_score

from systems.core.models import make_model
from systems.ensemble.base_models import STORY_OPTIMA
from systems.ensemble.blend import make_blend_objective, weights_of
from systems.ensemble.data import Dataset
from systems.ensemble.oof import fit_model, make_folds, oof_predictions, predict
from systems.ensemble.tuning import best_complete

N_SEEDS = 3  # source: 004 story, follow-up 12 (three Random Forest variants)


def rf_seeds(ds: Dataset, n_estimators: int, seed: int, out: dict | None = None) -> dict[str, float]:
    """Mean single-forest AUC over three seeds vs the AUC of their average; ``out`` gets the scores."""
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
    if out is not None:
        out["seeds"] = scores
    return {
        "rf_single_mean": float(np.mean(aucs)),
        "rf_three_seed_avg": float(roc_auc_score(ds.y_test, np.mean(scores, axis=0))),
    }


def small_data(
    ds: Dataset,
    models: tuple[str, ...],
    n_estimators: int,
    blend_trials: int,
    seed: int,
    out: dict | None = None,
) -> dict[str, float]:
    """Train/test AUC of a single LogReg and of the blend on a small data set.

    ``out``, if given, receives the labels and scores behind the four figures.
    """
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
    if out is not None:
        out.update(
            y_train=y,
            y_test=ds.y_test,
            ensemble_train=train @ w,
            ensemble_test=test @ w,
            single_train=predict(lr, X),
            single_test=predict(lr, ds.X_test),
        )
    return {
        "ensemble_train": float(roc_auc_score(y, train @ w)),
        "ensemble_test": float(roc_auc_score(ds.y_test, test @ w)),
        "single_train": float(roc_auc_score(y, predict(lr, X))),
        "single_test": float(roc_auc_score(ds.y_test, predict(lr, ds.X_test))),
        "n_rows": float(len(y) + len(ds.y_test)),
    }
