import numpy as np
import pandas as pd
from numpy.testing import assert_allclose

from data.fraud import RAW_FEATURES, make_fraud
from systems.fairness.explain import importance_by_segment, local_explanation, shap_values
from systems.fairness.group_metrics import group_table
from systems.fairness.model import booster
from systems.fairness.story import affected_segment


def test_shap_values_add_up_to_the_raw_score():
    df = make_fraud(3000, np.random.default_rng(0))
    X = df[list(RAW_FEATURES)]
    model = booster(30, 3, 0).fit(X, df["is_fraud"])
    phi = shap_values(model, X.iloc[:50])
    assert phi.shape == (50, len(RAW_FEATURES))
    raw = model.predict(X.iloc[:50], raw_score=True)
    # efficiency: sum_j phi_ij + E[f] = f(x_i); E[f] is the same for every row
    base = raw - phi.sum(axis=1)
    assert_allclose(base, base[0], atol=1e-6, err_msg="SHAP values do not add up to the raw score")
    imp = importance_by_segment(phi, RAW_FEATURES, np.where(np.arange(50) < 20, "a", "b"))
    assert_allclose(imp["a"].to_numpy(), np.abs(phi[:20]).mean(axis=0))
    loc = local_explanation(
        model, X, X.iloc[0], np.random.default_rng(1), frozen=("new_device",), n_samples=500
    )
    assert loc.loc["new_device", "weight"] == 0.0
    assert 0 <= loc.attrs["prediction"] <= 1


def test_affected_segment_finds_the_high_fpr_cell():
    rng = np.random.default_rng(0)
    n = 6000
    keys = pd.DataFrame({"age_group": rng.choice(["young", "old"], n), "zip": rng.choice(["0", "1", "2"], n)})
    y = (rng.random(n) < 0.05).astype(int)
    hot = ((keys["age_group"] == "young") & (keys["zip"] == "0")).to_numpy()
    pred = (rng.random(n) < np.where(hot, 0.20, 0.05)).astype(int)
    cross = group_table(y, pred, keys, min_group_size=100)
    cells, member, seg_fpr, rest_fpr = affected_segment(cross, y, pred, keys)
    assert cells == [("young", "0")]
    assert (member == hot).all()
    assert seg_fpr > 3 * rest_fpr
