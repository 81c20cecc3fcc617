"""Configuration of the A/B-testing run (quick profile = field defaults)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from systems.core.config import RunConfig


def _f(default, help_text):
    return field(default=default, metadata={"help": help_text})


@dataclass
class AbtestConfig(RunConfig):
    n_users: int = _f(200_000, "users hashed into arms (AB-01) and in the story-sized email test (AB-04)")
    alpha: float = _f(0.05, "significance level of every test")
    power: float = _f(0.8, "target power of the design (AB-02, AB-10)")
    design_sims: int = _f(4000, "simulated experiments checking the power of a design")
    seq_sims: int = _f(4000, "A/A and A/B experiments each in the sequential study (AB-05, AB-06)")
    seq_days: int = _f(28, "days of daily looks (the story's four weeks)")
    seq_n_per_day: int = _f(850, "new users per arm per day (about 80% fixed-horizon power at day 28)")
    seq_p0: float = _f(0.05, "control conversion rate of the sequential study")
    seq_lift: float = _f(0.10, "relative lift under H1 in the sequential study")
    loss_eps: float = _f(0.0005, "Bayesian expected-loss threshold (absolute conversion rate)")
    msprt_tau: float = _f(0.005, "mSPRT mixing sd (absolute), set to the effect the design targets")
    fwer_sims: int = _f(4000, "A/A experiments in the multiple-metric study (AB-06)")
    fwer_n: int = _f(20_000, "users per arm in the multiple-metric study")
    power_sims: int = _f(300, "experiments per arm setting in the revenue-test power study (AB-07)")
    power_n: int = _f(40_000, "users per arm in the revenue-test power study")
    time_sims: int = _f(500, "experiments in the weekly-cycle/novelty study (AB-03)")
    time_n_per_day: int = _f(4000, "users per arm per day in the weekly-cycle study")
    ramp_n_per_day: int = _f(20_000, "users per day in the ramped rollout (AB-08)")

    PROFILES: ClassVar = {
        "quick": {},
        "full": {
            "n_users": 1_000_000,
            "design_sims": 20_000,
            "seq_sims": 20_000,
            "fwer_sims": 20_000,
            "power_sims": 1000,
            "time_sims": 2000,
        },
    }
