import math

import numpy as np
import pytest

from systems.drift.naive import naive_drift, naive_psi
from systems.drift.numeric import NumericDrift
from systems.drift.psi import EPS, categorical_psi, decile_edges, psi_from_shares, tvd_from_shares


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
