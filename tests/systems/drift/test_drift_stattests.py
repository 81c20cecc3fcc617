import numpy as np
import pytest
from scipy import stats

from systems.drift.numeric import NumericDrift
from systems.drift.stattests import chi_square, ks_pvalue


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
    cur = np.array([40.0, 35.0, 15.0, 10.0])
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


@pytest.mark.parametrize(("ref", "cur", "kept"), [
    ([30, 10], [20, 25], [0, 1]),                  # 2 x 2: no Yates correction
    ([30, 10, 0, 1], [20, 25, 0, 0], [0, 1, 3]),   # a column seen once is kept, an empty one dropped
    ([5, 0, 3], [1, 0, 0], [0, 2]),                # a row with one count still tests
])
def test_chi_square_is_pearson_without_correction(ref, cur, kept):
    stat, p = chi_square(np.array(ref), np.array(cur))
    want = _pearson(np.array([ref, cur])[:, kept])
    assert (stat, p) == pytest.approx(want, rel=1e-12), f"ours {(stat, p)} vs Pearson {want}"


def test_chi_square_degenerate_tables_are_no_evidence():
    assert chi_square(np.array([0, 0]), np.array([3, 4])) == (0.0, 1.0)  # empty reference
    assert chi_square(np.array([4, 0]), np.array([3, 0])) == (0.0, 1.0)  # one category only
