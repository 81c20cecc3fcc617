"""Alert rules: what turns a drift score or a metric series into an alert.

PSI level            psi > retrain -> "retrain";  psi > investigate -> "investigate"
p-value rules        warning: p < 0.05 this week;  critical: p < 0.01 in each of the
                     last k (3) consecutive weeks (a persistence rule, so one unlucky
                     week does not page anyone)
pipeline fault       a feature mostly outside the reference range (> 50%), stuck at a
                     constant the reference never was, or suddenly mostly missing:
                     a data bug to fix upstream, so it blocks retraining on that data
prediction drift     |mean(p) - mean_ref(p)| > 5% of mean_ref(p)
collapse             95% of the predictions fall in an interval narrower than `width`
                     (the central 95% range: q97.5 - q2.5 < width)
concept drift        F1 < (1 - 5%) * baseline F1 in each of k (3) consecutive
                     labelled windows
challenge set        AUC on the challenge set < 0.75
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def psi_level(psi: float, investigate: float, retrain: float) -> str:
    if not investigate <= retrain:
        raise ValueError(f"investigate threshold {investigate} must not exceed retrain threshold {retrain}")
    if psi > retrain:
        return "retrain"
    if psi > investigate:
        return "investigate"
    return "ok"


def consecutive(flags, k: int) -> np.ndarray:
    """True at position t when flags[t-k+1..t] are all True (a streak of length >= k)."""
    flags = np.asarray(flags, dtype=bool)
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    run = np.zeros(flags.size, dtype=int)
    for t, f in enumerate(flags):
        run[t] = (run[t - 1] + 1 if t else 1) if f else 0
    return run >= k


def pipeline_faults(report: pd.DataFrame, out_of_range: float = 0.5, null_jump: float = 0.5) -> list[str]:
    """Features whose current window looks like a data bug rather than a population shift."""
    numeric = report["kind"] == "numeric"
    bad = (
        (numeric & (report["out_of_range"] > out_of_range))
        | report["constant"]
        | (report["null_rate"] > null_jump)
    )
    return report.loc[bad, "feature"].tolist()


def mean_shift_alert(reference_mean: float, current_mean: float, rel: float = 0.05) -> bool:
    if reference_mean <= 0:
        raise ValueError(f"reference mean prediction must be > 0, got {reference_mean}")
    return abs(current_mean - reference_mean) > rel * reference_mean


def central_width(pred, share: float = 0.95) -> float:
    """Width of the interval holding the central ``share`` of the predictions."""
    pred = np.asarray(pred, dtype=float)
    if pred.size == 0:
        raise ValueError("no predictions in this window")
    lo, hi = np.quantile(pred, [(1 - share) / 2, 1 - (1 - share) / 2])
    return float(hi - lo)


def collapse_alert(pred, width: float = 0.02, share: float = 0.95) -> bool:
    return central_width(pred, share) < width


def f1_alerts(f1_series, baseline: float, drop: float = 0.05, k: int = 3) -> np.ndarray:
    """Concept-drift alert per window: F1 more than ``drop`` below baseline k times running."""
    below = np.asarray(f1_series, dtype=float) < (1 - drop) * baseline
    return consecutive(below, k)
