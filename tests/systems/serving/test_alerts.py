"""The alert rules on hand-made streams (exact minutes) and on the planted replay."""

import numpy as np

from systems.serving import alerts


def test_latency_rule_needs_five_consecutive_bad_minutes():
    p95 = np.full(30, 50.0)
    p95[3:7] = 150  # 4 minutes: no alert
    p95[10:16] = 150  # 6 minutes: alerts at the 5th and 6th
    fire = alerts.latency_alert(p95)
    assert np.flatnonzero(fire).tolist() == [14, 15]


def test_accuracy_rule_fires_on_a_relative_drop_over_five_percent():
    correct = np.ones((120, 100), dtype=np.int8)
    correct[:, :10] = 0  # accuracy 0.90 = baseline
    assert not alerts.accuracy_alert(correct, 0.90).any()
    correct[60:, 10:16] = 0  # accuracy 0.84 from minute 60: 6.7% below
    fire = alerts.accuracy_alert(correct, 0.90)
    assert fire[119] and not fire[59]


def test_replay_fires_on_the_incidents_it_should_and_only_those():
    out = alerts.evaluate(alerts.replay(45.0, 0.85, seed=0))
    assert out.fired == {
        "latency spike 3 min": False,
        "latency incident 12 min": True,
        "accuracy -3%": False,
        "accuracy -10%": True,
    }
    assert out.delay_min["latency incident 12 min"] == 4 and out.false_alert_minutes == 0
