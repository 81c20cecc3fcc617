"""Intervals: seeded and deterministic, and equal to the reference libraries' where one exists."""

from fractions import Fraction

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


# A percentile bootstrap written out row by row, as the docstrings describe it: rows drawn
# with replacement from np.random.default_rng(seed) (within each stratum, strata in sorted
# order), the statistic on every resample, non-finite values dropped, then the two quantiles.
def reference_bootstrap(stat, arrays, n_boot, level, seed, strata=None):
    rng = np.random.default_rng(seed)
    n = len(arrays[0])
    if strata is None:
        idx = rng.integers(0, n, size=(n_boot, n))
    else:
        parts = []
        for value in np.unique(strata):
            rows = np.flatnonzero(strata == value)
            parts.append(rows[rng.integers(0, rows.size, size=(n_boot, rows.size))])
        idx = np.hstack(parts)
    values = np.array([stat(*(a[i] for a in arrays)) for i in idx])
    values = values[np.isfinite(values)]
    return np.quantile(values, [(1 - level) / 2, 1 - (1 - level) / 2])


@pytest.fixture
def small():
    rng = np.random.default_rng(11)
    y = np.array([0, 1] * 15)
    return y, y + rng.normal(0, 1.0, 30), y + rng.normal(0, 2.0, 30)


TIGHT = 1e-12  # same draws and same arithmetic: equal up to float rounding


def test_bootstrap_ci_equals_the_row_by_row_bootstrap(small):
    _, a, _ = small
    ci = U.bootstrap_ci(np.mean, a, n_boot=60, seed=2)
    assert_allclose([ci.low, ci.high], reference_bootstrap(np.mean, (a,), 60, 0.95, 2), atol=TIGHT)
    assert (ci.level, ci.method) == (0.95, "bootstrap over 30 rows, 60 resamples")


def test_stratified_bootstrap_ci_equals_the_row_by_row_bootstrap(small):
    y, a, _ = small
    ci = U.bootstrap_ci(roc_auc_score, y, a, n_boot=20, level=0.8, seed=5, stratify=y)
    ref = reference_bootstrap(roc_auc_score, (y, a), 20, 0.8, 5, strata=y)
    assert_allclose([ci.low, ci.high], ref, atol=TIGHT)
    assert (ci.level, ci.method) == (0.8, "bootstrap over 30 rows, 20 resamples, stratified")


def test_bootstrap_defaults_are_1000_resamples_at_95_percent(small):
    _, a, _ = small
    ci = U.bootstrap_ci(np.mean, a)
    assert_allclose([ci.low, ci.high], reference_bootstrap(np.mean, (a,), 1000, 0.95, 0), atol=TIGHT)
    assert ci.method == "bootstrap over 30 rows, 1000 resamples"


def test_paired_bootstrap_diff_equals_the_row_by_row_bootstrap(small):
    y, a, b = small

    def diff(y_, a_, b_):
        return roc_auc_score(y_, a_) - roc_auc_score(y_, b_)

    ci = U.paired_bootstrap_diff(roc_auc_score, y, a, b, n_boot=20, level=0.9, seed=3)
    assert_allclose([ci.low, ci.high], reference_bootstrap(diff, (y, a, b), 20, 0.9, 3, strata=y), atol=TIGHT)
    assert (ci.level, ci.method) == (0.9, "paired bootstrap over 30 rows, 20 resamples, stratified by label")
    free = U.paired_bootstrap_diff(np.dot, y, a, b, n_boot=20, seed=3, stratify=False)
    ref = reference_bootstrap(lambda y_, a_, b_: np.dot(y_, a_) - np.dot(y_, b_), (y, a, b), 20, 0.95, 3)
    assert_allclose([free.low, free.high], ref, atol=TIGHT)
    assert free.method == "paired bootstrap over 30 rows, 20 resamples"


def test_paired_bootstrap_defaults(small):
    y, a, b = small
    ci = U.paired_bootstrap_diff(np.dot, y, a, b)
    ref = reference_bootstrap(lambda y_, a_, b_: np.dot(y_, a_) - np.dot(y_, b_), (y, a, b), 1000, 0.95, 0, y)
    assert_allclose([ci.low, ci.high], ref, atol=TIGHT)
    assert (ci.level, ci.method) == (
        0.95,
        "paired bootstrap over 30 rows, 1000 resamples, stratified by label",
    )


def test_vectorised_auc_intervals_equal_the_row_by_row_bootstrap_with_sklearn(small):
    y, a, b = small
    ci = U.auc_ci(y, a, n_boot=20, level=0.9, seed=4)
    assert_allclose(
        [ci.low, ci.high], reference_bootstrap(roc_auc_score, (y, a), 20, 0.9, 4, strata=y), atol=TIGHT
    )
    assert (ci.level, ci.method) == (0.9, "bootstrap over 30 rows, 20 resamples, stratified by label")

    def diff(y_, a_, b_):
        return roc_auc_score(y_, a_) - roc_auc_score(y_, b_)

    d = U.auc_diff_ci(y, a, b, n_boot=20, level=0.9, seed=4)
    assert_allclose([d.low, d.high], reference_bootstrap(diff, (y, a, b), 20, 0.9, 4, strata=y), atol=TIGHT)
    assert (d.level, d.method) == (0.9, "paired bootstrap over 30 rows, 20 resamples, stratified by label")


def test_vectorised_auc_interval_defaults(small):
    y, a, b = small
    ci, d = U.auc_ci(y, a), U.auc_diff_ci(y, a, b)
    assert (ci.level, ci.method) == (0.95, "bootstrap over 30 rows, 1000 resamples, stratified by label")
    assert (d.level, d.method) == (0.95, "paired bootstrap over 30 rows, 1000 resamples, stratified by label")
    # seed 0 by default: the same interval as asking for seed 0
    assert ci == U.auc_ci(y, a, n_boot=1000, level=0.95, seed=0)
    assert d == U.auc_diff_ci(y, a, b, n_boot=1000, level=0.95, seed=0)


def test_non_finite_statistics_are_dropped_and_all_non_finite_is_an_error(small):
    _, a, _ = small

    def mean_or_nan(x):  # undefined on resamples whose first row is above the median
        return np.nan if x[0] > np.median(a) else x.mean()

    ci = U.bootstrap_ci(mean_or_nan, a, n_boot=50, seed=1)
    assert_allclose([ci.low, ci.high], reference_bootstrap(mean_or_nan, (a,), 50, 0.95, 1), atol=TIGHT)
    with pytest.raises(
        ValueError, match=r"^bootstrap produced no finite statistic \(degenerate resamples\)$"
    ):
        U.bootstrap_ci(lambda x: np.inf, a, n_boot=5)


@pytest.mark.parametrize(
    ("arrays", "message"),
    [
        ((), r"^bootstrap needs at least one array$"),
        ((np.zeros(1),), r"^bootstrap arrays need the same length >= 2, got \[1\]$"),
        ((np.zeros(3), np.zeros(2)), r"^bootstrap arrays need the same length >= 2, got \[3, 2\]$"),
    ],
)
def test_bootstrap_row_errors_name_the_lengths(arrays, message):
    with pytest.raises(ValueError, match=message):
        U.bootstrap_ci(np.mean, *arrays, n_boot=5)


def test_two_rows_are_enough_to_bootstrap():
    ci = U.bootstrap_ci(np.mean, np.array([0.0, 1.0]), n_boot=20, seed=0)
    assert 0.0 <= ci.low <= ci.high <= 1.0


def test_three_strata_are_resampled_each_within_itself():
    rng = np.random.default_rng(3)
    strata = np.array([0, 1, 2] * 6)
    x = strata + rng.normal(0, 0.1, 18)
    ci = U.bootstrap_ci(np.mean, x, n_boot=30, seed=6, stratify=strata)
    ref = reference_bootstrap(np.mean, (x,), 30, 0.95, 6, strata=strata)
    assert_allclose([ci.low, ci.high], ref, atol=TIGHT)


# The statistic may return any real number float() accepts, not only a float: here an exact
# accuracy as a fractions.Fraction. Each value is read as the float it stands for, so the
# interval equals the row-by-row bootstrap of the same statistic converted with float().
def exact_accuracy(y_, s_):
    return Fraction(int(np.sum((s_ > 0.5) == y_)), len(y_))


def test_statistics_returned_as_fractions_are_read_as_floats(small):
    y, a, b = small
    ci = U.bootstrap_ci(exact_accuracy, y, a, n_boot=40, seed=2)
    ref = reference_bootstrap(lambda y_, s_: float(exact_accuracy(y_, s_)), (y, a), 40, 0.95, 2)
    assert_allclose([ci.low, ci.high], ref, atol=TIGHT)

    d = U.paired_bootstrap_diff(exact_accuracy, y, a, b, n_boot=40, seed=2)
    ref = reference_bootstrap(
        lambda y_, a_, b_: float(exact_accuracy(y_, a_) - exact_accuracy(y_, b_)), (y, a, b), 40, 0.95, 2, y
    )
    assert_allclose([d.low, d.high], ref, atol=TIGHT)


# Scores read from a CSV as text: sorted as strings "10" < "9", as numbers 10 > 9. The AUC
# intervals read them as numbers, so they equal the sklearn bootstrap on the float scores.
def test_auc_intervals_rank_text_scores_as_numbers():
    y = np.array([0, 0, 0, 1, 1, 1] * 3)
    a = np.array([2, 5, 9, 10, 11, 12, 1, 3, 8, 9, 12, 7, 4, 10, 6, 11, 8, 13])
    b = np.array([3, 9, 11, 10, 8, 12, 2, 10, 7, 9, 13, 6, 5, 9, 8, 12, 4, 10])
    a_text, b_text = a.astype(str), b.astype(str)
    a_num, b_num = a.astype(float), b.astype(float)

    ci = U.auc_ci(y, a_text, n_boot=20, seed=1)
    ref = reference_bootstrap(roc_auc_score, (y, a_num), 20, 0.95, 1, strata=y)
    assert_allclose([ci.low, ci.high], ref, atol=TIGHT)

    def diff(y_, a_, b_):
        return roc_auc_score(y_, a_) - roc_auc_score(y_, b_)

    ref = reference_bootstrap(diff, (y, a_num, b_num), 20, 0.95, 1, strata=y)
    for a_in, b_in in [(a_text, b_num), (a_num, b_text)]:
        d = U.auc_diff_ci(y, a_in, b_in, n_boot=20, seed=1)
        assert_allclose([d.low, d.high], ref, atol=TIGHT)


def test_paired_mean_ci_is_the_t_interval_or_the_point_when_every_pair_moved_alike():
    rng = np.random.default_rng(3)
    d = rng.normal(0.01, 0.1, size=40)
    ours, ref = U.paired_mean_ci(d), U.mean_ci(d)
    assert (ours.low, ours.high) == (ref.low, ref.high), (ours, ref)
    two = U.paired_mean_ci(np.array([0.0, 0.2]))
    assert (two.low, two.high) == (U.mean_ci([0.0, 0.2]).low, U.mean_ci([0.0, 0.2]).high), "two pairs: t"
    for same in (np.zeros(30), np.full(5, -0.25), np.array([0.4])):
        iv = U.paired_mean_ci(same)
        assert iv.low == iv.high == same[0], (same, iv)
        assert (iv.method, iv.level) == ("every pair moved alike", 0.95), iv
    assert U.paired_mean_ci(np.zeros(3), level=0.9).level == 0.9, "the point keeps the asked level"
    at90 = U.paired_mean_ci(d, level=0.9)
    assert (at90.low, at90.high, at90.level) == (U.mean_ci(d, 0.9).low, U.mean_ci(d, 0.9).high, 0.9)
    for bad in (np.array([]), np.array([0.1, np.nan])):
        with pytest.raises(ValueError, match="finite differences"):
            U.paired_mean_ci(bad)


def test_paired_speedup_is_the_geometric_mean_with_scipys_t_interval_on_logs():
    rng = np.random.default_rng(3)
    fast = rng.uniform(0.8, 1.2, size=9)
    slow = fast * np.exp(rng.normal(np.log(1.3), 0.1, size=9))  # about 1.3x, round by round
    point, iv = U.paired_speedup(slow, fast, level=0.9)
    logs = np.log(slow / fast)
    ref = stats.ttest_1samp(logs, 0.0).confidence_interval(confidence_level=0.9)
    # ours: exp of our own t interval; reference: exp of scipy's (float64, 1e-12)
    assert_allclose([point, iv.low, iv.high], np.exp([logs.mean(), ref.low, ref.high]), rtol=1e-12)
    assert 1.0 < iv.low < point < iv.high, iv
    assert iv.level == 0.9 and "log ratios" in iv.method


def test_paired_speedup_straddles_one_when_rounds_disagree_and_is_exact_for_one_round():
    _, iv = U.paired_speedup(np.array([1.2, 0.8, 1.1, 0.9]), np.ones(4))
    assert iv.low < 1.0 < iv.high, iv
    point, iv = U.paired_speedup(np.array([3.0]), np.array([2.0]))
    assert point == pytest.approx(1.5) and iv.low == iv.high == pytest.approx(1.5)


_POSITIVE = r"^paired_speedup needs positive times \(seconds\) on both sides$"


@pytest.mark.parametrize(
    ("slow", "fast", "match"),
    [
        ([1.0, 2.0], [1.0], r"^paired_speedup needs two equal 1-d arrays, got shapes \(2,\) and \(1,\)$"),
        ([[1.0, 2.0]], [[1.0, 2.0]], r"two equal 1-d arrays, got shapes \(1, 2\) and \(1, 2\)$"),
        ([1.0, 0.0], [1.0, 1.0], _POSITIVE),
        ([1.0, 1.0], [1.0, 0.0], _POSITIVE),
        ([1.0, 1.0], [1.0, -1.0], _POSITIVE),
    ],
)
def test_paired_speedup_refuses_unpaired_or_non_positive_times(slow, fast, match):
    with pytest.raises(ValueError, match=match):
        U.paired_speedup(np.array(slow), np.array(fast))
