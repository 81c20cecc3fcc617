import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import (
    MetricFrame,
    demographic_parity_difference,
    demographic_parity_ratio,
    equal_opportunity_difference,
    equalized_odds_difference,
    false_positive_rate,
    true_positive_rate,
)
from numpy.testing import assert_allclose
from scipy.stats import binomtest

from systems.fairness.disparity import disparity
from systems.fairness.group_metrics import group_table, undefined_rates, wilson_interval


def _data(n, n_groups, seed):
    rng = np.random.default_rng(seed)
    g = rng.choice([f"g{i}" for i in range(n_groups)], size=n)
    y = (rng.random(n) < 0.3).astype(int)
    p = (rng.random(n) < np.where(y == 1, 0.7, 0.2) + 0.05 * (g == "g0")).astype(int)
    return y, p, pd.Series(g, name="group")


@pytest.mark.parametrize("n,n_groups,seed", [(300, 2, 0), (1000, 3, 1), (2000, 5, 2)])
def test_disparity_matches_fairlearn(n, n_groups, seed):
    y, p, g = _data(n, n_groups, seed)
    d = disparity(y, p, g)
    ref = {
        "demographic_parity_difference": demographic_parity_difference(y, p, sensitive_features=g),
        "demographic_parity_ratio": demographic_parity_ratio(y, p, sensitive_features=g),
        "equal_opportunity_difference": equal_opportunity_difference(y, p, sensitive_features=g),
        "equalized_odds_difference": equalized_odds_difference(y, p, sensitive_features=g, agg="worst_case"),
        "equalized_odds_mean": equalized_odds_difference(y, p, sensitive_features=g, agg="mean"),
        "fpr_disparity": MetricFrame(
            metrics=false_positive_rate, y_true=y, y_pred=p, sensitive_features=g
        ).difference(),
    }
    for name, want in ref.items():
        assert_allclose(getattr(d, name), want, rtol=1e-12, err_msg=f"{name}: ours vs fairlearn")
    assert d.excluded == []


def test_group_table_rates_and_cross_match_metricframe():
    y, p, g = _data(1500, 3, 4)
    other = pd.Series(np.where(np.arange(1500) % 2, "a", "b"), name="zip")
    sens = pd.concat([g, other], axis=1)
    t = group_table(y, p, sens, min_group_size=300)
    mf = MetricFrame(
        metrics={"tpr": true_positive_rate, "fpr": false_positive_rate},
        y_true=y,
        y_pred=p,
        sensitive_features=sens,
    )
    assert_allclose(t["tpr"].to_numpy(), mf.by_group["tpr"].to_numpy(), rtol=1e-12)
    assert_allclose(t["fpr"].to_numpy(), mf.by_group["fpr"].to_numpy(), rtol=1e-12)
    assert t["n"].sum() == 1500
    assert t["small"].any() == (t["n"] < 300).any()


def test_wilson_interval_is_the_score_interval():
    lo, hi = wilson_interval(np.array([3, 0, 50]), np.array([20, 10, 50]))
    for k, n, a, b in zip([3, 0, 50], [20, 10, 50], lo, hi, strict=True):
        ci = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
        assert_allclose([a, b], [ci.low, ci.high], atol=1e-9)


def test_group_without_positives_is_undefined_not_zero():
    y = np.array([1, 0, 1, 0, 0, 0, 0, 0])
    p = np.array([1, 0, 0, 1, 1, 0, 0, 0])
    g = pd.Series(["a", "a", "a", "a", "b", "b", "b", "b"])
    t = group_table(y, p, g, min_group_size=2)
    assert np.isnan(t.loc["b", "tpr"])
    assert "TPR undefined: no positives" in t.loc["b", "notes"]
    assert undefined_rates(t) == ["TPR of group b is undefined (TPR undefined: no positives)"]
    # fairlearn counts the missing TPR as 0; we refuse to compare a single defined TPR
    assert true_positive_rate(y[4:], p[4:]) == 0.0
    with pytest.raises(ValueError, match="TPR is defined for 1 group"):
        disparity(y, p, g)


def test_bad_sensitive_input():
    y, p, g = _data(200, 2, 5)
    with pytest.raises(ValueError, match="has 1 group"):
        disparity(y, p, pd.Series(["only"] * 200))
    g2 = g.copy()
    g2.iloc[[3, 7]] = None
    with pytest.raises(ValueError, match="2 missing values"):
        group_table(y, p, g2)
