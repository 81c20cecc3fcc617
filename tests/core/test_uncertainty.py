"""Intervals: seeded and deterministic, and equal to the reference libraries' where one exists."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import stats
from sklearn.metrics import roc_auc_score
from statsmodels.stats.proportion import proportion_confint

from systems.core import uncertainty as U


@pytest.fixture
def scores():
    rng = np.random.default_rng(7)
    y = rng.integers(0, 2, 600)
    a = y + rng.normal(0, 1.0, 600)
    b = np.round(y + rng.normal(0, 1.3, 600), 1)  # rounded: ties on purpose
    return y, a, b


def test_bootstrap_is_deterministic_for_a_seed(scores):
    y, a, b = scores
    i1 = U.paired_bootstrap_diff(roc_auc_score, y, a, b, n_boot=200, seed=3)
    i2 = U.paired_bootstrap_diff(roc_auc_score, y, a, b, n_boot=200, seed=3)
    i3 = U.paired_bootstrap_diff(roc_auc_score, y, a, b, n_boot=200, seed=4)
    assert i1 == i2
    assert i1 != i3


def test_vectorised_auc_diff_matches_the_generic_bootstrap_with_sklearn(scores):
    """Same resamples (same seed, stratified by label): the rank formula equals sklearn's AUC."""
    y, a, b = scores
    ours = U.auc_diff_ci(y, a, b, n_boot=300, seed=1)
    ref = U.paired_bootstrap_diff(roc_auc_score, y, a, b, n_boot=300, seed=1)
    assert_allclose(
        [ours.low, ours.high], [ref.low, ref.high], atol=1e-12, err_msg=f"ours {ours} vs sklearn-based {ref}"
    )
    single = U.auc_ci(y, a, n_boot=300, seed=1)
    ref1 = U.bootstrap_ci(roc_auc_score, y, a, n_boot=300, seed=1, stratify=y)
    assert_allclose([single.low, single.high], [ref1.low, ref1.high], atol=1e-12)


def test_paired_interval_covers_the_point_difference(scores):
    y, a, b = scores
    d = roc_auc_score(y, a) - roc_auc_score(y, b)
    ci = U.auc_diff_ci(y, a, b, seed=0)
    assert ci.low < d < ci.high
    assert ci.low > 0  # a is clearly the better score at this noise


def test_pairing_is_narrower_than_separate_intervals():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 800)
    common = rng.normal(0, 1.0, 800)
    a = y + common
    b = y + common + rng.normal(0, 0.2, 800)
    paired = U.auc_diff_ci(y, a, b, seed=0)
    ia, ib = U.auc_ci(y, a, seed=0), U.auc_ci(y, b, seed=1)
    assert paired.high - paired.low < 0.5 * ((ia.high - ia.low) + (ib.high - ib.low))


@pytest.mark.parametrize(("k", "n"), [(0, 10), (3, 10), (34, 100), (3400, 10000), (10, 10)])
def test_wilson_matches_statsmodels(k, n):
    ours = U.proportion_ci(k, n)
    lo, hi = proportion_confint(k, n, alpha=0.05, method="wilson")
    assert_allclose([ours.low, ours.high], [lo, hi], atol=1e-12, err_msg=f"ours {ours} vs statsmodels")


def test_mean_ci_matches_scipy():
    x = np.random.default_rng(2).normal(3, 2, 40)
    ours = U.mean_ci(x, level=0.9)
    lo, hi = stats.t.interval(0.9, df=39, loc=x.mean(), scale=stats.sem(x))
    assert_allclose([ours.low, ours.high], [lo, hi], rtol=1e-12)


def test_seed_spread_is_the_range():
    ci = U.seed_spread([0.8, 0.7, 0.9])
    assert (ci.low, ci.high) == (0.7, 0.9)
    assert "3 seeds" in ci.method


@pytest.mark.parametrize(
    "bad",
    [
        lambda: U.proportion_ci(11, 10),
        lambda: U.mean_ci([1.0]),
        lambda: U.seed_spread([1.0]),
        lambda: U.bootstrap_ci(np.mean, np.ones(5), np.ones(4)),
    ],
)
def test_bad_inputs_raise(bad):
    with pytest.raises(ValueError):
        bad()


@pytest.mark.parametrize(("k", "n"), [(0, 1), (1, 1), (3, 10), (97, 100)])
@pytest.mark.parametrize("level", [None, 0.9])
def test_wilson_matches_statsmodels_including_n_one(k, n, level):
    iv = U.proportion_ci(k, n) if level is None else U.proportion_ci(k, n, level)
    lo, hi = proportion_confint(k, n, alpha=1 - (level or 0.95), method="wilson")
    assert_allclose([iv.low, iv.high], [lo, hi], rtol=1e-12, atol=1e-15, err_msg="ours vs statsmodels")
    assert iv.level == (level or 0.95) and 0.0 <= iv.low <= iv.high <= 1.0
    with pytest.raises(ValueError, match=r"^proportion_ci needs 0 <= k <= n and n > 0, got k=0, n=0$"):
        U.proportion_ci(0, 0)


@pytest.mark.parametrize("x", [[1.0, 3.0], [2, 4, 4, 5, 9]])
def test_t_interval_matches_scipy_from_two_values(x):
    iv = U.mean_ci(x)
    lo, hi = stats.t.interval(0.95, df=len(x) - 1, loc=np.mean(x), scale=stats.sem(x))
    assert_allclose([iv.low, iv.high], [lo, hi], rtol=1e-12, err_msg="ours vs scipy t.interval")
    assert iv.level == 0.95
    iv90 = U.mean_ci(x, level=0.9)
    lo, hi = stats.t.interval(0.9, df=len(x) - 1, loc=np.mean(x), scale=stats.sem(x))
    assert_allclose([iv90.low, iv90.high], [lo, hi], rtol=1e-12)
    assert iv90.level == 0.9
    with pytest.raises(ValueError, match=r"^mean_ci needs at least two finite values, got 1$"):
        U.mean_ci([1.0])
    with pytest.raises(ValueError, match="mean_ci needs at least two finite values"):
        U.mean_ci([1.0, np.nan, 2.0])


def test_seed_spread_from_two_seeds():
    iv = U.seed_spread([0.7, 0.6])
    assert (iv.low, iv.high, iv.level) == (0.6, 0.7, 0.95)
    with pytest.raises(ValueError, match=r"^seed_spread needs at least two finite values, got 1$"):
        U.seed_spread([0.5])
