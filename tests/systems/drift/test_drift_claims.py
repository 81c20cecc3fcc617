"""Claims read what the run did: a missing step is a verdict with a reason, not an exception."""

from dataclasses import replace

from data.credit import Event
from systems.core.ledger import Interval, Verdict, explain, verdict
from systems.drift import claims
from systems.drift.experiment import planned, policy_retrain, quiet_weeks
from systems.drift.results import DtiStory, Incidents

POLICY = Event("dti_policy", 26, 51, ("dti",), True, "policy")


def _retrain(week, train_weeks):
    return {"event": "retrain", "week": week, "train_weeks": train_weeks, "version": "v0009"}


def test_policy_retrain_is_the_first_one_on_post_policy_weeks():
    log = [
        _retrain(27, [23, 24]),  # after the change but trained on weeks before it
        {"event": "trigger", "week": 28, "reason": "psi"},
        _retrain(32, [28, 29]),
        _retrain(40, [36, 37]),
    ]
    assert policy_retrain(log, POLICY)["week"] == 32
    assert policy_retrain(log[:2], POLICY) is None
    assert policy_retrain([], POLICY) is None


def _dti(retrained: bool, gain_interval: Interval | None = None) -> DtiStory:
    return DtiStory(
        approval_gain=0.07 if retrained else 0.0,
        dti_detected=1.0,
        dti_detect_delay=0.0,
        retrained_on_policy_data=float(retrained),
        retrain_week=30.0 if retrained else -1.0,
        promoted_week=33.0 if retrained else -1.0,
        old_approval=0.8,
        new_approval=0.86 if retrained else 0.0,
        default_rate=0.08,
        intervals={} if gain_interval is None else {"approval_gain": gain_interval},
    )


def test_dr06_without_a_retrain_is_not_reproduced_and_says_why():
    c = claims.dr06(_dti(False), [])
    assert verdict(c) is Verdict.NOT_REPRODUCED
    assert "no retrain followed the policy change on this draw" in explain(c)


def test_dr06_with_a_retrain_is_by_construction_and_shows_an_undecided_gain():
    ok = claims.dr06(_dti(True, Interval(0.03, 0.11, "test")), [])
    assert verdict(ok) is Verdict.BY_CONSTRUCTION  # the gain's size is planted: never "reproduced"
    unsure = claims.dr06(_dti(True, Interval(-0.01, 0.11, "test")), [])
    assert verdict(unsure) is Verdict.BY_CONSTRUCTION and "UNDECIDED" in explain(unsure)


def test_dr09_missed_incident_is_not_reproduced_even_though_planted():
    missed = Incidents(
        incidents_caught=2.0,
        incidents_planted=3.0,
        incidents_caught_over_10pct=2.0,
        incidents_over_10pct=2.0,
        min_incident_cost=0.102,
        monitor_false_alarm_weeks=0.0,
        intervals={"min_incident_cost": Interval(0.06, 0.14, "test")},
    )
    assert verdict(claims.dr09(missed, [])) is Verdict.NOT_REPRODUCED
    all_caught = replace(missed, incidents_caught=3.0, intervals={})
    assert verdict(claims.dr09(all_caught, [])) is Verdict.BY_CONSTRUCTION


def test_event_weeks_come_from_the_plan():
    plan = (POLICY, Event("gradual", 2, 4, ("utilization",), False, "g"))
    assert planned(plan, "gradual").start == 2
    assert quiet_weeks(plan, 10) == [0, 1, 7, 8, 9]
