"""CohortImputer against a row-by-row reference written from its docstring's definition.

fill(x_ij) = median of column j over the observed training rows of row i's cohort, if that
cohort has >= min_count observed values there, else the global median of column j.
"""

import pickle

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from systems.core.churn_table.imputation import CohortImputer, missing_share


def _table(seed: int, n: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {
            "plan": rng.choice(["basic", "pro", "team"], size=n, p=[0.6, 0.35, 0.05]),
            "region": rng.choice(["eu", "us"], size=n),
            "minutes": rng.gamma(2.0, 50.0, size=n),
            "nps": rng.integers(0, 11, size=n).astype(float),
        }
    )
    df.loc[df.plan == "pro", "minutes"] += 300.0  # cohorts differ, so the fill matters
    for col, p in (("minutes", 0.2), ("nps", 0.3)):
        df.loc[rng.random(n) < p, col] = np.nan
    return df


def _reference(train: pd.DataFrame, test: pd.DataFrame, cols, cohort, min_count) -> pd.DataFrame:
    out = test.copy()
    for j in cols:
        glob = train[j].dropna().median()
        for i in test.index[test[j].isna()]:
            same = np.ones(len(train), bool)
            for c in cohort:
                same &= (train[c].astype(str) == str(test.at[i, c])).to_numpy()
            observed = train.loc[same, j].dropna()
            out.at[i, j] = observed.median() if len(observed) >= min_count else glob
    return out


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize(
    ("cohort", "min_count"), [((), 20), (("plan",), 20), (("plan", "region"), 20), (("plan",), 25)]
)
def test_fills_match_the_definition(seed, cohort, min_count):
    train, test = _table(seed), _table(seed + 100, 150)
    test.loc[test.index[:3], "plan"] = "enterprise"  # a cohort never seen in training
    cols = ["minutes", "nps"]
    imp = CohortImputer(cols, cohort=cohort, min_count=min_count).fit(train)
    ours, ref = imp.transform(test), _reference(train, test, cols, cohort, min_count)
    assert_allclose(
        ours[cols].to_numpy(float), ref[cols].to_numpy(float), rtol=0, atol=1e-12, err_msg="ours vs reference"
    )
    for c in cols:
        assert_allclose(ours[f"{c}_missing"], test[c].isna().astype(float), err_msg=c)
    assert imp.feature_names() == ["minutes_missing", "nps_missing"]


def test_a_small_cohort_falls_back_to_the_global_median():
    train = pd.DataFrame({"g": ["a"] * 3 + ["b"] * 30, "x": [100.0, 100.0, 100.0] + list(np.arange(30.0))})
    test = pd.DataFrame({"g": ["a", "b"], "x": [np.nan, np.nan]})
    imp = CohortImputer(["x"], cohort=("g",), min_count=3).fit(train)
    assert imp.transform(test)["x"].tolist() == [100.0, 14.5], "3 observed values reach min_count=3"
    imp = CohortImputer(["x"], cohort=("g",), min_count=4).fit(train)
    assert imp.transform(test)["x"].tolist() == [train.x.median(), 14.5], "3 < 4: global median"


def test_indicators_only_for_columns_with_gaps_at_fit_and_none_when_off():
    train = pd.DataFrame({"x": [1.0, np.nan, 3.0], "z": [1.0, 2.0, 3.0]})
    test = pd.DataFrame({"x": [np.nan, 5.0], "z": [np.nan, 1.0]})
    imp = CohortImputer(["x", "z"], min_count=1).fit(train)
    out = imp.transform(test)
    assert imp.indicator_columns_ == ["x"] and "z_missing" not in out
    assert out["x"].tolist() == [2.0, 5.0] and out["z"].tolist() == [2.0, 1.0]
    assert "x_missing" not in CohortImputer(["x"], add_indicators=False, min_count=1).fit(train).transform(
        test
    )
    assert test["x"].isna().iloc[0], "transform leaves its input unchanged"


def test_an_all_missing_column_fills_with_zero():
    train = pd.DataFrame({"x": [np.nan, np.nan]})
    assert CohortImputer(["x"], min_count=1).fit(train).transform(train)["x"].tolist() == [0.0, 0.0]


def test_state_round_trips_through_plain_values():
    train, test = _table(3), _table(4, 50)
    imp = CohortImputer(["minutes", "nps"], cohort=("plan",)).fit(train)
    state = imp.__getstate__()
    assert isinstance(state["cohort_median_"]["values"], np.ndarray)  # no pandas object inside
    back = pickle.loads(pickle.dumps(imp))  # our own object, in memory: exercises __setstate__
    pd.testing.assert_frame_equal(back.transform(test), imp.transform(test))


def test_missing_share_counts_rows_with_any_gap():
    df = pd.DataFrame({"a": [1.0, np.nan, 3.0, np.nan], "b": [np.nan, 1.0, 1.0, np.nan], "c": 1.0})
    assert missing_share(df) == 0.75
    assert missing_share(df, ["a"]) == 0.5 and missing_share(df, ["c"]) == 0.0


def test_by_default_a_cohort_needs_twenty_observed_values():
    # a: 20 values of 100 (trusted); b: 19 zeros (too few); c: 21 values of 50.
    # Global median of 19 zeros, 21 fifties and 20 hundreds: the 30th and 31st values, both 50.
    train = pd.DataFrame(
        {"g": ["a"] * 20 + ["b"] * 19 + ["c"] * 21, "x": [100.0] * 20 + [0.0] * 19 + [50.0] * 21}
    )
    test = pd.DataFrame({"g": ["a", "b"], "x": [np.nan, np.nan]})
    assert CohortImputer(["x"], cohort=("g",)).fit(train).transform(test)["x"].tolist() == [100.0, 50.0]
