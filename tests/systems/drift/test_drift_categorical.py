"""The two-sample categorical test, against scipy on hand-made tables with known answers."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import stats

from systems.drift.monitor import DriftMonitor
from systems.drift.stattests import MIN_EXPECTED, categorical_test, merge_sparse

# a weather-code column of two four-week hourly windows (672 rows each): code 4 seen once
# in the reference and never in the current window
REF = np.array([451, 190, 30, 1])
CUR = np.array([470, 159, 43, 0])
CODES = ["1", "2", "3", "4"]


def test_weathersit_case_two_sample_not_goodness_of_fit():
    gof = stats.chisquare(CUR, REF / REF.sum() * CUR.sum()).pvalue
    two = stats.chi2_contingency(np.vstack([REF, CUR]), correction=False).pvalue
    assert gof < 0.01 and 0.08 < two < 0.10  # the two readings the issue contrasts
    t = categorical_test(REF, CUR, CODES)
    # code 4 (expected 0.5) is pooled, still sparse, so it joins the smallest column (code 3)
    merged = np.array([[451, 190, 31], [470, 159, 43]])
    ref = stats.chi2_contingency(merged, correction=False)
    assert t.merged == ("4", "3") and t.method == "chi2 (merged: 4+3)" and t.dof == 2
    assert_allclose([t.statistic, t.p_value], [ref.statistic, ref.pvalue], rtol=1e-12)
    assert 0.05 < t.p_value < 0.10, f"ours {t.p_value}, goodness-of-fit {gof}"


def test_no_sparse_category_is_plain_chi2_contingency():
    ref, cur = np.array([300, 200, 100]), np.array([250, 260, 90])
    t = categorical_test(ref, cur)
    want = stats.chi2_contingency(np.vstack([ref, cur]), correction=False)
    assert t.method == "chi2" and t.merged == ()
    assert_allclose([t.statistic, t.p_value, t.dof], [want.statistic, want.pvalue, want.dof], rtol=1e-12)


def test_merge_rule_leaves_no_expected_count_below_five():
    table = np.array([[500, 60, 4, 3, 3], [480, 70, 1, 4, 2]], dtype=float)
    merged, names, which = merge_sparse(table, list("abcde"))
    e = merged.sum(1, keepdims=True) * merged.sum(0, keepdims=True) / merged.sum()
    assert e.min() >= MIN_EXPECTED and merged.sum() == table.sum()
    assert set(which) == {"c", "d", "e"} and names[-1] == "c+d+e"


def test_tiny_counts_fall_back_to_fisher_exact():
    ref, cur = np.array([6, 1]), np.array([1, 5])
    t = categorical_test(ref, cur, ["x", "y"])
    want = stats.fisher_exact(np.array([[6, 1], [1, 5]]))
    assert t.method == "fisher exact (2x2)"
    assert_allclose(t.p_value, want.pvalue, rtol=1e-12)


@pytest.mark.parametrize("ref,cur", [([10, 0], [5, 0]), ([0, 0], [3, 4])])
def test_one_category_or_an_empty_window_is_no_evidence(ref, cur):
    t = categorical_test(np.array(ref), np.array(cur))
    assert (t.statistic, t.p_value) == (0.0, 1.0) and t.method.startswith("none")


def test_monitor_reports_unseen_and_vanished_categories():
    import pandas as pd

    rng = np.random.default_rng(0)
    ref = pd.DataFrame({"c": rng.choice(["a", "b", "z"], 3000, p=[0.5, 0.45, 0.05])})
    cur = pd.DataFrame({"c": rng.choice(["a", "b", "new"], 3000, p=[0.5, 0.4, 0.1])})
    row = DriftMonitor([], ["c"]).fit(ref).score(cur).iloc[0]
    assert row["unseen"] == "new" and row["vanished"] == "z"
    assert row["test"] == "chi2" and row["p_value"] < 1e-10
