import numpy as np
import pandas as pd
import pytest

from systems.drift.rules import (
    central_width,
    collapse_alert,
    consecutive,
    f1_alerts,
    mean_shift_alert,
    pipeline_faults,
    psi_level,
)


def test_psi_levels():
    assert [psi_level(p, 0.2, 0.3) for p in (0.1, 0.2, 0.25, 0.3, 0.31)] == [
        "ok",
        "ok",
        "investigate",
        "investigate",
        "retrain",
    ]
    assert psi_level(0.27, 0.2, 0.25) == "retrain"  # the glossary's 0.25 as retrain level
    with pytest.raises(ValueError, match="must not exceed"):
        psi_level(0.1, 0.3, 0.2)


def test_consecutive_needs_an_unbroken_streak():
    flags = [1, 1, 0, 1, 1, 1, 1, 0]
    np.testing.assert_array_equal(consecutive(flags, 3), [0, 0, 0, 0, 0, 1, 1, 0])
    with pytest.raises(ValueError):
        consecutive(flags, 0)


def test_f1_rule_three_windows_five_percent():
    base = 0.5
    series = [0.49, 0.47, 0.47, 0.476, 0.47, 0.47, 0.47]  # 0.476 is not below 0.475
    np.testing.assert_array_equal(f1_alerts(series, base), [0, 0, 0, 0, 0, 0, 1])


def test_mean_shift_and_collapse():
    assert not mean_shift_alert(0.10, 0.104) and mean_shift_alert(0.10, 0.106)
    rng = np.random.default_rng(0)
    healthy = rng.beta(1, 6, 1000)
    assert not collapse_alert(healthy, 0.02)
    assert collapse_alert(np.full(1000, 0.13) + rng.normal(0, 0.001, 1000), 0.02)
    assert central_width(np.linspace(0, 1, 10001)) == pytest.approx(0.95)
    with pytest.raises(ValueError, match="no predictions"):
        central_width([])


def test_pipeline_faults():
    rep = pd.DataFrame(
        {
            "feature": ["a", "b", "c", "d"],
            "kind": ["numeric", "numeric", "numeric", "categorical"],
            "out_of_range": [0.9, 0.1, 0.0, 0.9],
            "constant": [False, False, True, False],
            "null_rate": [0.0, 0.0, 0.0, 0.0],
        }
    )
    assert pipeline_faults(rep) == ["a", "c"]
