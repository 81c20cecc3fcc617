"""Ledger v2: relations decided on intervals, central vs supporting, the two new verdicts."""

import inspect

import numpy as np
import pytest

from systems.core.ledger import (
    Claim,
    Interval,
    Recompute,
    Relation,
    RelationResult,
    State,
    Tolerance,
    Verdict,
    explain,
    to_record,
    verdict,
)

TOL = Tolerance(abs=0.02)


def claim(**kw) -> Claim:
    return Claim(id="XX-01", statement="test claim", **kw)


def iv(lo, hi):
    return Interval(lo, hi, "test interval")


@pytest.mark.parametrize(
    ("op", "lo", "hi", "state"),
    [
        (">", 0.01, 0.03, State.HOLDS),
        (">", -0.03, -0.01, State.FAILS),
        (">", -0.01, 0.03, State.UNDECIDED),
        (">", 0.0, 0.03, State.UNDECIDED),  # touching zero is not "above"
        (">=", 0.0, 0.03, State.HOLDS),
        ("<", -0.03, -0.01, State.HOLDS),
        ("<", 0.01, 0.03, State.FAILS),
        ("<", -0.01, 0.01, State.UNDECIDED),
        ("<=", -0.02, 0.0, State.HOLDS),
    ],
)
def test_relation_decided_on_interval_of_difference(op, lo, hi, state):
    c = claim(measured={"a": 0.9, "b": 0.88}, relations=[Relation("a", op, "b", interval=iv(lo, hi))])
    assert c.relation_states()[0].state is state


def test_difference_inside_noise_is_inconclusive():
    # EN-03-like: the manual vote beats the uniform vote by 0.00004 AUC, SE 0.009
    c = claim(
        claimed={"auc_manual": 0.87},
        measured={"auc_manual": 0.8601, "auc_uniform": 0.86006},
        tolerance=TOL,
        relations=[Relation("auc_manual", ">", "auc_uniform", interval=iv(-0.018, 0.018))],
    )
    assert verdict(c) is Verdict.INCONCLUSIVE
    assert "UNDECIDED" in explain(c) and "[-0.018, 0.018]" in explain(c)


def test_interval_derived_from_figure_against_a_number():
    c = claim(measured={"fpr": 0.05}, intervals={"fpr": iv(0.03, 0.07)}, relations=[("fpr", "<", 0.06)])
    r = c.relation_states()[0]
    assert r.state is State.UNDECIDED
    assert (r.interval.low, r.interval.high) == pytest.approx((-0.03, 0.01))
    c2 = claim(measured={"fpr": 0.05}, intervals={"fpr": iv(0.03, 0.07)}, relations=[(0.1, ">", "fpr")])
    assert c2.relation_states()[0].state is State.HOLDS


def test_conservative_interval_from_two_separate_intervals():
    c = claim(
        measured={"a": 0.9, "b": 0.8},
        intervals={"a": iv(0.85, 0.95), "b": iv(0.75, 0.86)},
        relations=[("a", ">", "b")],
    )
    r = c.relation_states()[0]
    assert (r.interval.low, r.interval.high) == pytest.approx((-0.01, 0.2))
    assert r.state is State.UNDECIDED


def test_point_relation_says_point():
    c = claim(measured={"window": 256.0}, relations=[("window", "<", 512)])
    assert verdict(c) is Verdict.REPRODUCED
    assert "point" in explain(c)


def test_supporting_relation_cannot_rescue_a_false_central_one():
    # RAG-01-like: "512-token chunks fit the window" is false; overlap ordering holds
    c = claim(
        measured={"window": 256.0, "boundary_50": 0.9, "boundary_25": 0.8},
        relations=[Relation("window", ">=", 512), Relation("boundary_50", ">", "boundary_25", central=False)],
    )
    assert verdict(c) is Verdict.NOT_REPRODUCED
    assert "(supporting)" in explain(c)


def test_supporting_relation_failure_does_not_sink_the_claim():
    c = claim(
        measured={"a": 2.0, "b": 1.0}, relations=[("a", ">", "b"), Relation("b", ">", "a", central=False)]
    )
    assert verdict(c) is Verdict.REPRODUCED


def test_supporting_figure_off_does_not_change_verdict():
    c = claim(
        claimed={"auc": 0.9, "size_mb": 25.0},
        measured={"auc": 0.9, "size_mb": 3.0},
        tolerance=TOL,
        supporting=("size_mb",),
    )
    assert verdict(c) is Verdict.REPRODUCED
    c2 = claim(claimed={"auc": 0.9, "size_mb": 25.0}, measured={"auc": 0.9, "size_mb": 3.0}, tolerance=TOL)
    assert verdict(c2) is Verdict.NOT_REPRODUCED


def test_only_supporting_content_is_an_error():
    with pytest.raises(ValueError, match="central"):
        verdict(claim(measured={"a": 1.0, "b": 0.0}, relations=[Relation("a", ">", "b", central=False)]))


def test_by_construction_is_never_reproduced():
    c = claim(
        claimed={"churn_rate": 0.27},
        measured={"churn_rate": 0.27},
        tolerance=TOL,
        by_construction="the generator plants a 27% churn rate",
    )
    assert verdict(c) is Verdict.BY_CONSTRUCTION
    assert "by construction: the generator plants" in explain(c)
    assert to_record(c)["by_construction"].startswith("the generator")


def test_inconsistent_story_beats_by_construction():
    c = claim(
        claimed={"x": 1.0},
        measured={"x": 1.0},
        tolerance=TOL,
        by_construction="planted",
        checks=[Recompute("total", 220, 250)],
    )
    assert verdict(c) is Verdict.INCONSISTENT


def test_by_construction_needs_a_reason():
    with pytest.raises(ValueError, match="reason"):
        verdict(claim(claimed={"x": 1.0}, measured={"x": 1.0}, tolerance=TOL, by_construction=" "))


def test_failing_relation_beats_undecided():
    c = claim(
        measured={"a": 1.0, "b": 0.0, "c": 0.5},
        relations=[Relation("a", ">", "b", interval=iv(-0.1, 0.1)), ("c", ">", "a")],
    )
    assert verdict(c) is Verdict.NOT_REPRODUCED


def test_supporting_names_must_be_claimed_and_intervals_measured():
    with pytest.raises(ValueError, match="supporting"):
        verdict(claim(claimed={"a": 1.0}, measured={"a": 1.0}, tolerance=TOL, supporting=("b",)))
    with pytest.raises(KeyError, match="interval"):
        verdict(claim(measured={"a": 1.0}, intervals={"zz": iv(0, 1)}, relations=[("a", ">", 0)]))


def test_interval_rejects_bad_bounds():
    with pytest.raises(ValueError):
        Interval(1.0, 0.0, "x")
    with pytest.raises(ValueError):
        Interval(0.0, float("nan"), "x")
    with pytest.raises(ValueError):
        Interval(0.0, 1.0, " ")


def test_record_carries_source_state_and_interval():
    c = claim(measured={"a": 1.0, "b": 0.5}, relations=[Relation("a", ">", "b", interval=iv(0.1, 0.9))])
    rec = to_record(c)
    assert rec["source"].startswith("tests/core/test_ledger_v2.py:")
    rel = rec["relations"][0]
    assert rel["state"] == "holds" and rel["holds"] is True and rel["central"] is True
    assert rel["interval"] == {"low": 0.1, "high": 0.9, "level": 0.95, "method": "test interval"}


def test_source_from_a_function():
    def measure():
        return 1.0

    c = claim(measured={"a": measure()}, relations=[("a", ">", 0)], source=measure)
    assert c.source.startswith("tests/core/test_ledger_v2.py:")
    line = int(c.source.rsplit(":", 1)[1])
    assert "def measure" in open("tests/core/test_ledger_v2.py").read().splitlines()[line - 1]


def test_relations_appended_as_tuples_after_construction_still_work():
    c = claim(measured={"a": 1.0, "b": 0.0}, relations=[])
    c.relations.append(("a", ">", "b"))
    assert verdict(c) is Verdict.REPRODUCED
    assert np.isclose(c.relation_states()[0].difference, 1.0)


def test_failing_check_is_not_excused_by_construction():
    c = claim(
        claimed={"hit_rate": 0.35},
        measured={"hit_rate": 0.35, "stale": 1.0},
        tolerance=TOL,
        relations=[("stale", "<=", 0)],
        by_construction="the replayed log sets the hit rate",
    )
    assert verdict(c) is Verdict.NOT_REPRODUCED
    ok = claim(
        claimed={"hit_rate": 0.35},
        measured={"hit_rate": 0.35, "stale": 0.0},
        tolerance=TOL,
        relations=[("stale", "<=", 0)],
        by_construction="the replayed log sets the hit rate",
    )
    assert verdict(ok) is Verdict.BY_CONSTRUCTION


def test_relation_results_say_holds_only_for_held_relations():
    c = claim(
        measured={"a": 1.0, "b": 2.0},
        relations=[("a", "<", "b"), ("a", ">", "b")],
        intervals={"a": iv(0.5, 1.5)},
    )
    assert c.relation_results() == [("a < b", True), ("a > b", False)]


# Boundaries of the interval rule, worked out by hand from d = a - b:
# "a > b" needs every d > 0 (low > 0) to hold and fails once every d <= 0 (high <= 0);
# "a >= b" holds once every d >= 0 and fails only when every d < 0. "<" and "<=" mirror them.
@pytest.mark.parametrize(
    ("op", "lo", "hi", "state"),
    [
        (">", -0.03, 0.0, State.FAILS),  # no d above 0: "a > b" is false everywhere
        (">=", -0.03, 0.0, State.UNDECIDED),  # d = 0 still satisfies ">="
        (">=", -0.03, -0.01, State.FAILS),
        (">=", -0.01, 0.03, State.UNDECIDED),
        ("<", 0.0, 0.03, State.FAILS),  # no d below 0: "a < b" is false everywhere
        ("<", -0.03, 0.0, State.UNDECIDED),  # touching zero is not "below"
        ("<=", 0.0, 0.03, State.UNDECIDED),  # d = 0 still satisfies "<="
        ("<=", 0.01, 0.03, State.FAILS),
        ("<=", -0.03, -0.01, State.HOLDS),
    ],
)
def test_relation_interval_boundaries_at_zero(op, lo, hi, state):
    c = claim(measured={"a": 0.9, "b": 0.88}, relations=[Relation("a", op, "b", interval=iv(lo, hi))])
    assert c.relation_states()[0].state is state


def test_number_against_figure_uses_the_mirrored_interval():
    # 0.06 > fpr with fpr in [0.03, 0.07] (90%): d = 0.06 - fpr lies in [0.06 - 0.07, 0.06 - 0.03]
    # = [-0.01, 0.03], so the point values (0.06 > 0.05) hold but the relation is undecided.
    c = claim(
        measured={"fpr": 0.05},
        intervals={"fpr": Interval(0.03, 0.07, "exact", level=0.9)},
        relations=[(0.06, ">", "fpr")],
    )
    r = c.relation_states()[0]
    assert r.state is State.UNDECIDED
    assert (r.interval.low, r.interval.high) == pytest.approx((0.06 - 0.07, 0.06 - 0.03))
    assert r.interval.level == 0.9 and r.interval.method == "exact"


def test_number_against_figure_without_interval_is_decided_on_points():
    c = claim(measured={"fpr": 0.05}, relations=[(0.06, ">", "fpr")])
    r = c.relation_states()[0]
    assert r.state is State.HOLDS and r.interval is None
    assert r.values == (0.06, 0.05)


def test_shifted_interval_keeps_its_level():
    # fpr < 0.06 with fpr in [0.03, 0.07] at 80%: d = fpr - 0.06 in [-0.03, 0.01], same level
    c = claim(
        measured={"fpr": 0.05},
        intervals={"fpr": Interval(0.03, 0.07, "exact", level=0.8)},
        relations=[("fpr", "<", 0.06)],
    )
    assert c.relation_states()[0].interval.level == 0.8


def test_conservative_interval_takes_the_lower_level():
    c = claim(
        measured={"a": 0.9, "b": 0.8},
        intervals={"a": Interval(0.85, 0.95, "boot", 0.9), "b": Interval(0.75, 0.86, "boot", 0.8)},
        relations=[("a", ">", "b")],
    )
    assert c.relation_states()[0].interval.level == 0.8


def test_undecided_relation_with_a_figure_off_is_not_reproduced():
    c = claim(
        claimed={"auc_manual": 0.95},
        measured={"auc_manual": 0.8601, "auc_uniform": 0.86006},
        tolerance=TOL,
        intervals={"auc_manual": iv(0.84, 0.88)},
        relations=[Relation("auc_manual", ">", "auc_uniform", interval=iv(-0.018, 0.018))],
    )
    assert verdict(c) is Verdict.NOT_REPRODUCED


@pytest.mark.parametrize(
    ("lo", "hi", "level", "message"),
    [
        (float("-inf"), 0.0, 0.95, r"^Interval bounds must be finite, got \[-inf, 0.0\]$"),
        (0.0, float("inf"), 0.95, r"^Interval bounds must be finite, got \[0.0, inf\]$"),
        (1.0, 0.5, 0.95, r"^Interval low 1.0 > high 0.5$"),
        (0.0, 1.0, 0.0, r"^Interval level must be in \(0, 1\), got 0.0$"),
        (0.0, 1.0, 1.0, r"^Interval level must be in \(0, 1\), got 1.0$"),
    ],
)
def test_interval_errors_name_the_problem(lo, hi, level, message):
    with pytest.raises(ValueError, match=message):
        Interval(lo, hi, "x", level)


def test_interval_needs_a_method_and_may_be_a_single_point():
    with pytest.raises(ValueError, match=r"^Interval needs a method \(how it was computed\)$"):
        Interval(0.0, 1.0, " ")
    point = Interval(0.5, 0.5, "exact count", level=0.5)
    assert (point.low, point.high, point.level) == (0.5, 0.5, 0.5)


def test_non_interval_in_intervals_is_a_type_error():
    with pytest.raises(TypeError, match=r"XX-01: intervals\['a'\] must be an Interval, got \(0, 1\)"):
        verdict(claim(measured={"a": 1.0}, intervals={"a": (0, 1)}, relations=[("a", ">", 0)]))


def test_a_valid_interval_passes_validation():
    c = claim(measured={"a": 1.0}, intervals={"a": iv(0.5, 1.5)}, relations=[("a", ">", 0)])
    assert verdict(c) is Verdict.REPRODUCED  # d = a - 0 in [0.5, 1.5], all above 0


@pytest.mark.parametrize(
    ("result", "text"),
    [
        (RelationResult("a > b", State.HOLDS, True, None, 0.5, (1.0, 0.5)), "a > b: holds (point: 1 vs 0.5)"),
        (
            RelationResult("a > b", State.FAILS, False, None, -0.5, (0.5, 1.0)),
            "a > b (supporting): FAILS (point: 0.5 vs 1)",
        ),
        (
            RelationResult("a < b", State.UNDECIDED, True, Interval(-0.1, 0.2, "boot", 0.9), 0.05),
            "a < b: UNDECIDED (a - b = 0.05, 90% [-0.1, 0.2], boot)",
        ),
    ],
)
def test_relation_result_describe(result, text):
    assert result.describe() == text


def test_source_skips_library_frames_between_the_ledger_and_our_code():
    # dataclasses.replace builds the new Claim from inside the standard library (as a decorator's
    # wrapper or a test tool's trampoline would): the source is still the line of ours calling it
    import dataclasses

    base = claim(measured={"a": 1.0}, relations=[("a", ">", 0)])
    c = dataclasses.replace(base, source=None)  # the line the source must name
    line = inspect.currentframe().f_lineno - 1
    assert c.source == f"tests/core/test_ledger_v2.py:{line}"
