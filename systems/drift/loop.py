"""Retrain -> validate -> champion/challenger: the gates a retrained model must pass.

Validation suite (every gate must pass before a challenger may serve shadow traffic):

    f1        F1(challenger) >= (1 - 2%) * F1(champion), both on the same labelled holdout
    range     every prediction is finite and in [0, 1]
    spread    not degenerate: the central 95% of predictions spans >= collapse width
    latency   p95 of single-row inference < 100 ms

Champion/challenger: both score the next batches; once their labels arrive the
challenger is promoted only if F1(challenger) > (1 + 1%) * F1(champion). Percentages
are relative to the champion's F1.

``RawScoreModel``, ``SlowModel`` and ``ConstantModel`` are deliberately broken
challengers (fault injection) used to show each gate failing once.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from algorithms.metrics import at_threshold
from systems.drift.model import latency_ms
from systems.drift.rules import central_width


@dataclass(frozen=True)
class Gate:
    name: str
    passed: bool
    value: float
    limit: float

    def describe(self) -> str:
        return f"{self.name}={'pass' if self.passed else 'FAIL'} ({self.value:.4g} vs {self.limit:.4g})"


def validation_suite(
    challenger,
    champion,
    holdout: pd.DataFrame,
    f1_tolerance: float = 0.02,
    collapse_width: float = 0.02,
    latency_budget_ms: float = 100.0,
    n_latency_calls: int = 30,
    target: str = "default",
    clock: str = "wall",
) -> list[Gate]:
    """Run the four gates; ``holdout`` is a labelled window neither model trained on."""
    y = holdout[target].to_numpy()
    p = np.asarray(challenger.predict_proba(holdout), dtype=float)
    champ_f1 = at_threshold(y, champion.predict_proba(holdout), champion.threshold)[2]
    in_range = bool(np.isfinite(p).all() and (p >= 0).all() and (p <= 1).all())
    chal_f1 = at_threshold(y, np.clip(np.nan_to_num(p), 0, 1), challenger.threshold)[2]
    width = central_width(np.nan_to_num(p))
    p95 = float(np.percentile(latency_ms(challenger, holdout, n_latency_calls, clock), 95))
    return [
        Gate("f1", chal_f1 >= (1 - f1_tolerance) * champ_f1, chal_f1, (1 - f1_tolerance) * champ_f1),
        Gate("range", in_range, float(np.nanmax(np.abs(p - 0.5))) + 0.5, 1.0),
        Gate("spread", width >= collapse_width, width, collapse_width),
        Gate("latency", p95 < latency_budget_ms, p95, latency_budget_ms),
    ]


def challenger_wins(champion_f1: float, challenger_f1: float, margin: float = 0.01) -> bool:
    return challenger_f1 > (1 + margin) * champion_f1


class _Wrapper:
    def __init__(self, model):
        self.model = model
        self.threshold = model.threshold

    def f1(self, frame, target="default"):
        return at_threshold(
            frame[target].to_numpy(), np.clip(self.predict_proba(frame), 0, 1), self.threshold
        )[2]


class RawScoreModel(_Wrapper):
    """Fault: serves the raw linear score (log-odds) instead of a probability."""

    def predict_proba(self, frame):
        return self.model.pipeline.decision_function(frame[self.model.features])


class SlowModel(_Wrapper):
    """Fault: a model that needs ``delay_s`` extra seconds per call."""

    def __init__(self, model, delay_s: float = 0.12):
        super().__init__(model)
        self.delay_s = delay_s

    def predict_proba(self, frame):
        time.sleep(self.delay_s)
        return self.model.predict_proba(frame)


class ConstantModel(_Wrapper):
    """Fault: a collapsed model that predicts the training default rate for everyone."""

    def __init__(self, model, rate: float):
        super().__init__(model)
        self.rate = rate

    def predict_proba(self, frame):
        return np.full(len(frame), self.rate)
