import json
from types import SimpleNamespace

import numpy as np
import pytest

from systems.core import uncertainty as U
from systems.core.ledger import Verdict, seed_determined, verdict
from systems.fairness.__main__ import main
from systems.fairness.claims import FA09_ROWS, fa09, fa11, group_disparity
from systems.fairness.disparity import disparity

TINY = [
    "--n-rows",
    "6000",
    "--eg-rows",
    "2000",
    "--eg-max-iter",
    "3",
    "--mitigation-estimators",
    "10",
    "--n-estimators",
    "30",
    "--sweep-eps",
    "0.05",
    "--sweep-tol",
    "0",
    "--shap-rows",
    "300",
    "--monitor-sample",
    "1000",
    "--min-group-size",
    "30",
]


def test_fa11_finds_the_stories_inconsistent_disparity():
    c = fa11(SimpleNamespace(segment_fpr=0.12, rest_fpr=0.04))
    assert verdict(c) is Verdict.INCONSISTENT
    bad = {k.name for k in c.checks if not k.agrees()}
    assert bad == {"FPR disparity before (points)", "fewer young customers blocked (points)"}
    assert c.measured["our_segment_ratio"] == pytest.approx(3.0)


def test_group_disparity_matches_the_pipelines_metrics():
    rng = np.random.default_rng(0)
    n = 3000
    y = (rng.random(n) < 0.1).astype(int)
    groups = rng.choice(["young", "middle", "senior"], n)
    pred = (rng.random(n) < np.where(groups == "young", 0.2, 0.1)).astype(int)
    _, codes = np.unique(groups, return_inverse=True)
    d = disparity(y, pred, groups)
    expect = {
        "dpd": d.demographic_parity_difference,
        "dpr": d.demographic_parity_ratio,
        "eod": d.equal_opportunity_difference,
        "fprd": d.fpr_disparity,
        "eo": d.equalized_odds_difference,
    }
    for metric, value in expect.items():
        assert group_disparity(y, pred, codes, metric) == pytest.approx(value, abs=1e-12), metric


def test_a_disparity_gap_inside_its_noise_is_undecided():
    rng = np.random.default_rng(1)
    n = 2000
    y = (rng.random(n) < 0.1).astype(int)
    codes = rng.integers(0, 3, n)
    a = (rng.random(n) < 0.10).astype(int)
    b = (rng.random(n) < 0.10).astype(int)  # same process: any DPD gap is noise

    def stat(yy, xa, xb, cc):
        return group_disparity(yy, xa, cc, "dpd") - group_disparity(yy, xb, cc, "dpd")

    iv = U.bootstrap_ci(stat, y, a, b, codes, n_boot=300, stratify=y)
    assert iv.low < 0 < iv.high
    assert iv == U.bootstrap_ci(stat, y, a, b, codes, n_boot=300, stratify=y)  # seeded


def test_fa09_is_measured_in_the_run_and_marked_timed():
    # the 200-row batch the claim was first judged with (restored after it had been raised to 1,000
    # when the slope missed the band): a criterion is not moved after a seed fails
    assert FA09_ROWS == 200
    c = fa09(SimpleNamespace(seed=0, profile="quick"))
    assert "200-row batches" in c.note and c.source.startswith("systems/fairness/shap_timing.py")
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
        for name in (
            "before_after.md",
            "groups_cross.png",
            "shap_by_segment.png",
            "tradeoff.png",
            "model_card.md",
            "gate.md",
        ):
            assert (out / "fairness" / name).exists(), name
    # same seed, same ledger, except what the timed FA-09 measured
    assert seed_determined(ledgers[0]["claims"]) == seed_determined(ledgers[1]["claims"])
    claims = ledgers[0]["claims"]
    assert [c["id"] for c in claims] == [f"FA-{i:02d}" for i in range(1, 12)]
    assert {c["id"]: c["verdict"] for c in claims}["FA-11"] == "inconsistent-claim"
