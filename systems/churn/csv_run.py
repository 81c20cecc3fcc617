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

import numpy as np
import pandas as pd

from algorithms.metrics import at_threshold, pr_auc, roc_auc
from systems.churn import imbalance, plots
from systems.churn.calibration import calibration_report, platt, reliability_points
from systems.churn.csv_checks import check_minority, check_rows
from systems.churn.persistence import ChurnModel, save
from systems.churn.profit import best_threshold
from systems.churn.splits import stratified_70_15_15
from systems.churn.tabular import TabularFeatures, check_magnitude, encode_target, read_csv_checked
from systems.churn.telecom import THRESHOLDS, accuracy
from systems.core.models import CHURN_MODELS as MODEL_NAMES
from systems.core.models import fit_model, make_model
from systems.core.report import start_run


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


def run_csv(cfg) -> None:
    if not cfg.target:
        raise ValueError("--data needs --target COLUMN")
    df = read_csv_checked(cfg.data)
    for flag, col in (("--target", cfg.target), ("--id", cfg.id), ("--time", cfg.time)):
        if col and col not in df.columns:
            raise ValueError(f"{flag} {col!r} is not a column of {cfg.data}; columns are {list(df.columns)}")
    y_all, labelled, positive = encode_target(df[cfg.target], cfg.positive or None)
    df = df[labelled].reset_index(drop=True)
    checked = check_rows(df, cfg.id, cfg.time)
    df, y = df.iloc[checked.keep].reset_index(drop=True), y_all[checked.keep]
    tr, va, te, how = split_rows(y, checked.times, cfg.time, cfg.seed, cfg.cv_folds)
    with start_run("churn_csv", cfg) as run:
        print(
            f"  {len(df)} labelled rows ({int((~labelled).sum())} with a blank target set aside); "
            f"positive class {positive!r}, rate {y.mean():.3f}",
            flush=True,
        )
        if checked.describe():
            print(f"  {checked.describe()}", flush=True)
        run.metric("rows_bad_date", checked.bad_dates, scope="input")
        run.metric("rows_duplicate_id_dropped", checked.duplicate_rows_dropped, scope="input")
        print(f"  {how}", flush=True)
        not_features = tuple(c for c in (cfg.target, cfg.id, cfg.time) if c)
        feats = TabularFeatures(exclude=not_features).fit(df.iloc[tr])
        for c in feats.numeric_:  # fit saw the training rows; validation and test rows count too
            check_magnitude(c, pd.to_numeric(df[c], errors="coerce"))
        rep = feats.report()
        print(
            f"  features: {len(feats.feature_names_)} from {len(rep['numeric'])} numeric and "
            f"{len(rep['categorical'])} categorical columns; dropped {rep['dropped'] or 'none'}; "
            f"stray strings in numeric columns {rep['stray_strings'] or 'none'}",
            flush=True,
        )
        X = {k: feats.transform(df.iloc[i]).to_numpy() for k, i in (("tr", tr), ("va", va), ("te", te))}
        rows, curves, fitted = [], {}, {}
        for name in MODEL_NAMES:
            m = fit_model(make_model(name, cfg.seed), name, X["tr"], y[tr], X["va"], y[va])
            p = m.predict_proba(X["te"])[:, 1]
            fitted[name], curves[name] = m, (y[te], p)
            prec, rec, f1 = at_threshold(y[te], p, 0.5)
            rows.append(
                {
                    "model": name,
                    "val_auc": roc_auc(y[va], m.predict_proba(X["va"])[:, 1]),
                    "roc_auc": roc_auc(y[te], p),
                    "pr_auc": pr_auc(y[te], p),
                    "accuracy": accuracy(y[te], p),
                    "precision": prec,
                    "recall": rec,
                    "f1": f1,
                }
            )
            for k, v in rows[-1].items():
                if k != "model":
                    run.metric(k, v, scope=name)
        run.write_table(rows, "models.md")
        imb = imbalance.compare(X["tr"], y[tr], X["te"], y[te], "xgboost", cfg.seed, cfg.cv_folds)
        run.write_table([{"strategy": k} | v for k, v in imb.items()], "imbalance.md")
        best = max(rows, key=lambda r: r["val_auc"])["model"]
        cal = platt(fitted[best], X["va"], y[va])
        p_raw, p_cal = fitted[best].predict_proba(X["te"])[:, 1], cal.predict_proba(X["te"])[:, 1]
        cr = calibration_report(y[te], p_raw, p_cal)
        costs = {"offer_cost": cfg.offer_cost, "clv": cfg.clv, "win_back": cfg.win_back}
        t_val, _ = best_threshold(y[va], cal.predict_proba(X["va"])[:, 1], THRESHOLDS, **costs)
        for k, v in cr.items():
            run.metric(k, v, scope="calibration")
        run.metric("threshold", t_val, scope="profit")
        run.save_figure(plots.roc_pr(curves, "test split"), "roc_pr.png")
        fig = plots.calibration(reliability_points(y[te], p_raw), reliability_points(y[te], p_cal), cr)
        run.save_figure(fig, "calibration.png")
        save(
            ChurnModel(
                "tabular",
                feats,
                feats.feature_names_,
                cal,
                t_val,
                cfg.id or None,
                {
                    "data": str(cfg.data),
                    "target": cfg.target,
                    "positive": positive,
                    "model": best,
                    "split": how,
                    "features": rep,
                }
                | costs,
            ),
            run.path("model.skops"),
        )
        print(
            f"  best model by validation AUC: {best}; calibrated; profit-optimal threshold {t_val:.2f}; "
            f"saved {run.published_path('model.skops')}",
            flush=True,
        )
