"""The verdict function: one test per branch, plus the story-contradicts-itself case."""

import pytest

from systems.core.ledger import (
    Claim,
    Interval,
    Recompute,
    Relation,
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


def test_tolerance_errors_name_the_problem():
    with pytest.raises(ValueError, match=r"^Tolerance needs abs= or rel= \(or both\)$"):
        Tolerance()
    with pytest.raises(ValueError, match=r"^Tolerance\.abs must be a finite number >= 0, got -1$"):
        Tolerance(abs=-1)
    with pytest.raises(ValueError, match=r"^Tolerance\.rel must be a finite number >= 0, got inf$"):
        Tolerance(rel=float("inf"))


def test_relative_tolerance_includes_its_boundary():
    # |5 - 4| = 1 = 0.25 * |4| exactly (all values are exact in binary): within, as "<=" says
    assert Tolerance(rel=0.25).holds(claimed=4.0, measured=5.0)
    assert not Tolerance(rel=0.25).holds(claimed=4.0, measured=5.5)


@pytest.mark.parametrize(
    ("tol", "text"),
    [
        (Tolerance(abs=0.02), "abs 0.02"),
        (Tolerance(rel=0.1), "rel 10%"),
        (Tolerance(abs=0.02, rel=0.1), "abs 0.02 or rel 10%"),
    ],
)
def test_tolerance_describe(tol, text):
    assert tol.describe() == text


@pytest.mark.parametrize(
    ("bad", "error", "message"),
    [
        (
            dict(claimed={"auc": 0.9}, measured={"auc": 0.9}),
            ValueError,
            "XX-01: claimed figures need a tolerance",
        ),
        (
            dict(claimed={"auc": 0.9}, tolerance=TOL),
            KeyError,
            "XX-01: claimed figure 'auc' has no measurement",
        ),
        (
            dict(measured={"a": 1.0}),
            ValueError,
            r"XX-01: nothing to judge \(no figures, relations or checks\)",
        ),
        (
            dict(claimed={"auc": 0.9}, measured={"auc": float("nan")}, tolerance=TOL),
            ValueError,
            "XX-01: measured 'auc' must be a finite number, got nan",
        ),
        (
            dict(measured={"a": 1.0}, relations=[("a", ">", "b")]),
            KeyError,
            r"XX-01: relation names 'b', which was not measured \(measured: \['a'\]\)",
        ),
        (
            dict(measured={"a": 1.0}, relations=[("a", "~", 2)]),
            ValueError,
            r"unknown relation operator '~'; use one of \['>', '>=', '<', '<='\]",
        ),
    ],
)
def test_malformed_claim_errors_name_the_claim_and_the_problem(bad, error, message):
    with pytest.raises(error, match=message):
        verdict(claim(**bad))


def rich_claim() -> Claim:
    """Direction holds: auc is off (|0.8 - 0.9| = 0.1 > 0.02 and > 10% of 0.9), both relations hold."""
    return claim(
        claimed={"auc": 0.9, "size_mb": 25.0},
        measured={"auc": 0.8, "size_mb": 24.0, "auc_base": 0.7},
        tolerance=Tolerance(abs=0.02, rel=0.1),
        supporting=["size_mb"],
        intervals={"auc": Interval(0.75, 0.85, "bootstrap", level=0.9)},
        relations=[("auc", ">", "auc_base"), ("auc", ">", 0.5), Relation("size_mb", "<", 20, central=False)],
        checks=[Recompute("f1", stated=0.5, recomputed=0.5)],
        unit="AUC",
        note="plotted in figure X.",
        evidence=["plots/auc.png"],
        source="systems/x/claims.py:12",
    )


# The reason, part by part, as the explain() docstring and format lay it out.
RICH_REASON = "; ".join(
    [
        "story's f1: stated 0.5, recomputed 0.5 (from its own inputs) - agrees",
        "auc: claimed 0.9, measured 0.8, 90% [0.75, 0.85], bootstrap (outside abs 0.02 or rel 10%)",
        "size_mb (supporting): claimed 25, measured 24 (within abs 0.02 or rel 10%)",
        "auc > auc_base: holds (point: 0.8 vs 0.7)",
        "auc > 0.5: holds (a - b = 0.3, 90% [0.25, 0.35], bootstrap)",
        "size_mb < 20 (supporting): FAILS (point: 24 vs 20)",
        "plotted in figure X",
    ]
)


def test_explain_lists_checks_figures_relations_and_note():
    assert verdict(rich_claim()) is Verdict.DIRECTION_HOLDS
    assert explain(rich_claim()) == RICH_REASON


def test_record_of_a_claim_field_by_field():
    rec = to_record(rich_claim())
    bootstrap = {"low": 0.75, "high": 0.85, "level": 0.9, "method": "bootstrap"}
    shifted = {
        "low": pytest.approx(0.75 - 0.5),
        "high": pytest.approx(0.85 - 0.5),
        "level": 0.9,
        "method": "bootstrap",
    }
    assert rec == {
        "id": "XX-01",
        "statement": "test claim",
        "verdict": "direction-holds",
        "claimed": {"auc": 0.9, "size_mb": 25.0},
        "measured": {"auc": 0.8, "size_mb": 24.0, "auc_base": 0.7},
        "unit": "AUC",
        "tolerance": {"abs": 0.02, "rel": 0.1},
        "relations": [
            {
                "relation": "auc > auc_base",
                "holds": True,
                "state": "holds",
                "central": True,
                "difference": pytest.approx(0.8 - 0.7),
                "interval": None,
            },
            {
                "relation": "auc > 0.5",
                "holds": True,
                "state": "holds",
                "central": True,
                "difference": pytest.approx(0.8 - 0.5),
                "interval": shifted,
            },
            {
                "relation": "size_mb < 20",
                "holds": False,
                "state": "fails",
                "central": False,
                "difference": 4.0,
                "interval": None,
            },
        ],
        "intervals": {"auc": bootstrap},
        "supporting": ["size_mb"],
        "by_construction": None,
        "source": "systems/x/claims.py:12",
        "checks": [{"name": "f1", "stated": 0.5, "recomputed": 0.5, "agrees": True, "how": ""}],
        "reason": RICH_REASON,
        "evidence": ["plots/auc.png"],
        "timed": False,
    }


def test_inconsistent_by_construction_claim_explains_both():
    c = claim(
        by_construction="planted by generator X.",
        checks=[Recompute("total", stated=220, recomputed=250, how="sum of the rows")],
    )
    assert verdict(c) is Verdict.INCONSISTENT
    assert explain(c) == (
        "by construction: planted by generator X; story's total: stated 220, recomputed 250 (sum of the rows) - DISAGREES"
    )
    assert to_record(c)["tolerance"] is None


def test_out_of_scope_record_has_only_the_reason():
    c = claim(scope_reason="business outcome", measured={"a": 1.0}, relations=[("a", ">", 0)])
    rec = to_record(c)
    assert rec["verdict"] == "out-of-scope"
    assert rec["relations"] == []
    assert rec["reason"] == "out of scope: business outcome"


def test_default_source_is_a_file_and_line():
    # the exact frame is checked in test_ledger_v2 (left out under mutmut, whose trampolines
    # add frames); here only the "path:line" form a ledger row links to
    c = Claim("XX-03", "built here", measured={"a": 1.0}, relations=[("a", ">", 0)])
    path, line = c.source.rsplit(":", 1)
    assert path.endswith(".py") and line.isdigit()


def test_source_is_empty_when_no_code_of_ours_built_the_claim():
    # built by a worker thread of the standard library (the executor calls Claim itself): the
    # stack holds only threading/concurrent.futures, the generated __init__ and the ledger, so
    # there is no line of ours to name; the source stays empty (ledger.md shows no link) rather
    # than a made-up location
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        c = pool.submit(Claim, "XX-04", "built in a worker thread").result()
    assert c.source == ""
