"""Segment AUCs (EN-9): does each model win somewhere the others lose?

    AUC_s(m) = ROC-AUC of model m on the test rows of segment s

Segments are defined in ``data`` (high value, recent signups, low engagement). A segment with
one class only has no AUC; that is an error here rather than a silent NaN. How far apart two
segment AUCs must be to mean anything is set by the Hanley-McNeil standard error

    se^2 = [A(1-A) + (P-1)(Q1 - A^2) + (N-1)(Q2 - A^2)] / (P N),  Q1 = A/(2-A), Q2 = 2A^2/(1+A)

with P positives and N negatives in the segment.
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import roc_auc_score


def segment_aucs(y, scores: dict[str, np.ndarray], segments: dict[str, np.ndarray]) -> list[dict]:
    """One row per segment: size, positive rate and the AUC of every model in ``scores``."""
    y = np.asarray(y)
    rows = []
    for seg, mask in segments.items():
        ys = y[mask]
        if ys.min() == ys.max():
            raise ValueError(
                f"segment {seg!r} has {len(ys)} rows of one class: no AUC; use more rows (--n-rows)"
            )
        row = {"segment": seg, "n": int(mask.sum()), "churn_rate": float(ys.mean())}
        row.update({m: float(roc_auc_score(ys, s[mask])) for m, s in scores.items()})
        rows.append(row)
    return rows


def auc_standard_error(auc: float, n_pos: int, n_neg: int) -> float:
    """Hanley & McNeil (1982) standard error of an AUC estimate."""
    q1, q2 = auc / (2 - auc), 2 * auc**2 / (1 + auc)
    var = (auc * (1 - auc) + (n_pos - 1) * (q1 - auc**2) + (n_neg - 1) * (q2 - auc**2)) / (n_pos * n_neg)
    return float(np.sqrt(var))
