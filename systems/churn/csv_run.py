"""``--data F.csv --target COL``: the same pipeline on any tabular CSV with a binary target.

    read (clear errors) -> encode target (blank targets set aside, counted) ->
    row checks (csv_checks.py: unparseable dates counted, refused above 5%; repeated ids
           keep the latest by --time, refused without it; minority class large enough
           for the split, CV folds and SMOTE's neighbours, checked before any fit) ->
    split: with --time, the last 15% of rows in time order is the test set and the 15%
           before it validation; without it, a stratified 70/15/15 split (and it says so) ->
    TabularFeatures (numeric coercion, stray strings counted, all-NaN/constant columns
           dropped and reported, median imputation + indicators, one-hot categories) ->
    four models + imbalance three ways -> best model by validation AUC -> Platt scaling ->
    profit-optimal threshold on validation -> report + saved pipeline.

Writes OUT/churn_csv/ (never the synthetic run's OUT/churn/).
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field, fields

import numpy as np
import pandas as pd

from algorithms.metrics import at_threshold, pr_auc, roc_auc
from systems.churn import imbalance, plots
from systems.churn.calibration import CalibrationReport, calibration_report, platt, reliability_points
from systems.churn.csv_checks import CheckedRows, check_minority, check_rows
from systems.churn.persistence import ChurnModel, save
from systems.churn.profit import best_threshold
from systems.churn.splits import stratified_70_15_15
from systems.churn.tabular import TabularFeatures, check_magnitude
from systems.churn.telecom import THRESHOLDS, accuracy, costs
from systems.core.cli import progress
from systems.core.models import CHURN_MODELS as MODEL_NAMES
from systems.core.models import fit_model, make_model
from systems.core.report import start_run
from systems.core.tabular import encode_target, read_table

log = logging.getLogger(__name__)


def split_rows(y: np.ndarray, times: pd.Series | None, time_col: str, seed: int, cv_folds: int):
    """(train, val, test) indices and a sentence saying which split was used.

    ``times`` are the parsed dates of the rows (``csv_checks.check_rows`` set aside the
    unparseable ones), or None for a stratified split.
    """
    if times is not None:
        order = np.argsort(times.to_numpy(), kind="stable")
        n = len(order)
        a, b = int(0.70 * n), int(0.85 * n)
        tr, va, te = np.sort(order[:a]), np.sort(order[a:b]), np.sort(order[b:])
        if len(np.unique(y[te])) < 2 or len(np.unique(y[va])) < 2:
            raise ValueError(
                "the time-ordered validation or test window holds one class only; "
                "drop --time to use a stratified split"
            )
        how = f"temporal split on {time_col!r}: train 70% earliest, val 15%, test 15% latest"
    else:
        smallest = int(np.bincount(y, minlength=2).min())
        if smallest < 3:  # stratified_70_15_15 needs one row of it per part
            check_minority(y, None, None, None, cv_folds)
        tr, va, te = stratified_70_15_15(y, seed)
        how = "no --time column: falling back to a stratified random 70/15/15 split"
    check_minority(y, tr, va, te, cv_folds)
    return tr, va, te, how


@dataclass(frozen=True)
class LabelledTable:
    """The CSV's labelled, checked rows and their split (built before the run starts)."""

    df: pd.DataFrame
    y: np.ndarray
    n_blank_target: int
    positive: object  # the target value that means churn
    checked: CheckedRows
    train: np.ndarray
    val: np.ndarray
    test: np.ndarray
    how: str  # which split was used, in a sentence


@dataclass(frozen=True)
class ModelScore:
    """One model: validation AUC (picks the best) and test figures at threshold 0.5."""

    val_auc: float
    roc_auc: float
    pr_auc: float
    accuracy: float
    precision: float
    recall: float
    f1: float
    p_test: np.ndarray = field(repr=False)

    def figures(self) -> dict[str, float]:
        """Every figure above except the per-row test scores."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "p_test"}


@dataclass(frozen=True)
class Calibrated:
    """The best model by validation AUC, Platt-scaled, with its profit-optimal threshold."""

    name: str
    model: object  # the calibrated wrapper that is saved
    report: CalibrationReport
    threshold: float
    p_raw: np.ndarray  # test scores before and after Platt scaling
    p_cal: np.ndarray


def read_labelled(cfg) -> LabelledTable:
    """Read, encode the target, check rows and split; every refusal is a ValueError."""
    if not cfg.target:
        raise ValueError("--data needs --target COLUMN")
    named = {
        col: flag for flag, col in (("--target", cfg.target), ("--id", cfg.id), ("--time", cfg.time)) if col
    }
    df = read_table(cfg.data, "--data", columns=named, min_columns=2)  # a feature and the target
    target = encode_target(df[cfg.target], cfg.positive)
    y_all, labelled, positive = target.y, target.labelled, target.positive
    df = df[labelled].reset_index(drop=True)
    checked = check_rows(df, cfg.id, cfg.time)
    df, y = df.iloc[checked.keep].reset_index(drop=True), y_all[checked.keep]
    tr, va, te, how = split_rows(y, checked.times, cfg.time, cfg.seed, cfg.cv_folds)
    return LabelledTable(df, y, int((~labelled).sum()), positive, checked, tr, va, te, how)


def fit_features(t: LabelledTable, cfg) -> TabularFeatures:
    """TabularFeatures fitted on the training rows; every row's numbers checked for magnitude."""
    not_features = tuple(c for c in (cfg.target, cfg.id, cfg.time) if c)
    feats = TabularFeatures(exclude=not_features).fit(t.df.iloc[t.train])
    for c in feats.numeric_:  # fit saw the training rows; validation and test rows count too
        check_magnitude(c, pd.to_numeric(t.df[c], errors="coerce"))
    rep = feats.report()
    log.info(
        "  features: %d from %d numeric and %d categorical columns; dropped %s; "
        "stray strings in numeric columns %s",
        len(feats.feature_names_),
        len(rep["numeric"]),
        len(rep["categorical"]),
        rep["dropped"] or "none",
        rep["stray_strings"] or "none",
    )
    return feats


def compare_models(
    X: dict[str, np.ndarray], t: LabelledTable, seed: int
) -> tuple[dict, dict[str, ModelScore]]:
    """Every model family fitted on train (boosters early-stop on val): (fitted, scores) by name."""
    y_tr, y_va, y_te = t.y[t.train], t.y[t.val], t.y[t.test]
    fitted, scores = {}, {}
    for name in progress(MODEL_NAMES, desc="models"):
        m = fit_model(make_model(name, seed), name, X["tr"], y_tr, X["va"], y_va)
        p = m.predict_proba(X["te"])[:, 1]
        prec, rec, f1 = at_threshold(y_te, p, 0.5)
        fitted[name] = m
        scores[name] = ModelScore(
            val_auc=roc_auc(y_va, m.predict_proba(X["va"])[:, 1]),
            roc_auc=roc_auc(y_te, p),
            pr_auc=pr_auc(y_te, p),
            accuracy=accuracy(y_te, p),
            precision=prec,
            recall=rec,
            f1=f1,
            p_test=p,
        )
    return fitted, scores


def calibrate_best(fitted: dict, scores: dict[str, ModelScore], X, t: LabelledTable, cfg) -> Calibrated:
    """Platt scaling of the best model on validation; the threshold maximises validation profit."""
    best = max(scores, key=lambda name: scores[name].val_auc)
    y_va, y_te = t.y[t.val], t.y[t.test]
    cal = platt(fitted[best], X["va"], y_va)
    p_raw, p_cal = fitted[best].predict_proba(X["te"])[:, 1], cal.predict_proba(X["te"])[:, 1]
    report = calibration_report(y_te, p_raw, p_cal)
    t_val, _ = best_threshold(y_va, cal.predict_proba(X["va"])[:, 1], THRESHOLDS, **costs(cfg))
    return Calibrated(best, cal, report, t_val, p_raw, p_cal)


def run_csv(cfg) -> None:
    t = read_labelled(cfg)
    y, tr, te = t.y, t.train, t.test
    with start_run("churn_csv", cfg) as run:
        log.info(
            "  %d labelled rows (%d with a blank target set aside); positive class %r, rate %.3f",
            len(t.df),
            t.n_blank_target,
            t.positive,
            y.mean(),
        )
        if t.checked.describe():
            log.info("  %s", t.checked.describe())
        run.metric("rows_bad_date", t.checked.bad_dates, scope="input")
        run.metric("rows_duplicate_id_dropped", t.checked.duplicate_rows_dropped, scope="input")
        log.info("  %s", t.how)
        feats = fit_features(t, cfg)
        X = {k: feats.transform(t.df.iloc[i]).to_numpy() for k, i in (("tr", tr), ("va", t.val), ("te", te))}
        fitted, scores = compare_models(X, t, cfg.seed)
        for name, score in scores.items():
            for k, v in score.figures().items():
                run.metric(k, v, scope=name)
        run.write_table([{"model": name} | score.figures() for name, score in scores.items()], "models.md")
        imb = imbalance.compare(X["tr"], y[tr], X["te"], y[te], "xgboost", cfg.seed, cfg.cv_folds)
        run.write_table([{"strategy": k} | r.figures() for k, r in imb.by_strategy().items()], "imbalance.md")
        c = calibrate_best(fitted, scores, X, t, cfg)
        for k, v in asdict(c.report).items():
            run.metric(k, v, scope="calibration")
        run.metric("threshold", c.threshold, scope="profit")
        curves = {name: (y[te], score.p_test) for name, score in scores.items()}
        run.save_figure(plots.roc_pr(curves, "test split"), "roc_pr.png")
        fig = plots.calibration(
            reliability_points(y[te], c.p_raw), reliability_points(y[te], c.p_cal), c.report
        )
        run.save_figure(fig, "calibration.png")
        save_pipeline(run, feats, c, t, cfg)
        log.info(
            "  best model by validation AUC: %s; calibrated; profit-optimal threshold %.2f; saved %s",
            c.name,
            c.threshold,
            run.published_path("model.skops"),
        )


def save_pipeline(run, feats: TabularFeatures, c: Calibrated, t: LabelledTable, cfg) -> None:
    meta = {
        "data": str(cfg.data),
        "target": cfg.target,
        "positive": t.positive,
        "model": c.name,
        "split": t.how,
        "features": feats.report(),
    }
    bundle = ChurnModel(
        "tabular", feats, feats.feature_names_, c.model, c.threshold, cfg.id or None, meta | costs(cfg)
    )
    save(bundle, run.path("model.skops"))
