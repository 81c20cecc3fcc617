import json
from types import SimpleNamespace

import pytest

from systems.core.ledger import Verdict, verdict
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


def test_fa09_points_to_the_benchmark():
    c = fa09()
    assert verdict(c) is Verdict.OUT_OF_SCOPE and "make bench" in c.scope_reason


@pytest.mark.slow
def test_story_run_is_complete_and_deterministic(tmp_path):
    ledgers = []
    for k in range(2):
        out = tmp_path / f"r{k}"
        assert main(["--seed", "3", "--out", str(out), *TINY]) == 0
        ledgers.append((out / "fairness" / "ledger.json").read_text())
        for name in ("before_after.md", "groups_cross.png", "shap_by_segment.png", "tradeoff.png",
                     "model_card.md", "gate.md"):
            assert (out / "fairness" / name).exists(), name
    assert ledgers[0] == ledgers[1]
    claims = json.loads(ledgers[0])["claims"]
    assert [c["id"] for c in claims] == [f"FA-{i:02d}" for i in range(1, 12)]
    assert {c["id"]: c["verdict"] for c in claims}["FA-11"] == "inconsistent-claim"
