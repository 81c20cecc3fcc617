import numpy as np
import pytest
from scipy import stats

from systems.ensemble.ensembles import naive_normalised, sample_dirichlet1, weights_from_uniforms


@pytest.mark.parametrize("k", [2, 3, 5])
def test_exponential_spacings_are_uniform_on_simplex(k):
    rng = np.random.default_rng(0)
    w = weights_from_uniforms(rng.uniform(size=(20_000, k)))
    np.testing.assert_allclose(w.sum(axis=1), 1.0, atol=1e-12)
    assert (w >= 0).all()
    # mean of Dirichlet(1) is 1/k; standard error ~ sqrt(var/n) ~ 0.002
    np.testing.assert_allclose(w.mean(axis=0), 1.0 / k, atol=0.01, err_msg=f"mean {w.mean(0)}")
    # the marginal of a uniform simplex point is Beta(1, k-1)
    p = stats.kstest(w[:, 0], stats.beta(1, k - 1).cdf).pvalue
    assert p > 0.01, f"KS p={p:.3g}"


@pytest.mark.parametrize("k", [3, 5])
def test_sorted_spacings_match_beta_marginal(k):
    w = sample_dirichlet1(20_000, k, np.random.default_rng(1))
    np.testing.assert_allclose(w.sum(axis=1), 1.0, atol=1e-12)
    assert stats.kstest(w[:, -1], stats.beta(1, k - 1).cdf).pvalue > 0.01


def test_naive_normalisation_is_detectably_biased():
    w = naive_normalised(20_000, 3, np.random.default_rng(2))
    # same mean by symmetry, wrong distribution: too little mass near the vertices
    np.testing.assert_allclose(w.mean(axis=0), 1 / 3, atol=0.01)
    assert stats.kstest(w[:, 0], stats.beta(1, 2).cdf).pvalue < 1e-6
    assert (w.max(axis=1) > 0.8).mean() < 0.5 * (
        sample_dirichlet1(20_000, 3, np.random.default_rng(3)).max(axis=1) > 0.8
    ).mean()


def test_edge_uniforms_stay_on_simplex():
    w = weights_from_uniforms([[0.0, 1.0, 1.0], [1.0, 1.0, 1.0]])
    np.testing.assert_allclose(w, [[1.0, 0.0, 0.0], [1 / 3, 1 / 3, 1 / 3]])
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        weights_from_uniforms([0.5, 1.5])
