"""Business view (EN-11): who gets a retention offer when we contact the top 10%.

Flag the top fraction f = 0.10 of customers by score. With base rate r (share of churners)
and n customers, TP <= min(f n, r n), so

    precision@f = TP / (f n) <= min(1, r / f)        recall@f = TP / (r n) <= min(1, f / r)
    precision@f = recall@f * r / f                   (same TP, two denominators)

The last identity lets us recompute the story's precision from its own recall and churn rate.
"""

from __future__ import annotations

import numpy as np

from algorithms.metrics import at_top_fraction

TOP_FRACTION = 0.10  # source: 004 story, follow-up 20 (top 10% scored customers)


def top_fraction_view(y, scores, fraction: float = TOP_FRACTION) -> dict[str, float]:
    """Precision, recall, F1 at the top ``fraction`` and the precision ceiling r / f."""
    y = np.asarray(y)
    p, r, f1 = at_top_fraction(y, scores, fraction)
    return {"precision": p, "recall": r, "f1": f1, "precision_ceiling": min(1.0, float(y.mean()) / fraction)}


def precision_from_recall(recall: float, base_rate: float, fraction: float = TOP_FRACTION) -> float:
    """precision@f implied by recall@f and the base rate (see module docstring)."""
    return recall * base_rate / fraction
