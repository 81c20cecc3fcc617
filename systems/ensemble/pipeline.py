"""The whole ensemble run, stage by stage, into one ``Results`` (no claims, no files).

    data -> base models (tune, OOF, refit) -> ensembles -> diversity -> business view
         -> segments -> nested CV -> failure cases -> robustness -> model-specific features

Every figure the ledger judges is computed here from this run's data and models.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
from sklearn.metrics import roc_auc_score

from systems.core.seeding import child_seed, rng
from systems.ensemble import experiments
from systems.ensemble.analysis import (
    oracle_blend_gain,
    pairwise_table,
    sampler_check,
    segment_aucs,
    top_fraction_view,
)
from systems.ensemble.data import Dataset, EnsembleConfig, load_dataset
from systems.ensemble.ensembles import BLEND_MODELS, Ensembles, build_ensembles, stack
from systems.ensemble.tuning import ALL_MODELS, BASE_MODELS, BaseModels, train_base_models

log = logging.getLogger(__name__)


@dataclass
class Results:
    cfg: EnsembleConfig
    ds: Dataset
    base: BaseModels
    ens: Ensembles
    auc: dict[str, float] = field(default_factory=dict)  # model/approach -> test AUC
    top10: dict[str, dict[str, float]] = field(default_factory=dict)
    pairs: list[dict] = field(default_factory=list)
    segments: list[dict] = field(default_factory=list)
    nested: dict = field(default_factory=dict)
    blend_split_auc: dict[str, float] = field(default_factory=dict)  # train / val / test
    oracle_gain: float = 0.0
    rf_seeds: dict[str, float] = field(default_factory=dict)
    small: dict[str, float] = field(default_factory=dict)
    degraded: dict[str, float] = field(default_factory=dict)
    degraded_heavy: dict = field(default_factory=dict)
    views: dict[str, float] = field(default_factory=dict)
    sampler_check: dict[str, float] = field(default_factory=dict)
    # per-row scores behind the figures above, for the ledger's paired bootstraps
    rows: dict[str, dict] = field(default_factory=dict)


def run_pipeline(cfg: EnsembleConfig, storage) -> Results:
    log.info("data: %d %s snapshots", cfg.n_rows, cfg.scenario)
    ds = load_dataset(cfg.n_rows, cfg.seed, cfg.test_fraction, cfg.scenario)
    log.info("base models: tuning %d trials each, %d-fold OOF", cfg.model_trials, cfg.n_folds)
    base = train_base_models(cfg, ds, storage)
    log.info("ensembles: votes, stacking, Optuna blends")
    ens = build_ensembles(cfg, ds, base, storage)
    r = Results(cfg, ds, base, ens)
    y = ds.y_test
    r.auc = {n: float(roc_auc_score(y, base.test[n])) for n in ALL_MODELS}
    if ds.p_true_test is not None:
        r.auc["bayes_ceiling"] = float(roc_auc_score(y, ds.p_true_test))
    r.auc.update({n: float(roc_auc_score(y, s)) for n, s in ens.test.items()})
    r.top10 = {n: top_fraction_view(y, s) for n, s in (base.test | ens.test).items()}
    r.pairs = pairwise_table(y, {n: base.test[n] for n in BASE_MODELS})
    scores = {n: base.test[n] for n in BASE_MODELS} | {"blend_penalised": ens.test["blend_penalised"]}
    r.segments = segment_aucs(y, scores, ds.segments)

    w = ens.weights["blend_penalised"]
    train_in = np.column_stack([base.fitted[n].predict_proba(ds.X_train)[:, 1] for n in BLEND_MODELS])
    B_oof, B_test = stack(base.oof, base.test, BLEND_MODELS)
    r.blend_split_auc = {
        "train": float(roc_auc_score(ds.y_train, train_in @ w)),
        "val": float(roc_auc_score(ds.y_train, B_oof @ w)),
        "test": float(roc_auc_score(y, B_test @ w)),
    }
    r.rows["blend_split"] = {"train": train_in @ w, "test": B_test @ w}
    r.oracle_gain = oracle_blend_gain(y, B_test)
    log.info("nested CV: %d x %d", cfg.nested_outer, cfg.nested_inner)
    r.nested = experiments.nested_cv(
        ds.X_train,
        ds.y_train,
        BLEND_MODELS,
        outer=cfg.nested_outer,
        inner=cfg.nested_inner,
        model_trials=cfg.nested_trials,
        blend_trials=cfg.blend_trials,
        n_estimators=cfg.n_estimators,
        seed=cfg.seed,
    )
    log.info("failure cases, robustness, model-specific features")
    r.rows.update({k: {} for k in ("rf_seeds", "small", "degraded", "degraded_heavy", "views")})
    r.rf_seeds = experiments.rf_seeds(ds, cfg.n_estimators, cfg.seed, r.rows["rf_seeds"])
    small = load_dataset(
        cfg.small_rows, child_seed(cfg.seed, "small") % 10_000, cfg.test_fraction, cfg.scenario
    )
    r.small = experiments.small_data(
        small, BLEND_MODELS, cfg.n_estimators, cfg.blend_trials, cfg.seed, r.rows["small"]
    )
    blends = {"blend_plain": ens.weights["blend_plain"], "blend_penalised": w}
    r.degraded = experiments.degraded_blends(
        y,
        B_test,
        blends,
        column=BLEND_MODELS.index("xgboost"),
        drop=0.04,
        rng=rng(cfg.seed, "degrade"),
        scores=r.rows["degraded"],
    )
    # the same shock on the member the plain blend leans on most: where the penalty should pay
    heavy = int(np.argmax(ens.weights["blend_plain"]))
    r.degraded_heavy = experiments.degraded_blends(
        y,
        B_test,
        blends,
        column=heavy,
        drop=0.04,
        rng=rng(cfg.seed, "degrade-heavy"),
        scores=r.rows["degraded_heavy"],
    )
    r.degraded_heavy["member"] = BLEND_MODELS[heavy]
    r.views = experiments.compare_views(ds, cfg.n_estimators, cfg.seed, r.rows["views"])
    r.sampler_check = sampler_check(cfg.seed)
    return r
