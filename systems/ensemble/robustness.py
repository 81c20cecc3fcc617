"""Robustness (EN-13): degrade one base model on purpose, see what the blend loses.

We corrupt XGBoost's test scores with Gaussian noise on the logit scale,

    z' = logit(p) + sigma * e,   e ~ N(0, 1),   sigma chosen by bisection so that
    AUC(z') = AUC(z) - drop      (drop = 0.04, the story's 0.88 -> 0.84)

and re-score each blend with its weights unchanged (a production blend does not re-learn
when one member silently degrades). The loss of a blend is roughly the weight it gives the
degraded member times that member's loss, which is what the penalised objective is for.
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import roc_auc_score

from systems.ensemble.stacking import logit


def degrade(y, p, drop: float, rng: np.random.Generator, iters: int = 40) -> tuple[np.ndarray, float]:
    """Noisy copy of ``p`` whose AUC is ``drop`` lower (to ~1e-3); returns (p', sigma)."""
    z = logit(p)
    e = rng.normal(size=len(z))
    target = roc_auc_score(y, p) - drop
    lo, hi = 0.0, 50.0
    if roc_auc_score(y, z + hi * e) > target:
        raise ValueError(f"cannot lower the AUC by {drop}: even heavy noise keeps it above {target:.3f}")
    for _ in range(iters):
        mid = 0.5 * (lo + hi)
        if roc_auc_score(y, z + mid * e) > target:
            lo = mid
        else:
            hi = mid
    z2 = z + hi * e
    return 1 / (1 + np.exp(-z2)), hi


def degraded_blends(
    y,
    P,
    weights: dict[str, np.ndarray],
    column: int,
    drop: float,
    rng: np.random.Generator,
    scores: dict | None = None,
) -> dict[str, float]:
    """AUC of the degraded member and of each blend, before and after.

    ``scores``, if given, receives the test scores behind every figure (same names).
    """
    P2 = np.array(P, dtype=float, copy=True)
    P2[:, column], sigma = degrade(y, P[:, column], drop, rng)
    out = {
        "member_before": float(roc_auc_score(y, P[:, column])),
        "member_after": float(roc_auc_score(y, P2[:, column])),
        "sigma": sigma,
    }
    for name, w in weights.items():
        out[f"{name}_before"] = float(roc_auc_score(y, P @ w))
        out[f"{name}_after"] = float(roc_auc_score(y, P2 @ w))
        if scores is not None:
            scores.update({f"{name}_before": P @ w, f"{name}_after": P2 @ w})
    if scores is not None:
        scores.update(member_before=P[:, column], member_after=P2[:, column])
    return out
