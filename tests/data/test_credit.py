import numpy as np
import pandas as pd
import pytest

from data.credit import (
    CATEGORICAL,
    EVENTS,
    FEATURES,
    NUMERIC,
    POLICY_PURPOSES,
    TARGET,
    gradual_strength,
    labels_available,
    sample_week,
    simulate_year,
    stuck_feature,
)


def test_same_seed_same_year():
    a = simulate_year(500, 100, np.random.default_rng(3), n_weeks=4)
    b = simulate_year(500, 100, np.random.default_rng(3), n_weeks=4)
    pd.testing.assert_frame_equal(a.reference, b.reference)
    for x, y in zip(a.weeks, b.weeks, strict=True):
        pd.testing.assert_frame_equal(x, y)


def test_columns_and_default_rate():
    ref = sample_week(-1, 20000, np.random.default_rng(0))
    assert list(ref.columns) == list(FEATURES) + [TARGET, "week"]
    assert ref[list(NUMERIC)].notna().all().all()
    assert 0.10 < ref[TARGET].mean() < 0.16


def test_policy_raises_dti_only_on_policy_loans():
    seed = 7
    before = sample_week(30, 20000, np.random.default_rng(seed), only=())
    after = sample_week(30, 20000, np.random.default_rng(seed), only=("dti_policy",))
    allowed = after["loan_purpose"].isin(POLICY_PURPOSES)
    gap = after["dti"] - before["dti"]
    assert (gap[~allowed].abs() < 1e-12).all()
    assert gap[allowed].between(0.15 - 1e-4, 0.30 + 1e-4).all()
    # the extra DTI carries no risk: same labels with and without the policy
    np.testing.assert_array_equal(after[TARGET], before[TARGET])


def test_unit_bug_divides_income_and_keeps_labels():
    a = sample_week(43, 1000, np.random.default_rng(1), only=())
    b = sample_week(43, 1000, np.random.default_rng(1), only=("unit_bug",))
    np.testing.assert_allclose(b["income"], a["income"] / 1000)
    np.testing.assert_array_equal(a[TARGET], b[TARGET])


def test_concept_change_moves_labels_not_inputs():
    a = sample_week(40, 20000, np.random.default_rng(2), only=())
    b = sample_week(40, 20000, np.random.default_rng(2), only=("concept",))
    pd.testing.assert_frame_equal(a[list(FEATURES)], b[list(FEATURES)])
    assert b[TARGET].mean() > a[TARGET].mean() + 0.02


def test_new_category_appears_only_from_its_week():
    assert "green_energy" not in set(sample_week(45, 3000, np.random.default_rng(0))["loan_purpose"])
    share = (sample_week(46, 20000, np.random.default_rng(0))["loan_purpose"] == "green_energy").mean()
    assert 0.08 < share < 0.12


def test_gradual_is_a_triangle():
    e = next(x for x in EVENTS if x.name == "gradual")
    assert gradual_strength(e.start - 1) == 0 and gradual_strength(e.end + 1) == 0
    assert gradual_strength(13) == 1.0
    assert gradual_strength(9) == pytest.approx(gradual_strength(17))


def test_three_incidents_are_planted():
    assert sorted(e.name for e in EVENTS if e.incident) == ["concept", "dti_policy", "unit_bug"]


def test_labels_arrive_late():
    assert not labels_available(10, 11, delay=2)
    assert labels_available(10, 12, delay=2)


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="week must be"):
        sample_week(52, 10, np.random.default_rng(0))
    with pytest.raises(ValueError, match="n must be"):
        sample_week(0, 0, np.random.default_rng(0))
    with pytest.raises(KeyError, match="unknown events"):
        sample_week(0, 10, np.random.default_rng(0), only=("nope",))
    with pytest.raises(KeyError, match="not in frame"):
        stuck_feature(pd.DataFrame({"a": [1]}), "b", 0)


def test_stuck_feature_copies():
    df = sample_week(0, 50, np.random.default_rng(0))
    out = stuck_feature(df, CATEGORICAL[0], "car")
    assert (out[CATEGORICAL[0]] == "car").all() and not (df[CATEGORICAL[0]] == "car").all()
