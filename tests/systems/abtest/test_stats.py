import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

from systems.abtest import stats as S

CASES = [(120, 2000, 150, 2000), (35, 800, 20, 400), (900, 10000, 990, 10100)]


@pytest.mark.parametrize("ka,na,kb,nb", CASES)
def test_two_proportion_z_matches_statsmodels_and_chi2(ka, na, kb, nb):
    z = float(S.two_proportion_z(ka, na, kb, nb))
    z_ref, p_ref = proportions_ztest([kb, ka], [nb, na])
    assert z == pytest.approx(z_ref, rel=1e-10)
    assert float(S.p_two_sided(z)) == pytest.approx(p_ref, rel=1e-10)
    chi2 = stats.chi2_contingency([[ka, na - ka], [kb, nb - kb]], correction=False)[0]
    assert z * z == pytest.approx(chi2, rel=1e-10)


@pytest.mark.parametrize("ka,na,kb,nb", CASES)
def test_absolute_interval_is_the_wald_interval(ka, na, kb, nb):
    pa, pb = ka / na, kb / nb
    e = S.estimate(pa, pa * (1 - pa), na, pb, pb * (1 - pb), nb)
    lo, hi = confint_proportions_2indep(kb, nb, ka, na, method="wald", compare="diff")
    np.testing.assert_allclose([e.diff_low, e.diff_high], [lo, hi], rtol=1e-10)


def test_relative_interval_agrees_with_bootstrap():
    rng = np.random.default_rng(0)
    a, b = rng.lognormal(0, 1, 4000), rng.lognormal(0.1, 1, 4000)
    e = S.estimate_from_samples(a, b)
    boot = [rng.choice(b, b.size).mean() / rng.choice(a, a.size).mean() - 1 for _ in range(2000)]
    lo, hi = np.quantile(boot, [0.025, 0.975])
    np.testing.assert_allclose([e.rel_low, e.rel_high], [lo, hi], atol=0.01)


def test_cuped_theta_is_the_ols_slope_and_keeps_the_effect():
    rng = np.random.default_rng(1)
    x = rng.normal(size=4000)
    y = 2.0 * x + rng.normal(size=4000)
    y[2000:] += 0.1
    theta = float(S.cuped_theta(y, x))
    assert theta == pytest.approx(sm.OLS(y, sm.add_constant(x)).fit().params[1], rel=1e-10)
    adj = S.cuped_adjust(y, x)
    assert adj.var() < 0.3 * y.var()
    assert adj.mean() == pytest.approx(y.mean())


def test_adjust_and_test_wrappers_are_the_references():
    p = [0.01, 0.04, 0.03, 0.2]
    for m in ("bonferroni", "holm", "fdr_bh"):
        np.testing.assert_allclose(S.adjust(p, m), multipletests(p, method=m)[1])
    rng = np.random.default_rng(2)
    a, b = rng.exponential(1, (3, 300)), rng.exponential(1.2, (3, 300))
    np.testing.assert_allclose(
        S.welch_p(a, b, axis=1), [stats.ttest_ind(b[i], a[i], equal_var=False).pvalue for i in range(3)]
    )
    ties_a, ties_b = np.r_[np.zeros(250), a[0, :50]], np.r_[np.zeros(240), b[0, :60]]
    assert float(S.mann_whitney_p(ties_a, ties_b)) == pytest.approx(
        stats.mannwhitneyu(ties_b, ties_a, method="asymptotic").pvalue
    )
