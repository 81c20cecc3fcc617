"""Run configuration of ``make ensemble`` (quick profile = defaults, full = story scale)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from systems.core.config import RunConfig


@dataclass
class EnsembleConfig(RunConfig):
    scenario: str = field(default="telecom", metadata={"help": "churn scenario (telecom or saas)"})
    n_rows: int = field(default=8_000, metadata={"help": "customer snapshots to generate"})
    test_fraction: float = field(default=0.25, metadata={"help": "held-out test share"})
    n_folds: int = field(default=5, metadata={"help": "folds of the out-of-fold predictions"})
    tune_folds: int = field(default=2, metadata={"help": "CV folds inside each tuning trial"})
    model_trials: int = field(default=3, metadata={"help": "Optuna trials per base model"})
    blend_trials: int = field(default=60, metadata={"help": "Optuna trials per blend objective"})
    n_estimators: int = field(default=120, metadata={"help": "trees per boosted/forest model"})
    nested_outer: int = field(default=3, metadata={"help": "outer folds of nested CV"})
    nested_inner: int = field(default=2, metadata={"help": "inner folds of nested CV"})
    nested_trials: int = field(
        default=0,
        metadata={"help": "Optuna trials per model inside each outer fold (0 = fixed story optima)"},
    )
    small_rows: int = field(default=3_000, metadata={"help": "rows of the small-data failure case"})
    latency_repeats: int = field(default=15, metadata={"help": "timed repeats per latency figure"})
    storage: str = field(
        default="", metadata={"help": "Optuna storage URL (default: sqlite:///OUT/.state/ensemble/optuna.db)"}
    )
    study: str = field(
        default="", metadata={"help": "study name prefix (default: ensemble-s<seed>-<profile>-n<rows>)"}
    )

    PROFILES: ClassVar = {
        "quick": {},
        "full": {
            "n_rows": 100_000,
            "tune_folds": 5,
            "model_trials": 200,
            "blend_trials": 200,
            "n_estimators": 600,
            "nested_outer": 5,
            "nested_inner": 5,
            "nested_trials": 20,
            "latency_repeats": 50,
        },
    }

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.n_rows < 1000:
            raise ValueError(f"n_rows must be >= 1000 for 5-fold OOF on churn data, got {self.n_rows}")
        for name in ("n_folds", "tune_folds", "nested_outer", "nested_inner"):
            if getattr(self, name) < 2:
                raise ValueError(f"{name} must be >= 2, got {getattr(self, name)}")
        if self.model_trials < 1 or self.blend_trials < 1:
            raise ValueError("model_trials and blend_trials must be >= 1")

    @property
    def study_prefix(self) -> str:
        return self.study or f"ensemble-s{self.seed}-{self.profile}-n{self.n_rows}"
