"""The release gate: turn disparity metrics into pass / warn / block, with the reasons.

Rules (thresholds from the config; defaults are the story's playbook):

    block  if the decisions flag nobody or everybody (every rate 0 or 1: the disparities
           below would read as perfect parity and measure nothing), or
           if any difference metric (DPD, equal opportunity, FPR disparity, equalized
           odds) > block_at (10%), or FPR disparity > fpr_critical (12%)
    warn   if FPR disparity > fpr_warn (8%), DPD >= dpd_max, equal opportunity > eod_max,
           equalized odds > eo_max, disparate impact ratio < di_min (4/5ths rule),
           or some group's rate was undefined and left out
    pass   otherwise

The gate reads metrics only; which rows they come from (the test set, or the weekly
monitoring sample of recent predictions) is the caller's choice.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from systems.fairness.disparity import Disparity

LEVELS = {"pass": 0, "warn": 1, "block": 2}


@dataclass(frozen=True)
class GateThresholds:
    fpr_warn: float = 0.08
    fpr_critical: float = 0.12
    dpd_max: float = 0.10
    eod_max: float = 0.05
    eo_max: float = 0.05
    di_min: float = 0.80
    block_at: float = 0.10


@dataclass
class GateResult:
    status: str
    reasons: list[str] = field(default_factory=list)
    checks: list[dict] = field(default_factory=list)

    @property
    def level(self) -> int:
        return LEVELS[self.status]


def evaluate(d: Disparity, t: GateThresholds) -> GateResult:
    """Apply the gate rules to one set of disparity metrics."""
    checks, block, warn = [], [], []

    def check(name, value, limit, bad, severity):
        checks.append(
            {"metric": name, "value": round(value, 4), "limit": limit, "status": severity if bad else "ok"}
        )
        if bad:
            (block if severity == "block" else warn).append(f"{name} = {value:.3f} (limit {limit})")

    diffs = {
        "demographic_parity_difference": d.demographic_parity_difference,
        "equal_opportunity_difference": d.equal_opportunity_difference,
        "fpr_disparity": d.fpr_disparity,
        "equalized_odds_difference": d.equalized_odds_difference,
    }
    check(
        "fpr_disparity",
        d.fpr_disparity,
        f"<= {t.fpr_critical} critical",
        d.fpr_disparity > t.fpr_critical,
        "block",
    )
    for name, value in diffs.items():
        check(name, value, f"<= {t.block_at} (block)", value > t.block_at, "block")
    check("fpr_disparity", d.fpr_disparity, f"<= {t.fpr_warn} (warn)", d.fpr_disparity > t.fpr_warn, "warn")
    check(
        "demographic_parity_difference",
        d.demographic_parity_difference,
        f"< {t.dpd_max}",
        d.demographic_parity_difference >= t.dpd_max,
        "warn",
    )
    check(
        "equal_opportunity_difference",
        d.equal_opportunity_difference,
        f"<= {t.eod_max}",
        d.equal_opportunity_difference > t.eod_max,
        "warn",
    )
    check(
        "equalized_odds_difference",
        d.equalized_odds_difference,
        f"<= {t.eo_max}",
        d.equalized_odds_difference > t.eo_max,
        "warn",
    )
    check(
        "demographic_parity_ratio",
        d.demographic_parity_ratio,
        f">= {t.di_min}",
        d.demographic_parity_ratio < t.di_min,
        "warn",
    )
    warn += d.excluded
    if d.degenerate:
        block.insert(0, d.degenerate)
        checks.insert(
            0,
            {
                "metric": "flagged_share",
                "value": round(d.flagged_share, 4),
                "limit": "strictly between 0 and 1",
                "status": "block",
            },
        )
    status = "block" if block else "warn" if warn else "pass"
    reasons = [f"blocks: {r}" for r in block] + [f"warns: {r}" for r in warn]
    return GateResult(status, reasons or ["every metric within its limit"], checks)
