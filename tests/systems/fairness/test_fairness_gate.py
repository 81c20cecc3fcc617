import pytest

from systems.fairness.disparity import Disparity
from systems.fairness.gate import GateThresholds, evaluate


def _d(fpr=0.02, dpd=0.02, eod=0.02, dpr=0.95, excluded=()):
    return Disparity(dpd, dpr, eod, fpr, max(eod, fpr), (eod + fpr) / 2, excluded=list(excluded))


T = GateThresholds()


def test_all_within_limits_passes():
    g = evaluate(_d(), T)
    assert g.status == "pass" and g.level == 0
    assert g.reasons == ["every metric within its limit"]


@pytest.mark.parametrize(
    "kw,status,word",
    [
        ({"fpr": 0.13}, "block", "fpr_disparity"),
        ({"dpd": 0.105}, "block", "demographic_parity_difference"),
        ({"eod": 0.06}, "warn", "equal_opportunity_difference"),
        ({"dpr": 0.7}, "warn", "demographic_parity_ratio"),
        ({"eod": 0.11}, "block", "equal_opportunity_difference"),
    ],
)
def test_rules(kw, status, word):
    g = evaluate(_d(**kw), T)
    assert g.status == status, g.reasons
    assert any(word in r for r in g.reasons)


def test_fpr_between_warn_and_block_warns():
    # FPR disparity 9 points: above the 8% warning, below the 10% block; EO limit 0.05 also warns
    g = evaluate(_d(fpr=0.09), GateThresholds(eo_max=0.2))
    assert g.status == "warn"
    assert any("fpr_disparity = 0.090" in r for r in g.reasons)


def test_undefined_rate_is_a_warning_not_silence():
    g = evaluate(_d(excluded=["group b left out of TPR metrics: TPR undefined"]), T)
    assert g.status == "warn"
    assert any("TPR undefined" in r for r in g.reasons)
