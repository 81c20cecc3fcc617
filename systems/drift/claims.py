"""One function per claim id: the story's figures (with their source) and our measurement.

Every measured value arrives in ``m`` (a dict filled by ``__main__``); nothing here is a
result. Sources: 004 = seeds/004_ac56de8954b4f73a.txt, 000 = seeds/000_df41c2894197819b.txt.
"""

from __future__ import annotations

from systems.core.ledger import Claim, Tolerance


def dr01(m: dict, ev: list[str]) -> Claim:
    # 004 pipeline story, follow-up 2 (PSI over 10 deciles; 0.2 investigate, 0.3 retrain);
    # the same story's glossary line says 0.25
    return Claim(
        "DR-01",
        "PSI over 10 reference-decile bins: > 0.2 investigate, > 0.3 retrain; the thresholds "
        "separate planted drift from weekly sampling noise",
        measured={
            k: m[k]
            for k in (
                "psi_max_quiet",
                "psi_dti_policy_onset",
                "psi_max_gradual",
                "weeks_over_0_25",
                "weeks_over_0_3",
            )
        },
        relations=[("psi_max_quiet", "<", 0.2), ("psi_dti_policy_onset", ">", 0.3)],
        unit="PSI",
        note="the story states 0.3 as the retrain threshold four times and 0.25 once, in a glossary example; "
        "we treat 0.25 as a loose example rather than a computed figure (no Recompute) and report "
        "how many weeks each would trigger on (weeks_over_0_25 vs weeks_over_0_3); 12 features "
        "monitored, not the story's top 20",
        evidence=ev,
    )


def dr02(m: dict, ev: list[str]) -> Claim:
    # 000 Q9 (MONITOR_Q2): KS for numeric, chi-square for categorical; p < 0.05 warning,
    # p < 0.01 for 3 consecutive weeks critical
    return Claim(
        "DR-02",
        "KS (numeric) and chi-square (categorical) weekly; warning at p < 0.05, critical at "
        "p < 0.01 for 3 consecutive weeks",
        measured={
            k: m[k]
            for k in (
                "warning_false_alarm_weeks",
                "critical_false_alarm_weeks",
                "critical_input_events_detected",
                "input_events",
                "critical_concept_detected",
            )
        },
        relations=[
            ("critical_false_alarm_weeks", "<=", "warning_false_alarm_weeks"),
            ("critical_input_events_detected", ">=", "input_events"),
        ],
        unit="weeks",
        note="the critical rule catches every event that moves an input (benign ones too) and cannot see "
        "the concept change by construction",
        evidence=ev,
    )


def dr03(m: dict, ev: list[str]) -> Claim:
    # 000 Q9: 10,000 recent predictions sampled daily
    return Claim(
        "DR-03",
        "with 10,000 sampled rows a negligible shift stays below the critical KS level; the "
        "p-value alone flags it once n is large, PSI does not",
        measured={
            k: m[k]
            for k in (
                "ks_p_median_at_10000",
                "psi_median_at_10000",
                "ks_p_median_at_max_n",
                "psi_median_at_max_n",
                "max_n",
                "shift_sd",
            )
        },
        relations=[
            ("ks_p_median_at_10000", ">", 0.01),
            ("ks_p_median_at_max_n", "<", 0.01),
            ("psi_median_at_max_n", "<", 0.2),
        ],
        unit="p-value / PSI",
        note="the shift (0.05 sd) was fixed before running as 'negligible' (a quarter of Cohen's small "
        "effect); a larger shift moves the crossing n down",
        evidence=ev,
    )


def dr04(m: dict, ev: list[str]) -> Claim:
    # 004 drift-detection story (F1 > 5% below baseline for 3 consecutive days);
    # 000 Q9 (reliability diagrams; monthly challenge set, alert if AUC < 0.75)
    return Claim(
        "DR-04",
        "concept drift (inputs stable) is caught from delayed labels: F1 > 5% below baseline for 3 "
        "consecutive windows; calibration drifts; challenge-set AUC < 0.75",
        measured={
            k: m[k]
            for k in (
                "f1_rule_detected",
                "f1_rule_delay_weeks",
                "f1_rule_false_alarms",
                "psi_max_concept",
                "ece_before",
                "ece_after",
                "challenge_auc_after",
                "challenge_auc_alert",
            )
        },
        relations=[
            ("f1_rule_detected", ">=", 1),
            ("psi_max_concept", "<", 0.2),
            ("ece_after", ">", "ece_before"),
        ],
        unit="weeks / ECE",
        note="run on a stream where only the concept event is planted; the delay "
        "includes the label delay; challenge_auc_alert reported, not judged",
        evidence=ev,
    )


def dr05(m: dict, ev: list[str]) -> Claim:
    # 004 pipeline story, follow-up 16 (95% of predictions in a narrow range = collapse);
    # 004 drift-detection story (prediction drift); mean shift > 5%
    return Claim(
        "DR-05",
        "prediction drift alert (mean prediction moves > 5%) and collapse alert (95% of predictions "
        "in a narrow range) fire on injected cases and not on a clean batch",
        measured={
            k: m[k]
            for k in (
                "mean_alert_clean",
                "mean_alert_injected",
                "collapse_alert_clean",
                "collapse_alert_injected",
                "mean_alert_quiet_weeks",
            )
        },
        relations=[
            ("mean_alert_injected", ">", "mean_alert_clean"),
            ("collapse_alert_injected", ">", "collapse_alert_clean"),
        ],
        unit="alert (0/1)",
        evidence=ev,
    )


def dr06(m: dict, ev: list[str]) -> Claim:
    # 000 Q9: month-6 DTI drift after a policy change; retraining on recent data raised
    # approval rate 8% at the same default rate
    return Claim(
        "DR-06",
        "the month-6 DTI policy shift is detected; retraining on recent data raises approvals at the "
        "same default rate by 8%",
        claimed={"approval_gain": 0.08},
        measured={
            k: m[k]
            for k in (
                "approval_gain",
                "dti_detect_delay",
                "old_approval",
                "new_approval",
                "default_rate",
                "promoted_week",
            )
        },
        tolerance=Tolerance(abs=0.04),
        relations=[("approval_gain", ">", 0), ("dti_detect_delay", "<=", 1)],
        unit="relative approval gain",
        note="the gain is read as relative (approvals x 1.08); its size follows from the planted policy "
        "(DTI +0.15..0.30 on 55% of loans), so only its direction carries over",
        evidence=ev,
    )


def dr07(m: dict, ev: list[str]) -> Claim:
    # 004 pipeline story, follow-ups 3, 5, 6: trigger file with drifted features and PSI;
    # F1 >= baseline - 2%, predictions in [0, 1], not degenerate, p95 < 100 ms; promote if F1 > champion + 1%
    keys = (
        "gate_f1_failed",
        "gate_range_failed",
        "gate_spread_failed",
        "gate_latency_failed",
        "cc_not_promoted",
        "p95_latency_under_100ms",
        "crash_registry_intact",
        "crash_trigger_kept",
        "psi_triggers_with_features",
        "promotions",
        "rollback_ok",
    )
    return Claim(
        "DR-07",
        "PSI > 0.3 writes a trigger; retrain; validation suite; challenger promoted only if F1 > "
        "champion + 1%; each gate shown failing once",
        measured={k: m[k] for k in keys},
        relations=[(k, ">=", 1) for k in keys],
        unit="count (1 = yes)",
        note="gates fail on deliberately broken challengers (shuffled labels, log-odds served as "
        "probabilities, a constant model, a 120 ms sleep); the non-promotions come from the year's loop "
        "and the demo; the measured p95 time is in latency.md (volatile, so not in the ledger)",
        evidence=ev,
    )


def dr08(m: dict, ev: list[str]) -> Claim:
    # 004 pipeline story, follow-up 25 (and cost answer): data drift < 5% keeps the cached model
    return Claim(
        "DR-08",
        "retraining is skipped when drift is below 5% (max feature TVD) and nothing is lost",
        measured={
            k: m[k]
            for k in (
                "skipped",
                "opportunities",
                "mean_gain_skipped",
                "mean_gain_not_skipped",
                "mean_gain_skipped_no_incident",
                "skipped_during_incident",
            )
        },
        relations=[("skipped", ">=", 1), ("mean_gain_skipped", "<", 0.01)],
        unit="relative F1 gain",
        note="'drift' read as total variation distance (share of rows that change bin); gain is the "
        "counterfactual retrained-minus-champion F1 on the next two weeks, relative. Input drift cannot "
        "see a concept change (inputs stay put), so a skip rule on input drift alone also skips retrains the "
        "concept change needed; the F1 rule is what catches those (see skipped_during_incident)",
        evidence=ev,
    )


def dr09(m: dict, ev: list[str]) -> Claim:
    # 000 Q9: prevented 3 major incidents that would have cost 10%+ performance
    return Claim(
        "DR-09",
        "a year with 3 planted incidents (> 10% F1 loss each if undetected): all caught",
        claimed={"incidents_caught": 3},
        measured={
            k: m[k]
            for k in (
                "incidents_caught",
                "incidents_over_10pct",
                "min_incident_cost",
                "monitor_false_alarm_weeks",
            )
        },
        tolerance=Tolerance(abs=0),
        relations=[("min_incident_cost", ">", 0.10)],
        unit="incidents",
        note="the incidents are planted with sizes chosen to exceed 10% (see data/credit.py); caught = "
        "any deployed alert (PSI > 0.3, pipeline fault, prediction drift, F1 rule, challenge AUC) "
        "while it lasts",
        evidence=ev,
    )


def dr10(m: dict, ev: list[str]) -> Claim:
    # 004 drift-detection story: thresholds from ROC analysis of drift vs real degradation over 12 months
    return Claim(
        "DR-10",
        "a PSI threshold chosen by ROC of weekly max PSI against real (> 10% F1) degradation lands "
        "near the story's 0.3",
        claimed={"psi_threshold": 0.3},
        measured={
            k: m[k] for k in ("psi_threshold", "roc_auc", "tpr_at_0_3", "fpr_at_0_3", "degraded_weeks")
        },
        tolerance=Tolerance(abs=0.1),
        relations=[("roc_auc", ">", 0.5)],
        unit="PSI",
        note="52 weekly points in the loop's view (PSI against the serving champion's training window, "
        "loss of that champion); the Youden threshold sits wherever the planted sizes leave a gap "
        "between harmless and harmful drift, so its value says more about our generator than about 0.3. "
        "Misses are the concept change (loss without input drift); false alarms are the gradual drift "
        "and the new category (drift without loss)",
        evidence=ev,
    )
