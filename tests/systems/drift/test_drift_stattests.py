"""KS and the categorical test against scipy.stats (ks_2samp, kstwo, chi2_contingency, fisher_exact)
and Pearson's statistic written from its definition, with the stated merge rule worked by hand."""

import numpy as np
import pytest
from scipy import stats

from systems.drift.numeric import NumericDrift
from systems.drift.stattests import categorical_test, chi_square, ks_pvalue, merge_sparse


@pytest.mark.parametrize("n_ref,n_cur", [(200, 150), (3000, 500), (12000, 4000)])
@pytest.mark.parametrize("discrete", [False, True])
def test_ks_matches_scipy_asymptotic(n_ref, n_cur, discrete):
    rng = np.random.default_rng(n_ref + discrete)
    ref = rng.normal(0, 1, (n_ref, 3))
    cur = rng.normal([0.0, 0.1, 0.5], 1, (n_cur, 3))
    if discrete:  # ties everywhere
        ref, cur = np.round(ref, 1), np.round(cur, 1)
    s = NumericDrift().fit(ref).score(cur)
    d, p = s["ks_d"], s["ks_p"]
    for j in range(3):
        r = stats.ks_2samp(ref[:, j], cur[:, j], method="asymp")
        assert d[j] == pytest.approx(r.statistic, abs=1e-15), f"D ours {d[j]} scipy {r.statistic}"
        np.testing.assert_allclose(
            p[j], r.pvalue, rtol=1e-10, atol=1e-300, err_msg=f"p ours {p[j]} scipy {r.pvalue}"
        )


def test_ks_ignores_missing_and_reports_nan_for_all_missing():
    rng = np.random.default_rng(0)
    ref = rng.normal(size=(500, 2))
    cur = rng.normal(size=(300, 2))
    cur[:50, 0] = np.nan
    cur[:, 1] = np.nan
    s = NumericDrift().fit(ref).score(cur)
    d, p = s["ks_d"], s["ks_p"]
    r = stats.ks_2samp(ref[:, 0], cur[50:, 0], method="asymp")
    assert d[0] == pytest.approx(r.statistic) and p[0] == pytest.approx(r.pvalue, rel=1e-10)
    assert np.isnan(d[1]) and np.isnan(p[1])


def test_chi_square_matches_scipy_with_unseen_category():
    ref = np.array([500.0, 300.0, 200.0, 0.0])
    # the current window is large enough that the unseen category is not sparse (no merge)
    cur = np.array([400.0, 350.0, 150.0, 100.0])
    stat, p = chi_square(ref, cur)
    r = stats.chi2_contingency(np.vstack([ref, cur]), correction=False)
    assert stat == pytest.approx(r.statistic, rel=1e-12) and p == pytest.approx(r.pvalue, rel=1e-12)


def test_chi_square_single_category_is_no_evidence():
    assert chi_square(np.array([10.0, 0.0]), np.array([5.0, 0.0])) == (0.0, 1.0)


def test_limit_pvalue_is_close_to_exact_at_large_n():
    rng = np.random.default_rng(5)
    ref = rng.normal(0, 1, (60000, 2))
    cur = rng.normal([0.0, 0.02], 1, (60000, 2))
    drift = NumericDrift().fit(ref)
    a, b = drift.score(cur), drift.score(cur, pvalue="limit")
    np.testing.assert_array_equal(a["ks_d"], b["ks_d"])
    np.testing.assert_allclose(
        b["ks_p"], a["ks_p"], rtol=0.02, err_msg=f"limit {b['ks_p']} vs exact {a['ks_p']}"
    )
    with pytest.raises(ValueError, match="pvalue must be"):
        ks_pvalue(a["ks_d"], np.full(2, 3e4), pvalue="bootstrap")


def _pearson(table):
    """Pearson's chi-square on a 2 x K table from its definition, no continuity correction."""
    table = np.asarray(table, float)
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / table.sum()
    stat = float(((table - expected) ** 2 / expected).sum())
    return stat, float(stats.chi2.sf(stat, table.shape[1] - 1))


@pytest.mark.parametrize(
    ("ref", "cur", "table"),
    [
        ([30, 10], [20, 25], [[30, 10], [20, 25]]),  # 2 x 2, no sparse cell: no Yates correction
        # an empty column is dropped; a column seen once is sparse (expected < 5), so the
        # stated merge rule pools it into the smallest remaining column (issue 20)
        ([30, 10, 0, 1], [20, 25, 0, 0], [[30, 11], [20, 25]]),
    ],
)
def test_chi_square_is_pearson_without_correction(ref, cur, table):
    stat, p = chi_square(np.array(ref), np.array(cur))
    want = _pearson(np.array(table))
    assert (stat, p) == pytest.approx(want, rel=1e-12), f"ours {(stat, p)} vs Pearson {want}"


def test_chi_square_too_few_counts_is_fisher_exact():
    # [5, 0, 3] vs [1, 0, 0]: every column sparse, so the merge leaves one; Fisher's exact test
    stat, p = chi_square(np.array([5, 0, 3]), np.array([1, 0, 0]))
    assert p == pytest.approx(stats.fisher_exact([[5, 3], [1, 0]]).pvalue, rel=1e-12)


def test_chi_square_degenerate_tables_are_no_evidence():
    assert chi_square(np.array([0, 0]), np.array([3, 4])) == (0.0, 1.0)  # empty reference
    assert chi_square(np.array([4, 0]), np.array([3, 0])) == (0.0, 1.0)  # one category only


def test_ks_pvalue_default_is_kstwo_and_limit_is_kolmogorov_distribution():
    d, en = np.array([0.05, 0.2, np.nan]), np.array([400.0, 60.0, 10.0])
    exact = [stats.kstwo.sf(0.05, 400), stats.kstwo.sf(0.2, 60)]
    np.testing.assert_allclose(ks_pvalue(d, en)[:2], exact, rtol=1e-12)  # "exact" by default
    limit = [stats.kstwobign.sf(np.sqrt(400) * 0.05), stats.kstwobign.sf(np.sqrt(60) * 0.2)]
    np.testing.assert_allclose(ks_pvalue(d, en, pvalue="limit")[:2], limit, rtol=1e-12)
    assert np.isnan(ks_pvalue(d, en)[2])


def test_score_passes_the_limit_pvalue_through():
    rng = np.random.default_rng(8)
    ref, cur = rng.normal(size=(300, 1)), rng.normal(0.3, 1, (200, 1))
    s = NumericDrift().fit(ref).score(cur, pvalue="limit")
    r = stats.ks_2samp(ref[:, 0], cur[:, 0])
    en = round(300 * 200 / 500)
    # tolerance: same formula on the same D, only float rounding apart
    np.testing.assert_allclose(s["ks_p"][0], stats.kstwobign.sf(np.sqrt(en) * r.statistic), rtol=1e-12)


def test_ks_skips_an_all_missing_column_and_handles_a_single_value():
    rng = np.random.default_rng(9)
    ref = rng.normal(size=(100, 3))
    cur = rng.normal(size=(40, 3))
    cur[:, 0] = np.nan  # nothing observed: NaN, and the next columns are still scored
    cur[1:, 2] = np.nan  # one observed value
    s = NumericDrift().fit(ref).score(cur)
    assert np.isnan(s["ks_d"][0])
    for j, rows in ((1, slice(None)), (2, slice(0, 1))):
        r = stats.ks_2samp(ref[:, j], cur[rows, j], method="asymp")
        assert s["ks_d"][j] == pytest.approx(r.statistic, abs=1e-15)
        np.testing.assert_allclose(s["ks_p"][j], r.pvalue, rtol=1e-10)


def test_sparse_column_is_pooled_then_merged_into_the_smallest_with_names():
    # c: expected 8 * 74 / 148 = 4 < 5 in both rows, so sparse; pooled alone it is still
    # sparse, so it joins the smallest remaining column b (65 < 75): table [[40, 34], [35, 39]]
    t = categorical_test([40, 30, 4], [35, 35, 4], categories=["a", "b", "c"])
    want = _pearson([[40, 34], [35, 39]])
    assert (t.statistic, t.p_value) == pytest.approx(want, rel=1e-12)
    assert (t.dof, t.method, t.merged) == (1, "chi2 (merged: c+b)", ("c", "b"))
    # default names are the column positions
    assert categorical_test([40, 30, 4], [35, 35, 4]).merged == ("2", "1")


def test_merged_names_follow_the_remaining_columns():
    # d and e sparse (pooled 'd+e': expected 9 * 95 / 176 = 4.9 and 4.1, still sparse); the smallest
    # remaining column is b (index 1), so the merge list grows to d, e, b
    table = np.array([[30.0, 20, 40, 3, 2], [35, 12, 30, 1, 3]])
    out, names, merged = merge_sparse(table, ["a", "b", "c", "d", "e"])
    assert merged == ("d", "e", "b") and names == ["a", "c", "d+e+b"]
    np.testing.assert_array_equal(out, [[30, 40, 25], [35, 30, 16]])


def test_expected_count_of_exactly_five_is_not_sparse():
    # Cochran's rule: sparse means expected below 5; here column 2 expects 50 * 10 / 100 = 5
    t = categorical_test([45, 5], [45, 5])
    assert (t.method, t.dof, t.merged) == ("chi2", 1, ())
    assert (t.statistic, t.p_value) == pytest.approx(_pearson([[45, 5], [45, 5]]), abs=1e-12)


def test_no_sparse_columns_keep_the_table_with_k_minus_one_dof():
    t = categorical_test([50, 60, 70], [40, 80, 60])
    assert (t.statistic, t.p_value) == pytest.approx(_pearson([[50, 60, 70], [40, 80, 60]]), rel=1e-12)
    assert (t.dof, t.method, t.merged) == (2, "chi2", ())


def test_merge_sparse_leaves_a_single_column_alone():
    out, names, merged = merge_sparse(np.array([[1.0], [2.0]]), ["a"])
    np.testing.assert_array_equal(out, [[1.0], [2.0]])
    assert (names, merged) == (["a"], ())


def test_categories_must_match_the_counts():
    with pytest.raises(ValueError):
        categorical_test([50, 60], [40, 80], categories=["a"])


def test_fisher_exact_is_the_largest_category_against_the_rest():
    # empty column '2' dropped; all sparse; column '3' (4 + 2) is the largest:
    # the 2 x 2 table is [[4, 1 + 3], [2, 1 + 0]]
    t = categorical_test([1, 3, 0, 4], [1, 0, 0, 2])
    res = stats.fisher_exact([[4, 4], [2, 1]])
    assert (t.statistic, t.p_value) == pytest.approx((res.statistic, res.pvalue), rel=1e-12)
    assert (t.dof, t.method, t.merged) == (1, "fisher exact (2x2)", ("0", "1", "3"))


def test_degenerate_table_reports_zero_dof_and_says_why():
    t = categorical_test([4, 0], [3, 0])
    assert (t.statistic, t.p_value, t.dof) == (0.0, 1.0, 0)
    assert t.method.startswith("none (fewer than two categories")


def test_pooled_column_expecting_exactly_five_is_kept():
    # c and d are sparse (expected 2.5 and 2.5); pooled they expect 10 * 75 / 150 = 5 in
    # each row, not below 5, so the pool stays a column of its own
    table = np.array([[40.0, 30, 3, 2], [35, 35, 2, 3]])
    out, names, merged = merge_sparse(table, ["a", "b", "c", "d"])
    assert (names, merged) == (["a", "b", "c+d"], ("c", "d"))
    np.testing.assert_array_equal(out, [[40, 30, 5], [35, 35, 5]])
    t = categorical_test(table[0], table[1])
    assert t.dof == 2 and (t.statistic, t.p_value) == pytest.approx(_pearson(out), rel=1e-12)


def test_sparse_pool_merged_into_the_last_other_column_leaves_fisher():
    # the pool (2 + 1) expects about 1.5 < 5; merged into 'a' only one column is left,
    # so Fisher's exact test runs on the largest category against the rest: [[20, 2], [20, 1]]
    t = categorical_test([20, 2], [20, 1])
    res = stats.fisher_exact([[20, 2], [20, 1]])
    assert t.method == "fisher exact (2x2)"
    assert (t.statistic, t.p_value) == pytest.approx((res.statistic, res.pvalue), rel=1e-12)
