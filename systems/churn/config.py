"""Run configuration of ``make churn`` (quick profile by default; ``--profile full`` = story scale)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from systems.core.config import RunConfig


@dataclass
class ChurnConfig(RunConfig):
    n_telecom: int = field(default=16_000, metadata={"help": "telecom rows (story: 100K, 27 percent churn)"})
    n_saas: int = field(default=16_000, metadata={"help": "saas rows (story: 50K users, 5 percent churn)"})
    n_trials: int = field(default=6, metadata={"help": "Optuna trials per tuned model"})
    cv_folds: int = field(default=3, metadata={"help": "time-ordered CV folds (and imbalance CV folds)"})
    shap_sample: int = field(default=400, metadata={"help": "test rows explained by SHAP"})
    offer_cost: float = field(default=50.0, metadata={"help": "cost of one retention offer ($)"})
    clv: float = field(default=500.0, metadata={"help": "customer lifetime value kept by a win-back ($)"})
    win_back: float = field(default=0.34, metadata={"help": "share of contacted churners won back"})
    data: str = field(default="", metadata={"help": "run on this CSV instead of synthetic data"})
    target: str = field(default="", metadata={"help": "with --data: the binary target column"})
    id: str = field(default="", metadata={"help": "with --data: an id column (not a feature)"})
    time: str = field(default="", metadata={"help": "with --data: a date column for a temporal split"})
    positive: str = field(default="", metadata={"help": "with --data: the target value meaning churn"})

    PROFILES: ClassVar = {
        "quick": {},
        "full": {"n_telecom": 100_000, "n_saas": 50_000, "n_trials": 40, "cv_folds": 5, "shap_sample": 2000},
        "tiny": {
            "n_telecom": 2_500,
            "n_saas": 3_000,
            "n_trials": 2,
            "cv_folds": 2,
            "shap_sample": 100,
        },
    }
