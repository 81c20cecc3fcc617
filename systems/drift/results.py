"""What each stage of the drift run measured: one frozen dataclass per claim's figures.

A stage of ``experiment.py`` returns one of these; the claim of the same name in
``claims.py`` reads it by attribute. Field names are the names the ledger and
``metrics.json`` (scope ``claims``) show, so ``figures()`` is the claim's ``measured``
dict. ``intervals`` holds the sampling interval of each noisy figure, by field name.
A field with ``metadata={"figure": False}`` is passed between stages but is not a figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from systems.core.ledger import Interval


@dataclass(frozen=True, kw_only=True)
class Figures:
    intervals: dict[str, Interval] = field(default_factory=dict)

    def figures(self) -> dict[str, float]:
        """Every figure of the stage, by name (the claim's ``measured``)."""
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name != "intervals" and f.metadata.get("figure", True)
        }


@dataclass(frozen=True, kw_only=True)
class PsiLevels(Figures):
    """DR-01: PSI on quiet weeks, at the policy's first week, over the gradual drift."""

    quiet_weeks: float
    psi_max_quiet: float  # the worst quiet (week, feature) cell
    psi_dti_policy_onset: float
    psi_max_gradual: float
    weeks_over_0_25: float
    weeks_over_0_3: float


@dataclass(frozen=True, kw_only=True)
class SignificanceRules(Figures):
    """DR-02: false alarms of the warning and critical test rules; events the critical one caught."""

    warning_false_alarm_weeks: float
    critical_false_alarm_weeks: float
    warning_false_alarm_share: float
    critical_false_alarm_share: float
    critical_input_events_detected: float
    input_events: float
    critical_concept_detected: float


@dataclass(frozen=True, kw_only=True)
class SampleSize(Figures):
    """DR-03: KS p-value and PSI of a negligible shift at the story's n and at the largest n."""

    n_story: float
    ks_p_median_at_10000: float
    psi_median_at_10000: float
    ks_p_median_at_max_n: float
    psi_median_at_max_n: float
    max_n: float
    shift_sd: float


@dataclass(frozen=True, kw_only=True)
class ConceptStudy(Figures):
    """DR-04: the F1 rule, calibration and challenge AUC on a concept-only stream."""

    f1_rule_detected: float
    f1_rule_delay_weeks: float  # censored at the weeks left when the rule never fired
    f1_rule_false_alarms: float
    psi_max_concept: float
    ece_before: float
    ece_after: float
    challenge_auc_after: float
    challenge_auc_alert: float


@dataclass(frozen=True, kw_only=True)
class PredictionFaults(Figures):
    """DR-05: mean-shift and collapse alerts (0/1) on a clean week and on injected faults."""

    mean_alert_clean: float
    mean_alert_injected: float
    collapse_alert_clean: float
    collapse_alert_injected: float
    mean_alert_quiet_weeks: float


@dataclass(frozen=True, kw_only=True)
class DtiStory(Figures):
    """DR-06: detection of the DTI policy shift and what the retrain on it gained."""

    dti_detected: float
    dti_detect_delay: float  # censored at the weeks left when never detected
    retrained_on_policy_data: float
    retrain_week: float  # -1: no retrain on post-policy data
    promoted_week: float  # -1: not promoted
    approval_gain: float
    old_approval: float
    new_approval: float
    default_rate: float


@dataclass(frozen=True, kw_only=True)
class GateDemo(Figures):
    """DR-07 (demo part): each validation gate failing once, a crash mid-retrain, a rollback."""

    gate_f1_failed: float
    gate_range_failed: float
    gate_spread_failed: float
    gate_latency_failed: float
    p95_latency_under_100ms: float
    crash_registry_intact: float
    crash_trigger_kept: float
    rollback_ok: float
    demo_not_promoted: float = field(metadata={"figure": False})  # counted in LoopCounts


@dataclass(frozen=True, kw_only=True)
class LoopCounts(Figures):
    """DR-07 (loop part): what the year's retraining loop did."""

    triggers: float
    psi_triggers_with_features: float
    promotions: float
    cc_not_promoted: float  # the year's loop plus the demo


@dataclass(frozen=True, kw_only=True)
class Skips(Figures):
    """DR-08: what each skipped scheduled retrain would have gained (counterfactual)."""

    skipped: float
    opportunities: float
    mean_gain_skipped: float
    mean_gain_skipped_no_incident: float
    skipped_during_incident: float
    mean_gain_not_skipped: float


@dataclass(frozen=True, kw_only=True)
class Incidents(Figures):
    """DR-09: planted incidents, those over the 10% bar, those a deployed alert caught."""

    incidents_planted: float
    incidents_caught: float
    incidents_caught_over_10pct: float
    incidents_over_10pct: float
    min_incident_cost: float
    monitor_false_alarm_weeks: float


@dataclass(frozen=True, kw_only=True)
class RocStudy(Figures):
    """DR-10: the ROC-chosen PSI threshold in the loop's view (the fixed view for contrast)."""

    roc_defined: float  # 0: every week degraded, or none, on this draw
    psi_threshold: float
    roc_auc: float
    tpr_at_0_3: float
    fpr_at_0_3: float
    degraded_weeks: float
    roc_auc_fixed_view: float
