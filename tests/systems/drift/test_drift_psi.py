"""PSI, TVD and bins against the plain per-feature formula (naive.py) and hand-worked shares."""

import math
import warnings

import numpy as np
import pytest

from systems.drift.naive import naive_drift, naive_psi
from systems.drift.numeric import NumericDrift
from systems.drift.psi import (
    EPS,
    categorical_psi,
    category_counts,
    decile_edges,
    psi_from_shares,
    shares,
    tvd_from_shares,
)


def _columns(rng, n):
    """Continuous, shifted, discrete, constant, with NaNs, and out-of-range columns."""
    ref = np.column_stack(
        [
            rng.normal(0, 1, n),
            rng.gamma(2, 1, n),
            rng.poisson(0.4, n).astype(float),
            np.full(n, 3.0),
            rng.uniform(0, 1, n),
        ]
    )
    ref[rng.random(n) < 0.05, 4] = np.nan
    cur = np.column_stack(
        [
            rng.normal(0.3, 1.2, n),
            rng.gamma(2, 1.3, n),
            rng.poisson(0.7, n).astype(float),
            np.where(rng.random(n) < 0.2, 4.0, 3.0),
            rng.uniform(-0.5, 1.5, n),
        ]
    )
    cur[rng.random(n) < 0.15, 4] = np.nan
    return ref, cur


@pytest.mark.parametrize("n", [50, 400, 3000])
@pytest.mark.parametrize("seed", [0, 1])
def test_vectorised_psi_equals_per_feature_reference(n, seed):
    ref, cur = _columns(np.random.default_rng(seed), n)
    ours = NumericDrift(10).fit(ref).score(cur)
    psi, d, p = naive_drift(ref, cur)
    np.testing.assert_allclose(ours["psi"], psi, rtol=1e-12, atol=1e-14, err_msg=f"PSI {ours}")
    np.testing.assert_allclose(ours["ks_d"], d, rtol=0, atol=1e-15, err_msg=f"D {ours['ks_d']} vs {d}")
    np.testing.assert_allclose(ours["ks_p"], p, rtol=1e-10, atol=1e-300, err_msg=f"p {ours['ks_p']} vs {p}")


def test_psi_matches_formula_by_hand():
    e = np.array([0.5, 0.3, 0.2])
    a = np.array([0.4, 0.4, 0.2])
    by_hand = (0.4 - 0.5) * math.log(0.4 / 0.5) + (0.4 - 0.3) * math.log(0.4 / 0.3)
    assert psi_from_shares(e, a) == pytest.approx(by_hand, rel=1e-12)
    assert tvd_from_shares(e, a) == pytest.approx(0.1)


def test_identical_windows_have_zero_psi_and_decile_bins_are_equal_shares():
    x = np.random.default_rng(0).normal(size=(10000, 1))
    drift = NumericDrift(10).fit(x)
    assert drift.edges_[0].size == 9
    np.testing.assert_allclose(drift.reference_shares_[0][:10], 0.1, atol=1e-3)
    assert drift.score(x)["psi"][0] == pytest.approx(0.0, abs=1e-15)


def test_out_of_range_values_land_in_edge_bins():
    ref = np.arange(100, dtype=float)[:, None]
    drift = NumericDrift(10).fit(ref)
    shares = drift.score(np.array([[-1e9], [1e9], [np.nan]]))["shares"][0]
    k = len(drift.edges_[0])
    np.testing.assert_allclose(shares[[0, k, -1]], 1 / 3)
    assert shares.sum() == pytest.approx(1.0)


def test_constant_reference_gets_three_bins_and_sees_a_shift():
    edges = decile_edges(np.full(50, 2.0))
    assert edges.size == 2
    drift = NumericDrift().fit(np.full((50, 1), 2.0))
    assert drift.score(np.full((20, 1), 2.0))["psi"][0] == 0.0
    assert drift.score(np.full((20, 1), 2.5))["psi"][0] > 1.0
    assert drift.score(np.full((20, 1), 1.5))["psi"][0] > 1.0


def test_all_missing_reference_is_refused():
    with pytest.raises(ValueError, match="no non-missing values"):
        decile_edges(np.array([np.nan, np.nan]))
    with pytest.raises(ValueError, match="no non-missing values"):
        NumericDrift().fit(np.array([[1.0, np.nan], [2.0, np.nan]]))


def test_unseen_category_is_counted_with_eps():
    ref = np.array(["a"] * 50 + ["b"] * 50, dtype=object)
    cur = np.array(["a"] * 45 + ["b"] * 45 + ["c"] * 10, dtype=object)
    psi, unseen = categorical_psi(ref, cur)
    assert unseen == ["c"]
    expected = 2 * (0.45 - 0.5) * math.log(0.45 / 0.5) + (0.1 - EPS) * math.log(0.1 / EPS)
    assert psi == pytest.approx(expected, rel=1e-12)
    # a smaller eps makes the same unseen share louder: eps is a stated choice
    assert categorical_psi(ref, cur, eps=1e-6)[0] > psi


def test_missing_category_is_its_own_category():
    ref = np.array(["a", "b"] * 20, dtype=object)
    cur = np.array(["a", None] * 20, dtype=object)
    psi, unseen = categorical_psi(ref, cur)
    assert unseen == ["<missing>"] and psi > 1


def test_naive_psi_single_column_agrees():
    rng = np.random.default_rng(4)
    r, c = rng.normal(size=300), rng.normal(0.5, 1, 200)
    ours = NumericDrift().fit(r[:, None]).score(c[:, None])["psi"][0]
    assert ours == pytest.approx(naive_psi(r, c), rel=1e-12)


def test_eps_and_n_bins_reach_the_numeric_psi():
    # a window that leaves reference bins empty, so the eps floor decides part of the PSI
    rng = np.random.default_rng(6)
    r, c = rng.normal(size=400), rng.normal(2.0, 0.3, 100)
    ours = NumericDrift(n_bins=4, eps=1e-6).fit(r[:, None])
    np.testing.assert_allclose(ours.edges_[0], np.quantile(r, [0.25, 0.5, 0.75]), rtol=0, atol=0)
    assert ours.score(c[:, None])["psi"][0] == pytest.approx(naive_psi(r, c, n_bins=4, eps=1e-6), rel=1e-12)


def test_shares_are_value_bins_then_the_nan_bin_and_tvd_is_half_the_l1_gap():
    rng = np.random.default_rng(7)
    ref = rng.normal(size=(300, 2))
    cur = np.column_stack([rng.normal(0.5, 1, 200), rng.normal(size=200)])
    cur[:20, 1] = np.nan
    drift = NumericDrift().fit(ref)
    s = drift.score(cur)
    # 9 decile edges -> 10 value bins, plus the NaN bin
    assert s["shares"].shape == (2, drift.edges_[0].size + 2) == (2, 11)
    assert s["shares"][1, -1] == pytest.approx(20 / 200)
    # TVD per feature, written plainly from the two share vectors
    e, a = drift.reference_shares_, s["shares"]
    want = [0.5 * sum(abs(a[j, b] - e[j, b]) for b in range(11)) for j in range(2)]
    np.testing.assert_allclose(s["tvd"], want, rtol=1e-12)


def test_single_observed_value_in_a_column_is_a_constant_reference():
    # one non-missing value is enough to build bins: the constant column's three bins
    ref = np.array([[1.0, 5.0], [2.0, np.nan], [3.0, np.nan]])
    drift = NumericDrift().fit(ref)
    np.testing.assert_array_equal(drift.edges_[1], [5.0, np.nextafter(5.0, np.inf)])


def test_all_missing_reference_column_is_named_in_the_error():
    with pytest.raises(ValueError, match="reference column 1 has no non-missing values"):
        NumericDrift().fit(np.array([[1.0, np.nan], [2.0, np.nan]]))
    with pytest.raises(ValueError) as err:
        decile_edges(np.array([np.nan]))
    assert str(err.value) == "reference column has no non-missing values; cannot build PSI bins"


def test_object_column_with_none_is_read_as_float_with_missing_values():
    # a pandas object column (numbers and None) is converted, None becoming NaN
    ref = np.array([[float(v)] for v in range(20)], dtype=object)
    cur = np.array([[1.0], [None], [3.0], [15.0]], dtype=object)
    ours = NumericDrift().fit(ref).score(cur)
    want = naive_psi(np.arange(20.0), np.array([1.0, np.nan, 3.0, 15.0]))
    assert ours["psi"][0] == pytest.approx(want, rel=1e-12)


def test_tied_deciles_of_a_non_constant_column_keep_their_single_edge():
    # 95 zeros and 5 ones: every decile is 0, but the column is not constant, so the
    # bins are x < 0 and x >= 0 (not the constant column's three bins)
    x = np.r_[np.zeros(95), np.ones(5)]
    np.testing.assert_array_equal(decile_edges(x), np.unique(np.quantile(x, np.arange(1, 10) / 10)))
    assert decile_edges(x).tolist() == [0.0]


def test_shares_normalise_rows_and_keep_an_empty_row_at_zero():
    counts = np.array([[0, 0, 0], [1, 0, 0], [1, 3, 0]])  # integer counts; a row of total 1
    np.testing.assert_array_equal(shares(counts), [[0, 0, 0], [1, 0, 0], [0.25, 0.75, 0]])


def test_tvd_is_per_feature_along_the_last_axis():
    e = np.array([[0.5, 0.5], [1.0, 0.0]])
    a = np.array([[0.5, 0.5], [0.0, 1.0]])
    np.testing.assert_array_equal(tvd_from_shares(e, a), [0.0, 1.0])


def test_category_counts_fill_categories_absent_from_current_with_zero():
    cats, rc, cc = category_counts(["b", "a", "c", "a"], ["a", "a", "d"])
    assert cats == ["a", "b", "c", "d"]  # sorted reference categories, then unseen ones
    np.testing.assert_array_equal(rc, [2, 1, 1, 0])
    np.testing.assert_array_equal(cc, [2, 0, 0, 1])


def test_numeric_codes_with_nan_as_categories_need_no_pandas_fill_warning():
    # an hour-of-day column read as categories: NaN is "<missing>", codes keep their text
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # pandas warns it will refuse a str fill on float
        cats, rc, cc = category_counts(np.array([1.0, 2.0, np.nan]), np.array([2.0, 2.0]))
    assert cats == ["1.0", "2.0", "<missing>"]
    np.testing.assert_array_equal(cc, [0, 2, 0])
