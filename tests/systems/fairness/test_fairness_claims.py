import json
from types import SimpleNamespace

import pytest

from systems.core.ledger import Verdict, seed_determined, verdict
from systems.fairness.__main__ import main
from systems.fairness.claims import fa09, fa11

TINY = ["--n-rows", "6000", "--eg-rows", "2000", "--eg-max-iter", "3", "--mitigation-estimators", "10",
        "--n-estimators", "30", "--sweep-eps", "0.05", "--sweep-tol", "0", "--shap-rows", "300",
        "--monitor-sample", "1000", "--min-group-size", "30"]


def test_fa11_finds_the_stories_inconsistent_disparity():
    c = fa11(SimpleNamespace(segment_fpr=0.12, rest_fpr=0.04))
    assert verdict(c) is Verdict.INCONSISTENT
    bad = {k.name for k in c.checks if not k.agrees()}
    assert bad == {"FPR disparity before (points)", "fewer young customers blocked (points)"}
    assert c.measured["our_segment_ratio"] == pytest.approx(3.0)


def test_fa09_is_measured_in_the_run_and_marked_timed():
    c = fa09(SimpleNamespace(seed=0, profile="quick"))
    assert c.timed and c.scope_reason is None
    assert {"ms_single_call", "slope_vs_trees", "ratio_2x_trees"} <= c.measured.keys()
    assert verdict(c) in set(Verdict) - {Verdict.OUT_OF_SCOPE, Verdict.INCONSISTENT}


@pytest.mark.slow
def test_story_run_is_complete_and_deterministic(tmp_path):
    ledgers = []
    for k in range(2):
        out = tmp_path / f"r{k}"
        assert main(["--seed", "3", "--out", str(out), *TINY]) == 0
        ledgers.append(json.loads((out / "fairness" / "ledger.json").read_text()))
        for name in ("before_after.md", "groups_cross.png", "shap_by_segment.png", "tradeoff.png",
                     "model_card.md", "gate.md"):
            assert (out / "fairness" / name).exists(), name
    # same seed, same ledger, except what the timed FA-09 measured
    assert seed_determined(ledgers[0]["claims"]) == seed_determined(ledgers[1]["claims"])
    claims = ledgers[0]["claims"]
    assert [c["id"] for c in claims] == [f"FA-{i:02d}" for i in range(1, 12)]
    assert {c["id"]: c["verdict"] for c in claims}["FA-11"] == "inconsistent-claim"
