"""Configuration of the fairness audit (quick profile = field defaults; full = story scale).

The release-gate thresholds are the story's playbook figures; they are configuration,
not results, and every one can be overridden on the command line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from systems.core.config import RunConfig


@dataclass
class FairnessConfig(RunConfig):
    n_rows: int = field(default=60000, metadata={"help": "customer-weeks in the synthetic scenario"})
    eg_rows: int = field(
        default=12000,
        metadata={"help": "training rows ExponentiatedGradient sees (it refits the learner dozens of times)"},
    )
    fraud_rate: float = field(default=0.04, metadata={"help": "base weekly fraud probability"})
    alert_rate: float | None = field(
        default=None,
        metadata={
            "help": "decision rule: flag this share of validation rows (the fraud team's review capacity). "
            "Default: 0.08 in the fraud story; unset with --data"
        },
    )
    threshold: float | None = field(
        default=None,
        metadata={
            "help": "decision rule: flag rows whose predicted probability is >= this. Default with --data: "
            "0.5 (LightGBM's log-loss probabilities); give --threshold or --alert-rate, not both"
        },
    )
    n_estimators: int = field(default=150, metadata={"help": "boosting rounds of the baseline model"})
    max_depth: int = field(default=4, metadata={"help": "tree depth of the baseline model"})
    mitigation_estimators: int = field(
        default=60, metadata={"help": "boosting rounds of the base learner inside ExponentiatedGradient"}
    )
    eg_max_iter: int = field(default=25, metadata={"help": "ExponentiatedGradient iterations"})
    eg_eps: float = field(default=0.02, metadata={"help": "ExponentiatedGradient constraint bound"})
    sweep_eps: list[float] = field(
        default_factory=lambda: [0.005, 0.03, 0.1],
        metadata={"help": "ExponentiatedGradient(DemographicParity) bounds for the trade-off curve"},
    )
    sweep_tol: list[float] = field(
        default_factory=lambda: [0.0, 0.02, 0.05, 0.1, 0.2],
        metadata={"help": "ThresholdOptimizer FPR-parity tolerances for the trade-off curve"},
    )
    min_group_size: int = field(default=100, metadata={"help": "groups smaller than this are flagged"})
    monitor_sample: int = field(default=5000, metadata={"help": "rows in the weekly monitoring sample"})
    shap_rows: int = field(default=2000, metadata={"help": "test rows explained with TreeSHAP"})
    fpr_warn: float = field(default=0.08, metadata={"help": "gate: FPR disparity warning level"})
    fpr_critical: float = field(default=0.12, metadata={"help": "gate: FPR disparity critical level"})
    dpd_max: float = field(default=0.10, metadata={"help": "gate: demographic parity difference limit"})
    eod_max: float = field(default=0.05, metadata={"help": "gate: equal opportunity difference limit"})
    eo_max: float = field(default=0.05, metadata={"help": "gate: equalized odds (worst case) limit"})
    di_min: float = field(default=0.80, metadata={"help": "gate: disparate impact ratio floor (4/5ths)"})
    block_at: float = field(default=0.10, metadata={"help": "gate: any difference above this blocks"})
    data: Path | None = field(default=None, metadata={"help": "audit this CSV instead of the scenario"})
    target: str = field(default="", metadata={"help": "CSV mode: binary target column"})
    sensitive: list[str] = field(
        default_factory=list, metadata={"help": "CSV mode: sensitive column(s), comma-separated"}
    )
    positive: str = field(default="", metadata={"help": "CSV mode: target value meaning positive"})
    drop_sensitive: bool = field(
        default=False, metadata={"help": "CSV mode: keep sensitive columns out of the model inputs"}
    )
    max_groups: int = field(
        default=20, metadata={"help": "CSV mode: most groups a sensitive column (or their cross) may have"}
    )
    sensitive_bins: int = field(
        default=0,
        metadata={
            "help": "CSV mode: cut numeric sensitive columns with more than --max-groups values into this "
            "many quantile bins (0: refuse such columns instead)"
        },
    )

    STORY_ALERT_RATE: ClassVar[float] = 0.08  # the story's review capacity (seed 005)
    DATA_THRESHOLD: ClassVar[float] = 0.5  # the usual cutoff on a probability, for a user's data

    def decision_rule(self) -> tuple[str, float]:
        """("threshold" | "alert_rate", value): the explicit flag, else the mode's default."""
        if self.threshold is not None and self.alert_rate is not None:
            raise ValueError("give --threshold or --alert-rate, not both")
        if self.threshold is not None:
            if not 0 < self.threshold < 1:
                raise ValueError(f"--threshold must be a probability in (0, 1), got {self.threshold}")
            return "threshold", self.threshold
        if self.alert_rate is not None:
            return "alert_rate", self.alert_rate
        if self.data is None:
            return "alert_rate", self.STORY_ALERT_RATE
        return "threshold", self.DATA_THRESHOLD

    PROFILES: ClassVar = {
        "quick": {},
        "full": {
            "n_rows": 200000,
            "eg_rows": 50000,
            "n_estimators": 300,
            "mitigation_estimators": 100,
            "eg_max_iter": 50,
            "sweep_eps": [0.002, 0.005, 0.01, 0.03, 0.1, 0.3],
            "shap_rows": 5000,
        },
    }
