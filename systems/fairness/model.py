"""The fraud model and its operating point.

model      LightGBM gradient boosting on the inputs (age never among them)
split      train 50% / validation 25% / test 25%, one shuffled permutation (large
           held-out parts: group TPRs rest on few positives per group)
threshold  t = the (1 - alert_rate) quantile of validation scores: the fraud team
           reviews a fixed share of weeks, so the cutoff is set by that budget,
           not by the test set
cost       flagging at p >= t is the Bayes rule when a missed fraud costs
           c = (1 - t) / t false alarms; mitigations optimise that same cost so
           they are compared at a like operating point
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from lightgbm import LGBMClassifier


def booster(n_estimators: int, max_depth: int, seed: int) -> LGBMClassifier:
    """A small LightGBM classifier; one thread (deterministic, and faster than two on a busy
    2-core machine where ExponentiatedGradient refits it dozens of times)."""
    return LGBMClassifier(
        n_estimators=n_estimators,
        max_depth=max_depth,
        num_leaves=2**max_depth - 1,
        learning_rate=0.05,
        min_child_samples=40,
        subsample=1.0,
        n_jobs=1,
        random_state=seed,
        verbose=-1,
    )


@dataclass(frozen=True)
class Split:
    train: np.ndarray
    val: np.ndarray
    test: np.ndarray


def split(n: int, rng: np.random.Generator, fractions=(0.5, 0.25)) -> Split:
    """Train/validation/test index arrays, each in shuffled order (a prefix is a random subset)."""
    if n < 30:
        raise ValueError(f"need at least 30 rows to split into train/validation/test, got {n}")
    perm = rng.permutation(n)
    a, b = int(fractions[0] * n), int((fractions[0] + fractions[1]) * n)
    return Split(perm[:a], perm[a:b], perm[b:])


def alert_threshold(val_scores, alert_rate: float) -> float:
    """Score cutoff that flags ``alert_rate`` of the validation rows."""
    if not 0 < alert_rate < 1:
        raise ValueError(f"alert_rate must be in (0, 1), got {alert_rate}")
    return float(np.quantile(np.asarray(val_scores, dtype=float), 1 - alert_rate))


def miss_cost(threshold: float) -> float:
    """Cost of a missed positive, in false alarms, for which ``p >= threshold`` is optimal."""
    if not 0 < threshold < 1:
        raise ValueError(f"threshold must be a probability in (0, 1), got {threshold}")
    return (1 - threshold) / threshold
