import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from systems.ensemble.analysis import (
    oracle_blend_gain,
    precision_from_recall,
    segment_aucs,
    top_fraction_view,
)
from systems.ensemble.experiments import degrade, degraded_blends


def test_top_fraction_precision_never_exceeds_the_base_rate_ceiling():
    rng = np.random.default_rng(0)
    y = (rng.uniform(size=1000) < 0.05).astype(int)
    view = top_fraction_view(y, y + 0.0)  # a perfect ranking
    assert view.precision_ceiling == pytest.approx(y.mean() / 0.10)
    assert view.precision == pytest.approx(view.precision_ceiling)
    assert view.recall == 1.0


def test_precision_recall_identity_on_data():
    rng = np.random.default_rng(1)
    y = (rng.uniform(size=2000) < 0.2).astype(int)
    s = y + rng.normal(0, 1.0, 2000)
    v = top_fraction_view(y, s)
    assert v.precision == pytest.approx(precision_from_recall(v.recall, y.mean()))


def test_degrade_hits_the_requested_auc_drop():
    rng = np.random.default_rng(2)
    y = rng.integers(0, 2, 3000)
    p = 1 / (1 + np.exp(-(2 * y - 1 + rng.normal(0, 1.5, 3000))))
    p2, sigma = degrade(y, p, 0.04, np.random.default_rng(3))
    assert sigma > 0
    np.testing.assert_allclose(roc_auc_score(y, p) - roc_auc_score(y, p2), 0.04, atol=2e-3)


def test_blend_with_no_weight_on_degraded_member_is_untouched():
    rng = np.random.default_rng(4)
    y = rng.integers(0, 2, 1000)
    P = np.column_stack([y + rng.normal(0, 1, 1000) for _ in range(2)])
    P = 1 / (1 + np.exp(-P))
    out = degraded_blends(
        y, P, {"other_only": np.array([0.0, 1.0])}, column=0, drop=0.05, rng=np.random.default_rng(5)
    )
    assert out.blends["other_only"].before == out.blends["other_only"].after
    assert out.member_auc.before - out.member_auc.after == pytest.approx(0.05, abs=2e-3)


def test_oracle_gain_is_zero_for_identical_members_and_positive_for_complementary():
    rng = np.random.default_rng(6)
    y = rng.integers(0, 2, 2000)
    a = y + rng.normal(0, 1, 2000)
    assert oracle_blend_gain(y, np.column_stack([a, a]), step=0.1) == pytest.approx(0.0, abs=1e-12)
    b = y + rng.normal(0, 1, 2000)  # independent noise: the average is better than either
    assert oracle_blend_gain(y, np.column_stack([a, b]), step=0.1) > 0.02


def test_single_class_segment_is_an_error():
    y = np.array([0, 0, 1, 1])
    with pytest.raises(ValueError, match="one class"):
        segment_aucs(y, {"m": np.arange(4.0)}, {"seg": np.array([True, True, False, False])})
