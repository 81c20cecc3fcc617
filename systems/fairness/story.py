"""The story's audit on the synthetic fraud scenario: detect -> explain -> mitigate -> gate.

    detect    baseline LightGBM on the raw columns; MetricFrame over age group, ZIP
              cluster and their cross. A cross cell is "affected" when it is not small
              and the lower end of its FPR's 95% interval lies above the FPR of all
              other rows pooled; the affected segment is the union of such cells.
    explain   TreeSHAP mean |value| per feature, affected segment vs the rest; a local
              surrogate around the highest-scored legitimate young customer the
              baseline flags inside the affected segment.
    mitigate  peer-normalised features (features.py) alone and with FPR-parity
              thresholds; ExponentiatedGradient(DP, EO); ThresholdOptimizer(FPR parity);
              chosen on validation rows by audit.choose.
    gate      on the test rows and on a fresh "week" of ``monitor_sample`` rows drawn
              from the same scenario, scored by the baseline and by the choice.

The protected attribute is age group; age is never a model input.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.fraud import RAW_FEATURES, SHARED_BILL_ZIPS, make_fraud
from systems.core.seeding import rng
from systems.fairness import explain, tradeoff
from systems.fairness.audit import (
    AuditData,
    AuditResult,
    decision_threshold,
    fit_baseline,
    gate_thresholds,
    run_audit,
)
from systems.fairness.evaluate import Evaluation, evaluate
from systems.fairness.features import (
    PEER_FEATURES,
    PeerFeatures,
    age_recoverability,
    feature_age_correlations,
)
from systems.fairness.gate import GateResult
from systems.fairness.gate import evaluate as gate
from systems.fairness.group_metrics import group_table, wilson_interval
from systems.fairness.mitigate import from_model, threshold_optimizer
from systems.fairness.model import booster, miss_cost, split


@dataclass
class StoryResult:
    df: pd.DataFrame
    data: AuditData
    audit: AuditResult
    by_age: pd.DataFrame
    by_zip: pd.DataFrame
    by_cross: pd.DataFrame
    affected_cells: list[tuple[str, str]]
    segment_fpr: float
    segment_fpr_lo: float
    rest_fpr: float
    shap_importance: pd.DataFrame
    local: pd.DataFrame
    local_row: pd.Series
    age_corr: dict[str, float]
    feature_corr: dict[str, dict[str, float]]
    sweep: list[dict]
    week: dict[str, Evaluation]
    week_gates: dict[str, GateResult]


def with_peer(df: pd.DataFrame, peer: PeerFeatures) -> pd.DataFrame:
    """The scenario's columns plus the peer features it does not already have."""
    p = peer.transform(df)
    return pd.concat([df, p[[c for c in p.columns if c not in df.columns]]], axis=1)


def affected_segment(cross: pd.DataFrame, y, pred, keys: pd.DataFrame):
    """Cells whose FPR interval lies above the pooled FPR of the other rows (see docstring)."""
    y, pred = np.asarray(y), np.asarray(pred)
    arr = keys.to_numpy()
    cells, member = [], np.zeros(len(y), dtype=bool)
    for cell, r in cross.iterrows():
        if r["small"] or np.isnan(r["fpr_lo"]):
            continue
        inside = np.all(arr == np.array(cell, dtype=object), axis=1)
        if r["fpr_lo"] > pred[~inside & (y == 0)].mean():
            cells.append(tuple(str(c) for c in cell))
            member |= inside
    neg = y == 0
    seg_fpr = float(pred[member & neg].mean()) if (member & neg).any() else float("nan")
    return cells, member, seg_fpr, float(pred[~member & neg].mean())


def segment_fpr_low(y, pred, member) -> float:
    """Lower end of the 95% Wilson interval of the pooled FPR inside the segment."""
    neg = (np.asarray(y) == 0) & member
    lo, _ = wilson_interval(int((np.asarray(pred)[neg] == 1).sum()), int(neg.sum()))
    return float(lo)


def run_story(cfg, seed: int) -> StoryResult:
    df = make_fraud(cfg.n_rows, rng(seed, "fraud-data"), cfg.fraud_rate)
    sp = split(len(df), rng(seed, "split"))
    peer = PeerFeatures().fit(df.iloc[sp.train])
    X = with_peer(df, peer)
    sensitive = df["age_group"].astype(str).rename("age_group")
    data = AuditData(X, df["is_fraud"].to_numpy(), sensitive, list(RAW_FEATURES), sp)

    baseline = fit_baseline(data, cfg, seed)
    peer_cols = list(PEER_FEATURES)
    X_tr, y_tr, _ = data.rows("train")
    X_va, y_va, s_va = data.rows("val")
    peer_model = booster(cfg.n_estimators, cfg.max_depth, seed).fit(X_tr[peer_cols], y_tr)
    peer_thr, _ = decision_threshold(peer_model.predict_proba(X_va[peer_cols])[:, 1], cfg)
    extra = {
        "peer_features": from_model(
            "peer_features", peer_model, peer_thr, peer_cols, note="peer-normalised inputs, same alert rate"
        )
    }
    extra["peer_threshold_fpr_parity"] = threshold_optimizer(
        "peer_threshold_fpr_parity",
        peer_model,
        peer_cols,
        X_va,
        y_va,
        s_va,
        miss_cost=miss_cost(peer_thr),
        tol=None,
        seed=seed,
    )
    audit = run_audit(data, cfg, seed, extra=extra, baseline=baseline)

    te = sp.test
    y_te = data.y[te]
    pred = audit.test["baseline"].pred
    keys = df.iloc[te][["age_group", "zip_cluster"]].astype(str).reset_index(drop=True)
    by_age = audit.test["baseline"].table
    by_zip = group_table(y_te, pred, keys["zip_cluster"], cfg.min_group_size)
    by_cross = group_table(y_te, pred, keys, cfg.min_group_size)
    cells, member, seg_fpr, rest_fpr = affected_segment(by_cross, y_te, pred, keys)

    shap_idx = rng(seed, "shap-rows").choice(te.size, size=min(cfg.shap_rows, te.size), replace=False)
    shap_idx.sort()
    X_te = X.iloc[te][list(RAW_FEATURES)].reset_index(drop=True)
    values = explain.shap_values(audit.model, X_te.iloc[shap_idx])
    labels = np.where(member[shap_idx], "affected", "rest")
    importance = explain.importance_by_segment(values, RAW_FEATURES, labels)

    proba = audit.test["baseline"].proba
    young_fp = member & (pred == 1) & (y_te == 0) & (keys["age_group"].to_numpy() == "young")
    if not young_fp.any():
        young_fp = (pred == 1) & (y_te == 0) & (keys["age_group"].to_numpy() == "young")
    # a typical case, not the extreme one: the median score among these false positives
    cands = np.flatnonzero(young_fp)
    pick = int(cands[np.argsort(proba[cands], kind="stable")[(cands.size - 1) // 2]])
    local_row = df.iloc[te].iloc[pick]
    local = explain.local_explanation(
        audit.model, X_tr[list(RAW_FEATURES)], local_row, rng(seed, "local-surrogate"), frozen=("new_device",)
    )

    age_tr, age_te = df["age"].to_numpy()[sp.train], df["age"].to_numpy()[te]
    age_corr, feature_corr = {}, {}
    for name, cols in (("raw", list(RAW_FEATURES)), ("peer", peer_cols)):
        age_corr[name] = age_recoverability(X_tr[cols], age_tr, X.iloc[te][cols], age_te)
        feature_corr[name] = feature_age_correlations(X.iloc[te][cols], age_te)

    sweep_rows = tradeoff.sweep(data, audit, cfg, seed)

    week_df = make_fraud(cfg.monitor_sample, rng(seed, "monitoring-week"), cfg.fraud_rate)
    week_X = with_peer(week_df, peer)
    week_s = week_df["age_group"].astype(str).rename("age_group")
    thresholds = gate_thresholds(cfg)
    week, week_gates = {}, {}
    for name in ("baseline", audit.chosen):
        week[name] = evaluate(audit.candidates[name], week_X, week_df["is_fraud"], week_s, cfg.min_group_size)
        week_gates[name] = gate(week[name].disparity, thresholds)

    return StoryResult(
        df,
        data,
        audit,
        by_age,
        by_zip,
        by_cross,
        cells,
        seg_fpr,
        segment_fpr_low(y_te, pred, member),
        rest_fpr,
        importance,
        local,
        local_row,
        age_corr,
        feature_corr,
        sweep_rows,
        week,
        week_gates,
    )


def planted_cells() -> set[tuple[str, str]]:
    """The cells the generator plants the mechanism in (for the report, not the detection)."""
    return {("young", str(z)) for z in SHARED_BILL_ZIPS}
