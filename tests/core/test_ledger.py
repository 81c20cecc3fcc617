"""The verdict function: one test per branch, plus the story-contradicts-itself case."""

import pytest

from systems.core.ledger import (
    Claim,
    Recompute,
    Tolerance,
    Verdict,
    explain,
    seed_determined,
    to_record,
    verdict,
)

TOL = Tolerance(abs=0.02)


def claim(**kw) -> Claim:
    return Claim(id="XX-01", statement="test claim", **kw)


def test_reproduced_when_figures_within_tolerance_and_relations_hold():
    c = claim(
        claimed={"auc": 0.92},
        measured={"auc": 0.91, "auc_base": 0.85},
        tolerance=TOL,
        relations=[("auc", ">", "auc_base")],
    )
    assert verdict(c) is Verdict.REPRODUCED


def test_direction_holds_when_ordering_right_but_size_off():
    c = claim(
        claimed={"auc": 0.92},
        measured={"auc": 0.86, "auc_base": 0.85},
        tolerance=TOL,
        relations=[("auc", ">", "auc_base")],
    )
    assert verdict(c) is Verdict.DIRECTION_HOLDS


def test_not_reproduced_when_relation_fails_even_if_figure_matches():
    c = claim(
        claimed={"auc": 0.92},
        measured={"auc": 0.92, "auc_base": 0.95},
        tolerance=TOL,
        relations=[("auc", ">", "auc_base")],
    )
    assert verdict(c) is Verdict.NOT_REPRODUCED


def test_not_reproduced_when_figure_off_and_no_direction_stated():
    c = claim(claimed={"auc": 0.92}, measured={"auc": 0.70}, tolerance=TOL)
    assert verdict(c) is Verdict.NOT_REPRODUCED


def test_relation_against_a_constant():
    c = claim(measured={"recall": 0.4}, relations=[("recall", ">=", 0.5)])
    assert verdict(c) is Verdict.NOT_REPRODUCED
    c.measured["recall"] = 0.5
    assert verdict(c) is Verdict.REPRODUCED


def test_inconsistent_claim_when_story_arithmetic_disagrees():
    # RAG-05: the story prints 1/62 as 0.0159; it is 0.016129...
    c = claim(
        checks=[Recompute("rrf_c", stated=0.0159, recomputed=1 / 62, tolerance=Tolerance(abs=5e-5))],
        claimed={"auc": 0.9},
        measured={"auc": 0.9},
        tolerance=TOL,
    )
    assert verdict(c) is Verdict.INCONSISTENT
    assert "DISAGREES" in explain(c)


def test_consistent_story_arithmetic_alone_is_reproduced():
    # CH-07: F1 = 2PR/(P+R) with P=0.86, R=0.83 is 0.8447, the story says 0.845
    p, r = 0.86, 0.83
    c = claim(checks=[Recompute("f1", stated=0.845, recomputed=2 * p * r / (p + r))])
    assert verdict(c) is Verdict.REPRODUCED


def test_out_of_scope_needs_a_reason():
    assert verdict(claim(scope_reason="business outcome")) is Verdict.OUT_OF_SCOPE
    with pytest.raises(ValueError, match="needs a reason"):
        verdict(claim(scope_reason="  "))


def test_relative_tolerance():
    c = claim(claimed={"ms": 25.0}, measured={"ms": 27.0}, tolerance=Tolerance(rel=0.1))
    assert verdict(c) is Verdict.REPRODUCED
    c.measured["ms"] = 28.0
    assert verdict(c) is Verdict.NOT_REPRODUCED


@pytest.mark.parametrize(
    "bad",
    [
        dict(claimed={"auc": 0.9}, measured={}, tolerance=TOL),  # missing measurement
        dict(claimed={"auc": 0.9}, measured={"auc": float("nan")}, tolerance=TOL),
        dict(claimed={"auc": 0.9}, measured={"auc": 0.9}),  # no tolerance
        dict(measured={"a": 1.0}),  # nothing to judge
        dict(measured={"a": 1.0}, relations=[("a", "~", 2)]),  # unknown operator
        dict(measured={"a": 1.0}, relations=[("a", ">", "b")]),  # unmeasured name
    ],
)
def test_malformed_claims_raise_instead_of_getting_a_verdict(bad):
    with pytest.raises((ValueError, KeyError)):
        verdict(claim(**bad))


def test_tolerance_rejects_negative_and_empty():
    with pytest.raises(ValueError):
        Tolerance()
    with pytest.raises(ValueError):
        Tolerance(abs=-1)


def test_record_has_the_fields_scripts_rely_on():
    c = claim(claimed={"auc": 0.92}, measured={"auc": 0.80}, tolerance=TOL, note="smaller data")
    rec = to_record(c)
    assert {"id", "verdict", "claimed", "measured", "reason"} <= rec.keys()
    assert rec["verdict"] == "not-reproduced"
    assert "claimed 0.92" in rec["reason"] and "smaller data" in rec["reason"]


def test_seed_determined_drops_only_what_timed_claims_measured():
    fixed = claim(claimed={"auc": 0.9}, measured={"auc": 0.9}, tolerance=TOL)
    timed = Claim("XX-02", "latency", measured={"ms": 3.1}, relations=[("ms", "<", 25)], timed=True)
    records = [to_record(fixed), to_record(timed)]
    assert records[1]["timed"] is True and records[0]["timed"] is False
    assert seed_determined(records) == [records[0], {"id": "XX-02", "timed": True}]


def test_reason_has_no_doubled_period_when_a_note_ends_with_one():
    c = claim(claimed={"auc": 0.92}, measured={"auc": 0.92}, tolerance=TOL, note="measured on test rows.")
    assert explain(c).endswith("measured on test rows")
