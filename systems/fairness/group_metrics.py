"""Metrics per group (fairlearn MetricFrame) with counts, small-group flags and intervals.

For each group g of the sensitive feature(s), at hard predictions yhat in {0, 1}:

    selection rate  P(yhat=1 | g)          n = all rows of g
    TPR             P(yhat=1 | y=1, g)     n = positives of g   (undefined if none)
    FPR             P(yhat=1 | y=0, g)     n = negatives of g   (undefined if none)
    precision       P(y=1 | yhat=1, g)     n = flagged rows of g (undefined if none flagged)

Each rate gets a 95% Wilson score interval,

    (p + z^2/2n -+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n),   z = 1.96,

which stays inside [0, 1] and is honest for small n. A group with fewer than
``min_group_size`` rows is flagged ``small``: its rates are shown, with wide intervals,
but a reader should not act on them alone.

Undefined rates: fairlearn's ``true_positive_rate`` returns 0.0 for a group without
positives, which would silently read as "the model misses every fraud there". Here such
a rate is NaN and the table's ``notes`` column says why; ``undefined_rates`` lists them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from fairlearn.metrics import MetricFrame

Z95 = 1.959963984540054
RATES = ("selection_rate", "tpr", "fpr", "precision")


def wilson_interval(k, n, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of k successes out of n (NaN where n == 0)."""
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    # clip: at p = 0 or 1 rounding can put an end a hair outside [0, 1]
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def _counts(y_true, y_pred) -> dict[str, int]:
    y, p = np.asarray(y_true), np.asarray(y_pred)
    return {
        "n": y.size,
        "n_pos": int((y == 1).sum()),
        "n_neg": int((y == 0).sum()),
        "n_flagged": int((p == 1).sum()),
        "tp": int(((p == 1) & (y == 1)).sum()),
        "fp": int(((p == 1) & (y == 0)).sum()),
    }


def _metric(key: str):
    def fn(y_true, y_pred):
        return _counts(y_true, y_pred)[key]

    fn.__name__ = key
    return fn


def sensitive_frame(sensitive) -> pd.DataFrame:
    """Sensitive feature(s) as a DataFrame with string values; rejects missing values."""
    if isinstance(sensitive, pd.Series):
        frame = sensitive.to_frame(sensitive.name if sensitive.name is not None else "sensitive")
    else:
        frame = pd.DataFrame(sensitive)
    frame.columns = [str(c) for c in frame.columns]
    for col in frame.columns:
        missing = int(frame[col].isna().sum())
        if missing:
            raise ValueError(
                f"sensitive column {col!r} has {missing} missing values; fill them with an "
                "explicit category (e.g. 'unknown') or drop those rows before auditing"
            )
    return frame.astype(str)


def group_table(y_true, y_pred, sensitive, min_group_size: int = 100) -> pd.DataFrame:
    """Per-group counts, rates and 95% intervals.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,), values in {0, 1}
    sensitive : Series or DataFrame of shape (n_samples,) or (n_samples, k)
        One column per sensitive feature; with several, groups are their cross.
    min_group_size : int

    Returns
    -------
    DataFrame indexed by group with columns n, n_pos, n_neg, n_flagged, tp, fp,
    selection_rate, tpr, fpr, precision, <rate>_lo, <rate>_hi, small, notes.
    """
    frame = sensitive_frame(sensitive)
    y_true = np.asarray(y_true).astype(int)
    y_pred = np.asarray(y_pred).astype(int)
    keys = ("n", "n_pos", "n_neg", "n_flagged", "tp", "fp")
    mf = MetricFrame(
        metrics={k: _metric(k) for k in keys}, y_true=y_true, y_pred=y_pred, sensitive_features=frame
    )
    t = mf.by_group.astype(int)
    with np.errstate(invalid="ignore", divide="ignore"):
        t["selection_rate"] = t["n_flagged"] / t["n"]
        t["tpr"] = np.where(t["n_pos"] > 0, t["tp"] / t["n_pos"].clip(lower=1), np.nan)
        t["fpr"] = np.where(t["n_neg"] > 0, t["fp"] / t["n_neg"].clip(lower=1), np.nan)
        t["precision"] = np.where(t["n_flagged"] > 0, t["tp"] / t["n_flagged"].clip(lower=1), np.nan)
    for rate, k, n in (
        ("selection_rate", "n_flagged", "n"),
        ("tpr", "tp", "n_pos"),
        ("fpr", "fp", "n_neg"),
        ("precision", "tp", "n_flagged"),
    ):
        t[f"{rate}_lo"], t[f"{rate}_hi"] = wilson_interval(t[k], t[n])
    t["small"] = t["n"] < min_group_size
    notes = []
    for _, r in t.iterrows():
        parts = []
        if r["n_pos"] == 0:
            parts.append("TPR undefined: no positives")
        if r["n_neg"] == 0:
            parts.append("FPR undefined: no negatives")
        if r["n_flagged"] == 0:
            parts.append("precision undefined: nothing flagged")
        if r["small"]:
            parts.append(f"small group (n < {min_group_size})")
        notes.append("; ".join(parts))
    t["notes"] = notes
    return t


def undefined_rates(table: pd.DataFrame) -> list[str]:
    """Human-readable list of (group, rate) pairs that are undefined."""
    out = []
    for group, r in table.iterrows():
        for rate in ("tpr", "fpr"):
            if np.isnan(r[rate]):
                out.append(f"{rate.upper()} of group {group} is undefined ({r['notes']})")
    return out


def table_rows(table: pd.DataFrame) -> list[dict]:
    """The table as rows for a Markdown report (rates with their intervals)."""
    rows = []
    for group, r in table.iterrows():
        name = " x ".join(map(str, group)) if isinstance(group, tuple) else str(group)
        row = {"group": name, "n": int(r["n"]), "positives": int(r["n_pos"])}
        for rate in RATES:
            row[rate] = (
                "undefined"
                if np.isnan(r[rate])
                else f"{r[rate]:.3f} [{r[rate + '_lo']:.3f}, {r[rate + '_hi']:.3f}]"
            )
        row["notes"] = r["notes"]
        rows.append(row)
    return rows
