"""The stories' alert rules, evaluated minute by minute on a replayed stream.

    latency   fire when p95 latency > 100 ms in every minute of the last 5 ("for: 5m",
              as a Prometheus rule holds an expression for a duration before firing)
    accuracy  fire when the accuracy of the last 60 labelled minutes is more than 5%
              (relative) below the baseline accuracy measured at deployment

The replayed stream (``replay``) is planted: 8 hours of minutes with per-minute p95 drawn
around the measured loopback p95, labelled outcomes scored by a model of the baseline
accuracy, and four incidents: a 3-minute latency spike (must NOT fire: shorter than 5
minutes), a 12-minute latency incident (must fire, at its 5th minute: delay 4), an
accuracy drop of 3% (must not fire) and one of 10% (must fire once the 60-minute window
is mostly inside it). What is measured is the rules' behaviour: which incidents fired, the
delay, and false alerts outside incidents.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MINUTES = 480


@dataclass(frozen=True)
class Incident:
    name: str
    kind: str  # "latency" or "accuracy"
    start: int
    length: int
    should_fire: bool


INCIDENTS = (
    Incident("latency spike 3 min", "latency", 60, 3, False),
    Incident("latency incident 12 min", "latency", 150, 12, True),
    Incident("accuracy -3%", "accuracy", 240, 90, False),
    Incident("accuracy -10%", "accuracy", 380, 90, True),
)


@dataclass(frozen=True)
class Stream:
    p95_ms: np.ndarray  # (MINUTES,)
    correct: np.ndarray  # (MINUTES, per_minute) 0/1 outcomes
    baseline_accuracy: float


def replay(base_p95_ms: float, baseline_accuracy: float, seed: int, per_minute: int = 200) -> Stream:
    rng = np.random.default_rng(seed)
    p95 = base_p95_ms * rng.lognormal(0.0, 0.15, MINUTES)
    acc = np.full(MINUTES, baseline_accuracy)
    for inc in INCIDENTS:
        sl = slice(inc.start, inc.start + inc.length)
        if inc.kind == "latency":
            p95[sl] = 100.0 + rng.uniform(30, 120, inc.length)
        else:
            acc[sl] = baseline_accuracy * (0.97 if "3%" in inc.name else 0.90)
    correct = (rng.random((MINUTES, per_minute)) < acc[:, None]).astype(np.int8)
    return Stream(p95, correct, baseline_accuracy)


def latency_alert(p95_ms: np.ndarray, limit: float = 100.0, minutes: int = 5) -> np.ndarray:
    over = (p95_ms > limit).astype(int)
    run = np.convolve(over, np.ones(minutes, dtype=int), mode="full")[: len(over)]
    return run >= minutes


def accuracy_alert(correct: np.ndarray, baseline: float, drop: float = 0.05, window: int = 60) -> np.ndarray:
    per_min = correct.mean(axis=1)
    csum = np.concatenate([[0.0], np.cumsum(per_min)])
    fire = np.zeros(len(per_min), dtype=bool)
    for t in range(window - 1, len(per_min)):
        fire[t] = (csum[t + 1] - csum[t + 1 - window]) / window < baseline * (1 - drop)
    return fire


@dataclass(frozen=True)
class AlertOutcome:
    fired: dict[str, bool]  # incident name -> fired during or within 60 min after it
    delay_min: dict[str, float]  # incident name -> minutes from start to first alert
    false_alert_minutes: int  # alerting minutes outside every incident window


def evaluate(stream: Stream) -> AlertOutcome:
    lat = latency_alert(stream.p95_ms)
    acc = accuracy_alert(stream.correct, stream.baseline_accuracy)
    fired, delay = {}, {}
    covered = np.zeros(MINUTES, dtype=bool)
    for inc in INCIDENTS:
        alert = lat if inc.kind == "latency" else acc
        hi = min(MINUTES, inc.start + inc.length + 60)
        covered[inc.start : hi] = True
        hits = np.flatnonzero(alert[inc.start : hi])
        fired[inc.name] = bool(len(hits))
        delay[inc.name] = float(hits[0]) if len(hits) else float("nan")
    false = int(np.sum((lat | acc) & ~covered))
    return AlertOutcome(fired, delay, false)
