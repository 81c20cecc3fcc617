"""The profile scorer gives exactly what sorting both columns gives (and scipy's KS D)."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import stats

from systems.drift.numeric import NumericDrift
from systems.drift.profile import ReferenceProfile


def _windows(seed, n, m, kind):
    g = np.random.default_rng(seed)
    if kind == "continuous":
        ref, cur = g.normal(0, 1, (n, 4)), g.normal(0.05, 1.1, (m, 4))
    elif kind == "discrete":
        ref, cur = g.poisson(3, (n, 4)).astype(float), g.poisson(3.2, (m, 4)).astype(float)
    else:  # mixed: ties, NaNs, values outside the reference range, a constant column
        ref = np.round(g.normal(0, 1, (n, 4)), 1)
        cur = np.round(g.normal(0.3, 2.0, (m, 4)), 1)
        ref[g.random(n) < 0.05, 1] = np.nan
        cur[g.random(m) < 0.2, 1] = np.nan
        ref[:, 3] = 2.0
    return ref, cur


@pytest.mark.parametrize("kind", ["continuous", "discrete", "mixed"])
@pytest.mark.parametrize("n,m,buckets", [(5000, 3000, 64), (20000, 20000, 2048), (300, 7000, 16)])
def test_profile_matches_sorting_both_and_scipy(kind, n, m, buckets):
    ref, cur = _windows(n + m, n, m, kind)
    ours = ReferenceProfile(n_buckets=buckets).fit(ref).score(cur, "exact")
    base = NumericDrift().fit(ref).score(cur, "exact")
    assert_allclose(ours["psi"], base["psi"], rtol=1e-12, atol=1e-15)
    assert_allclose(ours["tvd"], base["tvd"], rtol=1e-12, atol=1e-15)
    assert_allclose(ours["ks_d"], base["ks_d"], rtol=0, atol=1e-15)
    assert_allclose(ours["ks_p"], base["ks_p"], rtol=1e-12, atol=1e-300)
    for j in range(ref.shape[1]):
        a, b = ref[:, j][~np.isnan(ref[:, j])], cur[:, j][~np.isnan(cur[:, j])]
        want = stats.ks_2samp(a, b).statistic
        assert ours["ks_d"][j] == pytest.approx(want, abs=1e-15), (
            f"column {j}: ours {ours['ks_d'][j]}, scipy {want}"
        )


def test_identical_windows_have_zero_drift():
    ref = np.random.default_rng(1).normal(size=(4000, 2))
    s = ReferenceProfile(n_buckets=128).fit(ref).score(ref)
    assert_allclose(s["ks_d"], 0, atol=1e-15)
    assert_allclose(s["psi"], 0, atol=1e-15)


def test_all_missing_current_column_and_wrong_shape():
    ref = np.random.default_rng(2).normal(size=(1000, 2))
    cur = ref.copy()
    cur[:, 1] = np.nan
    s = ReferenceProfile().fit(ref).score(cur)
    assert np.isnan(s["ks_d"][1]) and np.isnan(s["ks_p"][1]) and s["psi"][1] > 1
    with pytest.raises(ValueError, match="shape"):
        ReferenceProfile().fit(ref).score(cur[:, :1])


@pytest.mark.parametrize("side", ["left", "right"])
def test_edge_index_equals_searchsorted(side):
    from systems.drift.profile import EdgeIndex

    g = np.random.default_rng(3)
    edges = np.unique(np.round(g.normal(size=300), 2))
    x = np.concatenate([g.normal(size=20000) * 1.5, edges, np.nextafter(edges, np.inf), [-np.inf, np.inf]])
    assert np.array_equal(EdgeIndex(edges, side)(x), np.searchsorted(edges, x, side=side))
    one = np.array([0.5])
    assert np.array_equal(EdgeIndex(one, side)(x), np.searchsorted(one, x, side=side))
