"""Analyse any experiment export: ``python -m systems.abtest --data CSV --unit COL --variant COL
--control VALUE --metrics a,b,c [--covariate COL] [--time COL] [--strata COL] [--out DIR]``.

One row per unit; the file is read by ``systems.core.tabular.read_table`` (encoding,
delimiter, gzip; a missing, empty or header-only file is refused). Output in
OUT/abtest_data/ (its own folder: ``make abtest`` republishes OUT/abtest/ whole), staged and
published in one rename under a lock (``systems.core.publish``), so a failed or concurrent
run leaves the previous report intact: metrics.json, report.md, effects.png
(+ cumulative.png with --time).

metrics.json layout::

    {"srm": {"p_value", "counts", "expected_shares", "flagged"},
     "<metric>": {"kind": "binary" | "continuous", "test", "p_value", "p_value_adjusted",
                  "lift", "ci_low", "ci_high",                     # absolute: treatment - control
                  "relative_lift", "relative_ci_low", "relative_ci_high",
                  "control_mean", "treatment_mean",
                  ["mann_whitney_p", "heavy_tailed", "skew", "top1pct_share"]   continuous
                  ["cuped": {"theta", "variance_ratio", "p_value", "lift", "ci_low", "ci_high"}]
                  ["sequential_p_value"]                           with --time
                 },
     "adjustment": "holm", "strata": {...} with --strata}

Binary metrics (values in {0, 1}) use the pooled two-proportion z-test (statsmodels
proportions_ztest); continuous ones Welch's t-test with Mann-Whitney alongside. The expected
split is equal shares unless ``--expected-shares`` is given (control first). Adjusted p-values are
Holm over the metrics. The sequential p-value is the mSPRT always-valid p after the last time
value (``sequential.always_valid_p`` on cumulative counts per time value; binary metrics only,
continuous ones use their mean and variance in the same normal approximation).
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats as st

from systems.abtest.assignment import srm_test, stratum_balance
from systems.abtest.stats import adjust, cuped_adjust, cuped_theta, estimate_from_samples, mann_whitney_p
from systems.core.cli import add_output_args, pop_output_args
from systems.core.publish import RunLocked, published
from systems.core.tabular import read_table

log = logging.getLogger(__name__)


class DataError(ValueError):
    """A problem with the user's CSV or flags; the message says what and how to fix it."""


def validate(
    df: pd.DataFrame,
    unit: str,
    variant: str,
    control: str,
    metrics: list[str],
    covariate: str | None,
    time: str | None,
    strata: str | None,
) -> tuple[str, list[str]]:
    """Check the columns and arms; returns (treatment value, metric columns)."""
    needed = [unit, variant, *metrics] + [c for c in (covariate, time, strata) if c]
    missing = [c for c in needed if c not in df.columns]
    if missing:
        raise DataError(f"column(s) {missing} not in the CSV (columns: {list(df.columns)})")
    if not metrics:
        raise DataError("--metrics is empty; name at least one metric column")
    dup = df[unit].duplicated()
    if dup.any():
        raise DataError(
            f"{int(dup.sum())} duplicate unit(s) in '{unit}' (e.g. {df.loc[dup, unit].iloc[0]!r}); "
            "one row per unit is required - aggregate per unit first"
        )
    arms = sorted(df[variant].astype(str).unique())
    if control not in arms:
        raise DataError(f"control value {control!r} not found in '{variant}' (values: {arms})")
    if len(arms) == 1:
        raise DataError(f"only one arm ({arms[0]!r}) in '{variant}'; an experiment needs a treatment too")
    if len(arms) > 2:
        raise DataError(
            f"{len(arms)} arms in '{variant}' ({arms}); this tool compares two - filter the CSV "
            "to the control and one treatment (run once per treatment, then adjust across runs)"
        )
    for c in metrics + ([covariate] if covariate else []):
        if not pd.api.types.is_numeric_dtype(df[c]):
            bad = df[c][pd.to_numeric(df[c], errors="coerce").isna() & df[c].notna()]
            raise DataError(f"metric '{c}' is not numeric (e.g. {bad.iloc[0]!r}); encode it as numbers")
        if df[c].isna().any():
            raise DataError(
                f"metric '{c}' has {int(df[c].isna().sum())} missing value(s); fill them "
                "(e.g. 0 for no revenue) or drop those units explicitly"
            )
        if not np.isfinite(df[c].to_numpy(dtype=float)).all():
            raise DataError(f"metric '{c}' has infinite values")
    treatment = next(a for a in arms if a != control)
    return treatment, metrics


def _binary(x: pd.Series) -> bool:
    return bool(x.isin([0, 1]).all())


def analyse_metric(a: np.ndarray, b: np.ndarray) -> dict:
    """Effect and tests of one metric, control ``a`` vs treatment ``b``."""
    from statsmodels.stats.proportion import proportions_ztest

    e = estimate_from_samples(a, b)
    out = {
        "control_mean": e.control,
        "treatment_mean": e.treatment,
        "lift": e.diff,
        "ci_low": e.diff_low,
        "ci_high": e.diff_high,
        "relative_lift": e.rel,
        "relative_ci_low": e.rel_low,
        "relative_ci_high": e.rel_high,
    }
    if set(np.unique(np.r_[a, b])) <= {0.0, 1.0}:
        k, n = [int(b.sum()), int(a.sum())], [b.size, a.size]
        p = float(proportions_ztest(k, n)[1]) if 0 < sum(k) < sum(n) else 1.0
        return {"kind": "binary", "test": "two-proportion z (pooled)", "p_value": p} | out
    pooled = np.r_[a, b]
    top = np.sort(pooled)[::-1][: max(1, pooled.size // 100)]
    skew = float(st.skew(pooled))
    total = float(np.abs(pooled).sum())
    return {
        "kind": "continuous",
        "test": "Welch t",
        "p_value": float(st.ttest_ind(b, a, equal_var=False).pvalue),
        "mann_whitney_p": float(mann_whitney_p(a, b)),
        "skew": skew,
        "top1pct_share": float(np.abs(top).sum() / total) if total > 0 else 0.0,
        "heavy_tailed": bool(abs(skew) > 2 or float(st.kurtosis(pooled)) > 7),
    } | out


def cuped(a: np.ndarray, b: np.ndarray, xa: np.ndarray, xb: np.ndarray) -> dict:
    y, x = np.r_[a, b], np.r_[xa, xb]
    if np.var(x) == 0:
        raise DataError("covariate is constant; CUPED needs a covariate that varies across units")
    adj = cuped_adjust(y, x)
    e = estimate_from_samples(adj[: a.size], adj[a.size :])
    p = float(st.ttest_ind(adj[a.size :], adj[: a.size], equal_var=False).pvalue)
    return {
        "theta": float(cuped_theta(y, x)),
        "variance_ratio": float(adj.var() / y.var()) if y.var() > 0 else 1.0,
        "p_value": p,
        "lift": e.diff,
        "ci_low": e.diff_low,
        "ci_high": e.diff_high,
    }


def sequential_p(df: pd.DataFrame, is_b: np.ndarray, col: str, time: str, tau_sd: float = 0.1) -> float:
    """Always-valid p after the last look, one look per distinct time value (normal mSPRT).

    tau (the mixing sd of the effect) is ``tau_sd`` standard deviations of the metric.
    """
    order = np.argsort(df[time].to_numpy(), kind="stable")
    t = df[time].to_numpy()[order]
    y = df[col].to_numpy(dtype=float)[order]
    b = is_b[order]
    looks = np.r_[np.flatnonzero(t[1:] != t[:-1]), t.size - 1]
    p_min = 1.0
    tau = tau_sd * (y.std() or 1.0)
    for i in looks:
        ya, yb = y[: i + 1][~b[: i + 1]], y[: i + 1][b[: i + 1]]
        if ya.size < 2 or yb.size < 2:
            continue
        v = ya.var(ddof=1) / ya.size + yb.var(ddof=1) / yb.size
        if v <= 0:
            continue
        theta = yb.mean() - ya.mean()
        lam = np.sqrt(v / (v + tau**2)) * np.exp(min(700.0, theta**2 * tau**2 / (2 * v * (v + tau**2))))
        p_min = min(p_min, 1.0 / lam)
    return float(p_min)


def analyse(df: pd.DataFrame, args) -> dict:
    metrics = [m for m in args.metrics.split(",") if m.strip()]
    treatment, metrics = validate(
        df, args.unit, args.variant, args.control, metrics, args.covariate, args.time, args.strata
    )
    arm = df[args.variant].astype(str).to_numpy()
    is_b = arm == treatment
    shares = args.expected_shares or [0.5, 0.5]
    srm = srm_test([int((~is_b).sum()), int(is_b.sum())], shares)
    result = {
        "srm": {
            "p_value": srm.p_value,
            "counts": {args.control: srm.counts[0], treatment: srm.counts[1]},
            "expected_shares": list(srm.expected_shares),
            "flagged": srm.flagged(),
        },
        "adjustment": "holm",
        "control": args.control,
        "treatment": treatment,
    }
    for m in metrics:
        y = df[m].to_numpy(dtype=float)
        r = analyse_metric(y[~is_b], y[is_b])
        if args.covariate:
            x = df[args.covariate].to_numpy(dtype=float)
            r["cuped"] = cuped(y[~is_b], y[is_b], x[~is_b], x[is_b])
        if args.time:
            r["sequential_p_value"] = sequential_p(df, is_b, m, args.time)
        result[m] = r
    for m, p in zip(metrics, adjust([result[m]["p_value"] for m in metrics], "holm"), strict=True):
        result[m]["p_value_adjusted"] = float(p)
    if args.strata:
        bal = stratum_balance(is_b.astype(int), df[args.strata].astype(str).to_numpy())
        result["strata"] = {"p_value": bal.p_value, "share": bal.table["share"].to_dict()}
    return result


def _report(res: dict, metrics: list[str]) -> str:
    lines = [
        f"# Experiment analysis: {res['treatment']} vs {res['control']}",
        "",
        f"SRM p = {res['srm']['p_value']:.4g} (counts {res['srm']['counts']})"
        + (" - **split is broken: do not trust the effects below**" if res["srm"]["flagged"] else ""),
        "",
        "| metric | kind | lift | 95% CI | relative | p | p (Holm) |",
        "|---|---|---|---|---|---|---|",
    ]
    for m in metrics:
        r = res[m]
        lines.append(
            f"| {m} | {r['kind']} | {r['lift']:.4g} | [{r['ci_low']:.4g}, {r['ci_high']:.4g}] | "
            f"{r['relative_lift']:+.2%} | {r['p_value']:.3g} | {r['p_value_adjusted']:.3g} |"
        )
    return "\n".join(lines) + "\n"


def _plot(res: dict, metrics: list[str], path: Path) -> None:
    from systems.core.plotting import figure

    fig, ax = figure(6, 1 + 0.5 * len(metrics))
    rel = [res[m]["relative_lift"] for m in metrics]
    lo = [res[m]["relative_lift"] - res[m]["relative_ci_low"] for m in metrics]
    hi = [res[m]["relative_ci_high"] - res[m]["relative_lift"] for m in metrics]
    ax.errorbar(rel, range(len(metrics)), xerr=[lo, hi], fmt="o")
    ax.axvline(0, color="k", lw=0.8)
    ax.set_yticks(range(len(metrics)), metrics)
    ax.set_xlabel("relative lift, 95% CI (delta method)")
    fig.savefig(path, dpi=110, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)


def _shares(text: str) -> list[float]:
    try:
        return [float(x) for x in text.split(",")]
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"expected shares like 0.8,0.2, got {text!r}") from err


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m systems.abtest --data CSV ...",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--data", type=Path, required=True, help="CSV, one row per unit")
    parser.add_argument("--unit", required=True, help="unit id column (must be unique)")
    parser.add_argument("--variant", required=True, help="arm column")
    parser.add_argument("--control", required=True, help="value of the control arm in --variant")
    parser.add_argument("--metrics", required=True, help="comma-separated numeric metric columns")
    parser.add_argument("--covariate", help="pre-period covariate column (enables CUPED)")
    parser.add_argument("--time", help="time/day column (enables always-valid sequential p-values)")
    parser.add_argument("--strata", help="stratum column (balance check per stratum)")
    parser.add_argument(
        "--expected-shares", type=_shares, help="designed shares, control first (default 0.5,0.5)"
    )
    parser.add_argument(
        "--out", type=Path, default=Path("reports"), help="reports root; writes OUT/abtest_data/"
    )
    add_output_args(parser)
    args = parser.parse_args(argv)
    pop_output_args(vars(args))
    try:
        df = read_table(args.data, "--data")
        res = analyse(df, args)
    except DataError as err:
        log.error("abtest --data: %s", err)
        return 2
    except ValueError as err:  # e.g. --expected-shares that do not sum to 1
        log.error("abtest --data: %s", err)
        return 2
    metrics = [m for m in args.metrics.split(",") if m.strip()]
    final = args.out / "abtest_data"
    text = _report(res, metrics)
    try:
        with published(args.out, "abtest_data") as staging:
            (staging / "metrics.json").write_text(
                json.dumps(res, indent=2, sort_keys=True, default=float) + "\n"
            )
            (staging / "report.md").write_text(text)
            _plot(res, metrics, staging / "effects.png")
    except RunLocked as err:
        log.error("abtest --data: %s", err)
        return 2
    log.info(
        "%s\nwritten: %s, %s, %s", text, final / "metrics.json", final / "report.md", final / "effects.png"
    )
    return 0
