"""One function per claim id: the story's figures (with their source) and our measurement.

Each claim takes the typed result of the stage that measured it (``results.py``, filled by
``experiment.py``): its figures are the claim's measured values and its ``intervals`` the
intervals of the noisy ones; nothing here is a result. Notes that describe an outcome
are written from the measured values, so they say what happened on this draw.
The stories the figures come from are not part of this repository; each claim states them.

Ledger v2 rules applied here: a relation between a sampled figure and a line is decided on
the figure's interval; counts of what the loop did in this run (triggers, retrains,
caught events) are exact for the run and decided on their point values; side facts are
``central=False``; figures the generator plants are ``by_construction``.
"""

from __future__ import annotations

from systems.core.ledger import Claim, Relation, Tolerance
from systems.drift.results import (
    ConceptStudy,
    DtiStory,
    GateDemo,
    Incidents,
    LoopCounts,
    PredictionFaults,
    PsiLevels,
    RocStudy,
    SampleSize,
    SignificanceRules,
    Skips,
)


def dr01(r: PsiLevels, ev: list[str]) -> Claim:
    # 004 pipeline story, follow-up 2 (PSI over 10 deciles; 0.2 investigate, 0.3 retrain);
    # the same story's glossary line says 0.25
    same = r.weeks_over_0_25 == r.weeks_over_0_3
    return Claim(
        "DR-01",
        "PSI over 10 reference-decile bins: > 0.2 investigate, > 0.3 retrain; the thresholds "
        "separate planted drift from weekly sampling noise",
        measured=r.figures(),
        intervals=r.intervals,
        relations=[("psi_max_quiet", "<", 0.2), ("psi_dti_policy_onset", ">", 0.3)],
        unit="PSI",
        note="psi_max_quiet is the worst (week, feature) cell over the quiet weeks, its interval that "
        "cell's sampling noise; the story states 0.3 as the retrain threshold four times and 0.25 once, in "
        "a glossary example, read as a loose example (no Recompute): on this draw "
        + ("the same weeks cross both" if same else "the two lines trigger on different numbers of weeks")
        + "; 12 features monitored, not the story's top 20",
        evidence=ev,
    )


def dr02(r: SignificanceRules, ev: list[str]) -> Claim:
    # 000 Q9 (MONITOR_Q2): KS for numeric, chi-square for categorical; p < 0.05 warning,
    # p < 0.01 for 3 consecutive weeks critical
    caught, n_in = int(r.critical_input_events_detected), int(r.input_events)
    return Claim(
        "DR-02",
        "KS (numeric) and chi-square (categorical) weekly; warning at p < 0.05, critical at "
        "p < 0.01 for 3 consecutive weeks",
        measured=r.figures(),
        intervals=r.intervals,
        relations=[
            Relation("critical_false_alarm_share", "<", "warning_false_alarm_share"),
            ("critical_input_events_detected", ">=", "input_events"),
        ],
        unit="weeks / share of weeks",
        note=f"the critical rule caught {caught} of {n_in} events that move an input (benign ones count) "
        f"and {int(r.critical_concept_detected)} of the label-only events, which no input test can see; "
        "false-alarm shares are unexplained alert weeks over the year's weeks (Wilson intervals)",
        evidence=ev,
    )


def dr03(r: SampleSize, ev: list[str]) -> Claim:
    # story: 10,000 recent predictions sampled daily
    return Claim(
        "DR-03",
        "with 10,000 sampled rows a negligible shift stays below the critical KS level; the "
        "p-value alone flags it once n is large, PSI does not",
        measured=r.figures(),
        intervals=r.intervals,
        relations=[
            ("ks_p_median_at_10000", ">", 0.01),
            ("ks_p_median_at_max_n", "<", 0.01),
            Relation("psi_median_at_max_n", "<", 0.2, central=False),
        ],
        unit="p-value / PSI",
        note="the shift (0.05 sd) was fixed before running as 'negligible' (a quarter of Cohen's small "
        "effect); medians over repeated draws, intervals by bootstrap over the repeats; a larger shift "
        "moves the crossing n down",
        evidence=ev,
    )


def dr04(r: ConceptStudy, ev: list[str]) -> Claim:
    # 004 drift-detection story (F1 > 5% below baseline for 3 consecutive days);
    # 000 Q9 (reliability diagrams; monthly challenge set, alert if AUC < 0.75)
    fired = r.f1_rule_detected >= 1
    when = (
        f"the F1 rule fired {int(r.f1_rule_delay_weeks)} weeks after the change (label delay included)"
        if fired
        else "the F1 rule did not fire after the change on this draw"
    )
    return Claim(
        "DR-04",
        "concept drift (inputs stable) is caught from delayed labels: F1 > 5% below baseline for 3 "
        "consecutive windows; calibration drifts; challenge-set AUC < 0.75",
        measured=r.figures(),
        intervals=r.intervals,
        relations=[
            ("f1_rule_detected", ">=", 1),
            ("psi_max_concept", "<", 0.2),
            ("ece_after", ">", "ece_before"),
            Relation("challenge_auc_after", "<", 0.75, central=False),
        ],
        unit="weeks / ECE",
        note=f"run on a stream where only the concept event is planted; {when}; the challenge-set AUC "
        "depends on the planted shock size, so it is supporting",
        evidence=ev,
    )


def dr05(r: PredictionFaults, ev: list[str]) -> Claim:
    # 004 pipeline story, follow-up 16 (95% of predictions in a narrow range = collapse);
    # 004 drift-detection story (prediction drift); mean shift > 5%
    return Claim(
        "DR-05",
        "prediction drift alert (mean prediction moves > 5%) and collapse alert (95% of predictions "
        "in a narrow range) fire on injected cases and not on a clean batch",
        measured=r.figures(),
        relations=[
            ("mean_alert_injected", ">", "mean_alert_clean"),
            ("collapse_alert_injected", ">", "collapse_alert_clean"),
            Relation("mean_alert_quiet_weeks", "<=", 0, central=False),
        ],
        unit="alert (0/1)",
        note="alerts are exact 0/1 outcomes of the rule on the batches named (point); the injected faults "
        f"are the planted unit bug and a batch filled with training medians; the mean-shift alert fired on "
        f"{int(r.mean_alert_quiet_weeks)} quiet weeks of the year",
        evidence=ev,
    )


def dr06(r: DtiStory, ev: list[str]) -> Claim:
    # story: month-6 DTI drift after a policy change; retraining on recent data raised
    # approval rate 8% at the same default rate
    if r.retrained_on_policy_data < 1:
        story = (
            "no retrain followed the policy change on this draw (no retrain learned from post-policy weeks)"
        )
        relations = [("retrained_on_policy_data", ">=", 1), ("dti_detect_delay", "<=", 1)]
    else:
        promoted = (
            f"promoted at week {int(r.promoted_week)}"
            if r.promoted_week >= 0
            else "not promoted (it lacked the champion/challenger margin)"
        )
        story = f"the loop retrained on post-policy weeks at week {int(r.retrain_week)}, {promoted}"
        relations = [
            ("retrained_on_policy_data", ">=", 1),
            ("dti_detect_delay", "<=", 1),
            ("approval_gain", ">", 0),
        ]
    return Claim(
        "DR-06",
        "the month-6 DTI policy shift is detected; retraining on recent data raises approvals at the "
        "same default rate by 8%",
        claimed={"approval_gain": 0.08},
        measured=r.figures(),
        intervals=r.intervals,
        tolerance=Tolerance(abs=0.04),
        relations=relations,
        by_construction="the gain's size follows from the policy the generator plants (reported DTI "
        "+0.15..0.30 on 55% of loans, no added risk); what is evidence is that the shift was detected, a "
        "retrain on post-policy data happened and its gain is above zero",
        unit="relative approval gain",
        note=story + "; the gain is read as relative (approvals x 1.08)",
        evidence=ev,
    )


def dr07(gates: GateDemo, loop: LoopCounts, ev: list[str]) -> Claim:
    # 004 pipeline story, follow-ups 3, 5, 6: trigger file with drifted features and PSI;
    # F1 >= baseline - 2%, predictions in [0, 1], not degenerate, p95 < 100 ms; promote if F1 > champion + 1%
    shown = {
        "gate_f1_failed": gates.gate_f1_failed,
        "gate_range_failed": gates.gate_range_failed,
        "gate_spread_failed": gates.gate_spread_failed,
        "gate_latency_failed": gates.gate_latency_failed,
        "cc_not_promoted": loop.cc_not_promoted,
        "crash_registry_intact": gates.crash_registry_intact,
        "crash_trigger_kept": gates.crash_trigger_kept,
        "psi_triggers_with_features": loop.psi_triggers_with_features,
        "promotions": loop.promotions,
        "rollback_ok": gates.rollback_ok,
    }
    return Claim(
        "DR-07",
        "PSI > 0.3 writes a trigger; retrain; validation suite; challenger promoted only if F1 > "
        "champion + 1%; each gate shown failing once",
        measured=shown | {"p95_latency_under_100ms": gates.p95_latency_under_100ms},
        relations=[(k, ">=", 1) for k in shown]
        + [Relation("p95_latency_under_100ms", ">=", 1, central=False)],
        unit="count (1 = yes)",
        timed=True,
        note="counts of what this run did (point); gates fail on deliberately broken challengers (shuffled "
        "labels, log-odds served as probabilities, a constant model, a 120 ms sleep); the non-promotions "
        "come from the year's loop and the demo; timed because the latency gate and the champion's p95 "
        "(in latency.md) are wall-clock",
        evidence=ev,
    )


def dr08(r: Skips, ev: list[str]) -> Claim:
    # 004 pipeline story, follow-up 25 (and cost answer): data drift < 5% keeps the cached model
    during = int(r.skipped_during_incident)
    why = (
        f"{during} skip(s) fell during an incident: input drift cannot see a concept change, so a skip rule "
        "on input drift alone also skips retrains the incident needed (the F1 rule covers those)"
        if during
        else "no skip fell during an incident on this draw"
    )
    return Claim(
        "DR-08",
        "retraining is skipped when drift is below 5% (max feature TVD) and nothing is lost",
        measured=r.figures(),
        intervals=r.intervals,
        relations=[
            ("skipped", ">=", 1),
            ("mean_gain_skipped", "<", 0.01),
            Relation("mean_gain_skipped_no_incident", "<", 0.01, central=False),
        ],
        unit="relative F1 gain",
        note="'drift' read as total variation distance (share of rows that change bin); gain is the "
        "counterfactual retrained-minus-champion F1 on the next two weeks, relative, its interval a t "
        f"interval over the skipped opportunities; {why}",
        evidence=ev,
    )


def dr09(r: Incidents, ev: list[str]) -> Claim:
    # story: prevented 3 major incidents that would have cost 10%+ performance
    over, planted = int(r.incidents_over_10pct), int(r.incidents_planted)
    return Claim(
        "DR-09",
        "a year with 3 planted incidents (> 10% F1 loss each if undetected): all caught",
        claimed={"incidents_caught": 3},
        measured=r.figures(),
        intervals=r.intervals,
        tolerance=Tolerance(abs=0),
        relations=[
            ("incidents_caught", ">=", "incidents_planted"),
            Relation("min_incident_cost", ">", 0.10, central=False),
        ],
        by_construction="the generator plants exactly 3 incidents and sizes them to cost about 10% or "
        "more, so the count 3 is an input; what is measured is whether each planted incident was caught",
        unit="incidents",
        note=f"re-measured: {over} of {planted} incidents cost more than 10% with the whole paired-bootstrap "
        "interval of their loss above the bar (the cheapest is shown as min_incident_cost); caught = any "
        "deployed alert (PSI > 0.3, pipeline fault, prediction drift, F1 rule, challenge AUC) while it lasts",
        evidence=ev,
    )


def dr10(r: RocStudy, ev: list[str]) -> Claim:
    # 004 drift-detection story: thresholds from ROC analysis of drift vs real degradation over 12 months
    none = (
        ""
        if r.roc_defined >= 1
        else "; no ROC exists on this draw (every week or none was degraded), so no threshold was chosen"
    )
    return Claim(
        "DR-10",
        "a PSI threshold chosen by ROC of weekly max PSI against real (> 10% F1) degradation lands "
        "near the story's 0.3",
        claimed={"psi_threshold": 0.3},
        measured={k: v for k, v in r.figures().items() if k != "roc_auc_fixed_view"},  # contrast only
        intervals=r.intervals,
        tolerance=Tolerance(abs=0.1),
        relations=[("roc_defined", ">=", 1), ("roc_auc", ">", 0.5)],
        unit="PSI",
        note="52 weekly points in the loop's view (PSI against the serving champion's training window, "
        "loss of that champion); the Youden threshold sits wherever the planted sizes leave a gap "
        "between harmless and harmful drift, so its value says more about our generator than about 0.3; "
        f"{int(r.degraded_weeks)} weeks were degraded" + none,
        evidence=ev,
    )
