import numpy as np
import pytest
from scipy import stats

from systems.drift.stattests import KSReference, chi_square


@pytest.mark.parametrize("n_ref,n_cur", [(200, 150), (3000, 500), (12000, 4000)])
@pytest.mark.parametrize("discrete", [False, True])
def test_ks_matches_scipy_asymptotic(n_ref, n_cur, discrete):
    rng = np.random.default_rng(n_ref + discrete)
    ref = rng.normal(0, 1, (n_ref, 3))
    cur = rng.normal([0.0, 0.1, 0.5], 1, (n_cur, 3))
    if discrete:  # ties everywhere
        ref, cur = np.round(ref, 1), np.round(cur, 1)
    d, p = KSReference().fit(ref).test(cur)
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
    d, p = KSReference().fit(ref).test(cur)
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
