"""Imputation and feature engineering."""

import numpy as np
import pandas as pd
from numpy.testing import assert_allclose

from data.churn import generate
from systems.core.churn_table.features import ChurnFeatures, build_features
from systems.core.churn_table.imputation import CohortImputer
from systems.core.churn_table.validation import validate


def test_cohort_imputer_uses_cohort_median_and_falls_back_to_global():
    X = pd.DataFrame(
        {
            "g": ["a"] * 30 + ["b"] * 30 + ["c"] * 2,
            "x": [1.0] * 29 + [np.nan] + [10.0] * 29 + [np.nan] + [np.nan, 5.0],
        }
    )
    out = CohortImputer(["x"], ["g"], min_count=20).fit(X).transform(X)
    assert out.loc[29, "x"] == 1.0 and out.loc[59, "x"] == 10.0
    # cohort c has 1 observed value < min_count: global median of observed x
    assert out.loc[60, "x"] == np.nanmedian(X["x"])
    assert_allclose(out["x_missing"], X["x"].isna().astype(float))
    glob = CohortImputer(["x"], (), add_indicators=False).fit(X).transform(X)
    assert "x_missing" not in glob and glob.loc[29, "x"] == np.nanmedian(X["x"])


def test_imputer_learns_from_training_rows_only():
    train = pd.DataFrame({"g": ["a"] * 25, "x": [2.0] * 25})
    test = pd.DataFrame({"g": ["a", "a"], "x": [np.nan, 100.0]})
    out = CohortImputer(["x"], ["g"]).fit(train).transform(test)
    assert out["x"].tolist() == [2.0, 100.0]


def test_eighty_plus_finite_features_and_stable_names():
    v = validate(generate("telecom", 1500, 0))
    X, y, meta = build_features(v.clean)
    assert X.shape[1] >= 80, X.shape
    assert np.isfinite(X.to_numpy()).all()
    assert len(y) == len(X) == len(meta) and set(np.unique(y)) == {0, 1}
    assert "charges_to_tenure_ratio" in X and "support_calls_per_month" in X
    assert "activity_after_snapshot" not in X
    f = ChurnFeatures().fit(v.clean.iloc[:1000])
    Z = f.transform(v.clean.iloc[1000:])
    assert list(Z.columns) == f.feature_names_


def test_unseen_category_at_transform_is_counted_not_crashed():
    v = validate(generate("telecom", 800, 0))
    f = ChurnFeatures().fit(v.clean)
    new = v.clean.iloc[:5].copy()
    new.loc[new.index[0], "plan"] = "enterprise"
    Z = f.transform(new)
    assert f.unseen_ == {"plan": 1}
    assert Z.filter(like="plan=").iloc[0].sum() == 0
