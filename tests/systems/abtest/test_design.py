import pytest
from statsmodels.stats.power import NormalIndPower, zt_ind_solve_power
from statsmodels.stats.proportion import proportion_effectsize

from systems.abtest import design


@pytest.mark.parametrize("p1,lift,ratio", [(0.07, 0.12, 1.0), (0.2, 0.28, 1.0), (0.018, 0.08, 0.25)])
def test_sample_size_matches_statsmodels_and_closed_form(p1, lift, ratio):
    h = proportion_effectsize(p1 * (1 + lift), p1)
    ours = design.n_proportions(p1, lift, ratio=ratio)
    ref = zt_ind_solve_power(effect_size=h, alpha=0.05, power=0.8, ratio=ratio)
    assert ours == pytest.approx(ref, rel=1e-9), (ours, ref)
    # the closed form ignores the far tail: agrees to well under 0.1%
    assert design.closed_form_n(h, ratio=ratio) == pytest.approx(ref, rel=1e-3)


def test_split_cost_closed_form_equals_statsmodels_ratio():
    h = design.cohen_h(0.07, 0.0784)
    n_even = design.n_per_arm(h)
    n_skew = design.n_per_arm(h, ratio=0.25)
    assert (n_skew * 1.25) / (2 * n_even) == pytest.approx(design.split_cost(0.25), rel=1e-3)
    assert design.split_cost(0.25) == pytest.approx(1.5625)
    assert design.split_cost(1.0) == 1.0


def test_mde_inverts_the_sample_size():
    n = design.n_proportions(0.2, 0.28)
    assert design.mde_proportions(0.2, n) == pytest.approx(0.28, rel=1e-6)


def test_median_p_design_is_half_power():
    h = design.cohen_h(0.07, 0.0784)
    n = design.n_for_median_p(h, 0.001)
    assert NormalIndPower().power(h, nobs1=n, alpha=0.001) == pytest.approx(0.5, abs=1e-6)
    with pytest.raises(ValueError):
        design.n_per_arm(0.0)
