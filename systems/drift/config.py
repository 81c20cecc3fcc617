"""Configuration of the drift monitor run (quick profile = field defaults)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from systems.core.config import RunConfig


def _f(default, help_text):
    return field(default=default, metadata={"help": help_text})


@dataclass
class DriftConfig(RunConfig):
    n_reference: int = _f(30000, "rows in the training (reference) period")
    n_week: int = _f(3000, "rows per weekly production batch")
    n_eval: int = _f(
        20000, "rows of fresh counterfactual samples per measured week (incident cost, ROC truth)"
    )
    label_delay: int = _f(2, "weeks until a batch's default labels arrive")
    psi_bins: int = _f(10, "PSI quantile bins of the reference")
    psi_eps: float = _f(1e-4, "floor for empty PSI bins")
    psi_investigate: float = _f(0.2, "PSI above which a feature is investigated")
    psi_retrain: float = _f(0.3, "PSI above which retraining is triggered (story glossary says 0.25)")
    p_warning: float = _f(0.05, "KS/chi-square warning level")
    p_critical: float = _f(0.01, "KS/chi-square critical level, needed for `consecutive` weeks")
    consecutive: int = _f(3, "consecutive weeks/windows a rule must hold")
    f1_drop: float = _f(0.05, "concept alert: F1 below (1 - this) x baseline")
    challenge_auc: float = _f(0.75, "alert if the monthly challenge-set AUC falls below this")
    mean_shift: float = _f(0.05, "prediction-drift alert: relative change of the mean prediction")
    collapse_width: float = _f(0.02, "collapse alert: central 95 percent of predictions narrower than this")
    f1_tolerance: float = _f(0.02, "validation gate: challenger F1 >= (1 - this) x champion F1")
    promote_margin: float = _f(0.01, "promote if challenger F1 > (1 + this) x champion F1")
    latency_ms: float = _f(100.0, "validation gate: p95 single-row inference budget (ms)")
    skip_drift: float = _f(0.05, "skip a scheduled retrain when max feature TVD is below this")
    schedule_every: int = _f(4, "weeks between scheduled retraining opportunities")
    retrain_weeks: int = _f(3, "most recent labelled weeks a retrain may use (last one is the holdout)")
    min_post_weeks: int = _f(3, "labelled weeks after the trigger needed before retraining")
    cooldown: int = _f(3, "weeks without new drift triggers after a retrain decision")
    cc_weeks: int = _f(1, "batches the challenger shadows before the champion/challenger decision")
    ss_max_n: int = _f(300000, "largest n in the sample-size study (DR-03)")
    ss_repeats: int = _f(10, "repeats per n in the sample-size study")
    ss_shift: float = _f(0.05, "the negligible mean shift of the sample-size study, in sd units")

    PROFILES: ClassVar = {
        "quick": {},
        # smoke-test size (every seed completes, tests/systems/test_every_seed.py): the
        # figures are noisy at 500 rows a week, so its verdicts are not the quick profile's
        "tiny": {"n_reference": 4000, "n_week": 500, "n_eval": 3000, "ss_max_n": 10000, "ss_repeats": 3},
        "full": {
            "n_reference": 100000,
            "n_week": 10000,
            "n_eval": 50000,
            "ss_max_n": 3000000,
            "ss_repeats": 20,
        },
    }
