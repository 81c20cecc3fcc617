"""Metrics from definitions vs scikit-learn, and the catalogue's worked examples (AL-13)."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn import metrics as skm

from algorithms import metrics as M


def _data(rng, n, ties):
    y = rng.integers(0, 2, n)
    y[:2] = [0, 1]
    s = rng.random(n)
    if ties:
        s = np.round(s, 1)  # many tied scores, across classes
    return y, s


@pytest.mark.parametrize("n", [10, 257])
@pytest.mark.parametrize("ties", [False, True])
def test_auc_and_average_precision_match_sklearn(n, ties):
    y, s = _data(np.random.default_rng(n + ties), n, ties)
    assert_allclose(
        M.roc_auc(y, s),
        skm.roc_auc_score(y, s),
        rtol=0,
        atol=1e-12,
        err_msg=f"ours {M.roc_auc(y, s)} vs sklearn {skm.roc_auc_score(y, s)}",
    )
    assert_allclose(
        M.pr_auc(y, s),
        skm.average_precision_score(y, s),
        rtol=0,
        atol=1e-12,
        err_msg=f"ours {M.pr_auc(y, s)} vs sklearn {skm.average_precision_score(y, s)}",
    )


def test_auc_rows_is_roc_auc_row_by_row():
    rng = np.random.default_rng(3)
    rows = [_data(rng, 300, ties=bool(i % 2)) for i in range(6)]
    Y, S = np.array([y for y, _ in rows]), np.array([s for _, s in rows])
    Y[5] = 1  # a resample holding one class: no AUC, and no error in the middle of a bootstrap
    auc = M.roc_auc_rows(Y, S)
    assert auc[:5].tolist() == [M.roc_auc(y, s) for y, s in zip(Y[:5], S[:5], strict=True)]
    assert np.isnan(auc[5])


@pytest.mark.parametrize("threshold", [0.0, 0.3, 0.5, 1.01])
def test_precision_recall_f1_match_sklearn(threshold):
    y, s = _data(np.random.default_rng(1), 200, False)
    pred = (s >= threshold).astype(int)
    ours = M.at_threshold(y, s, threshold)
    ref = (
        skm.precision_score(y, pred, zero_division=0),
        skm.recall_score(y, pred),
        skm.f1_score(y, pred, zero_division=0),
    )
    assert_allclose(ours, ref, atol=1e-12, err_msg=f"ours {ours} vs sklearn {ref}")


def test_top_fraction_flags_ceil_k_n_highest():
    y = np.array([1, 0, 1, 0, 0, 0, 0, 0, 0, 1])
    s = np.array([0.9, 0.8, 0.7, 0.1, 0.2, 0.3, 0.4, 0.5, 0.05, 0.01])
    # top 20% = 2 rows (scores .9 and .8): one hit of three positives
    assert_allclose(M.at_top_fraction(y, s, 0.2), (0.5, 1 / 3, 0.4))
    assert M.top_k_mask(s, 0.25).sum() == 3  # ceil(2.5)


def test_brier_matches_sklearn_and_ece_is_zero_when_calibrated():
    rng = np.random.default_rng(2)
    p = rng.random(20_000)
    y = (rng.random(p.size) < p).astype(int)
    assert_allclose(M.brier_score(y, p), skm.brier_score_loss(y, p), atol=1e-12)
    assert M.expected_calibration_error(y, p) < 0.02
    assert M.expected_calibration_error(y, np.clip(p + 0.2, 0, 1)) > 0.1


def test_ece_by_hand():
    y = np.array([0, 1, 1, 1])
    p = np.array([0.05, 0.05, 0.95, 0.95])  # bin 0: |0.5-0.05|, bin 9: |1-0.95|
    assert_allclose(M.expected_calibration_error(y, p), 0.5 * 0.45 + 0.5 * 0.05)


def test_recall_at_10_catalogue_example():
    # AL-13: 4 of 5 relevant documents in the top 10 -> 0.8
    ranked = ["r1", "x", "r2", "x2", "r3", "x3", "x4", "r4", "x5", "x6", "r5"]
    assert M.recall_at_k(ranked, {"r1", "r2", "r3", "r4", "r5"}, 10) == 0.8


def test_mrr_catalogue_example():
    # AL-13: first relevant at ranks 2, 1, 5 -> (1/2 + 1 + 1/5) / 3 = 0.5667
    rankings = [["a", "R"], ["R"], ["a", "b", "c", "d", "R"]]
    assert_allclose(M.mean_reciprocal_rank(rankings, [{"R"}] * 3), 0.5667, atol=5e-5)


@pytest.mark.parametrize("k", [1, 3, 5, 10])
def test_ndcg_linear_gain_matches_sklearn(k):
    rng = np.random.default_rng(k)
    grades = rng.integers(0, 4, 12)
    scores = rng.random(12)
    ranked = list(np.argsort(-scores))
    ours = M.ndcg_at_k(ranked, dict(enumerate(grades)), k, gain="linear")
    ref = skm.ndcg_score([grades], [scores], k=k)
    assert_allclose(ours, ref, atol=1e-12, err_msg=f"ours {ours} vs sklearn {ref}")


def test_ndcg_is_one_for_the_ideal_order_and_zero_without_relevant():
    rel = {"a": 3, "b": 2, "c": 1}
    assert M.ndcg_at_k(["a", "b", "c", "d"], rel, 3) == 1.0
    assert M.ndcg_at_k(["c", "b", "a"], rel, 3) < 1.0
    assert M.ndcg_at_k(["a"], {}, 3) == 0.0


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: M.roc_auc([1, 1, 1], [0.1, 0.2, 0.3]), "both classes"),
        (lambda: M.roc_auc([0, 2], [0.1, 0.2]), "only 0 and 1"),
        (lambda: M.roc_auc([0, 1], [0.1]), "shape"),
        (lambda: M.roc_auc([0, 1], [0.1, np.nan]), "non-finite"),
        (lambda: M.roc_auc([], []), "non-empty"),
        (lambda: M.recall_at_k(["a"], set(), 10), "no relevant"),
        (lambda: M.top_k_mask([0.1], 0), "fraction"),
    ],
)
def test_bad_input_names_the_problem(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def _reference_ece(y, p, n_bins):
    """ECE from numpy's histogram (equal-width bins on [0, 1], the last one closed at 1)."""
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    count = np.histogram(p, edges)[0]
    sum_y, sum_p = np.histogram(p, edges, weights=y)[0], np.histogram(p, edges, weights=p)[0]
    full = count > 0
    return float(np.sum(np.abs(sum_y[full] - sum_p[full])) / len(y))


@pytest.mark.parametrize("n_bins", [None, 3, 7, 15])
def test_ece_matches_histogram_reference(n_bins):
    rng = np.random.default_rng(11)
    p = np.r_[rng.uniform(size=2000), 0.0, 1.0, 1.0, 0.5]  # 1.0 belongs to the last bin
    # miscalibrated with a sign that changes along p, so that merging or shifting bins changes
    # the ECE (with one sign everywhere, |sum y - sum p| is additive over bins)
    q = np.clip(p + 0.3 * np.sin(2 * np.pi * 3.3 * p), 0, 1)
    y = (rng.uniform(size=p.size) < q).astype(int)
    y[-3] = 0  # a confident miss at p = 1.0: it must count, in the last bin
    kwargs = {} if n_bins is None else {"n_bins": n_bins}  # None: the documented default, 10 bins
    ours = M.expected_calibration_error(y, p, **kwargs)
    assert_allclose(ours, _reference_ece(y, p, n_bins or 10), rtol=1e-12, err_msg="ours vs histogram ECE")


def test_ece_rejects_probabilities_outside_the_unit_interval():
    y = np.array([0, 1, 1])
    for p in ([-0.1, 0.5, 0.5], [0.5, 0.5, 1.5]):
        with pytest.raises(ValueError, match=r"^y_prob must lie in \[0, 1\]$"):
            M.expected_calibration_error(y, p)
    assert M.expected_calibration_error(y, [0.0, 1.0, 1.0]) == 0.0
    for fn in (M.expected_calibration_error, M.brier_score):
        with pytest.raises(ValueError, match=r"^y_prob has non-finite values$"):
            fn(y, [0.5, np.nan, 0.5])


@pytest.mark.parametrize("fraction", [0.05, 0.1, 0.37, 1.0])
def test_top_k_mask_matches_a_sorted_reference_with_ties(fraction):
    rng = np.random.default_rng(5)
    s = rng.integers(0, 6, size=200)  # many ties: the stable order (lower index first) decides
    k = int(np.ceil(fraction * s.size))
    expected = np.zeros(s.size, dtype=bool)
    expected[sorted(range(s.size), key=lambda i: (-s[i], i))[:k]] = True
    mask = M.top_k_mask(list(s), fraction)
    assert mask.dtype == bool and mask.sum() == k
    assert (mask == expected).all(), "top-k mask vs sorted((-score, index)) reference"


def test_top_k_fraction_bounds_and_default():
    with pytest.raises(ValueError, match="fraction must be in"):
        M.top_k_mask([1.0, 2.0], 1.5)
    # boolean scores are scores too (True ranks first), so they are read as floats
    assert M.top_k_mask(np.array([True, False, True, False]), 0.5).tolist() == [True, False, True, False]
    rng = np.random.default_rng(6)
    y, s = rng.integers(0, 2, size=100), rng.uniform(size=100)
    assert M.at_top_fraction(y, s) == M.at_top_fraction(y, s, 0.10)  # documented default 10%


def test_ranking_metric_edges():
    assert M.reciprocal_rank(["a", "b"], {"z"}) == 0.0  # no relevant item retrieved: RR = 0
    assert M.recall_at_k(["a", "b"], {"a", "c"}, 1) == 0.5  # k = 1 is valid
    with pytest.raises(ValueError, match=r"^k must be >= 1, got 0$"):
        M.recall_at_k(["a"], {"a"}, 0)
    with pytest.raises(ValueError, match=r"^recall@k is undefined for a query with no relevant items$"):
        M.recall_at_k(["a"], set(), 1)
    with pytest.raises(ValueError, match=r"^need one relevant set per ranking, and at least one query$"):
        M.mean_reciprocal_rank([["a"], ["b"]], [{"a"}])


def test_ndcg_exponential_gain_matches_sklearn_on_transformed_relevance():
    relevance = {"a": 3, "b": 0, "c": 2, "d": 1, "e": 1}
    ranked = ["b", "d", "zz", "a", "c", "e"]  # "zz" is unjudged: relevance 0
    docs = list(relevance) + ["zz"]
    true = np.array([[relevance.get(d, 0) for d in docs]], float)
    score = np.array([[len(ranked) - ranked.index(d) for d in docs]], float)
    for k in (3, 6):
        assert M.ndcg_at_k(ranked, relevance, k) == pytest.approx(
            skm.ndcg_score(2.0**true - 1, score, k=k), rel=1e-12
        ), "exponential gain 2^r - 1"
        assert M.ndcg_at_k(ranked, relevance, k, gain="linear") == pytest.approx(
            skm.ndcg_score(true, score, k=k), rel=1e-12
        ), "linear gain"


def test_precision_recall_f1_edges_match_sklearn():
    cases = [
        ([1, 1, 0, 0], [1, 0, 1, 0]),  # tp == fn and precision == recall
        ([0, 0, 1], [1, 0, 0]),  # no true positive
        ([0, 0, 0], [0, 1, 0]),
    ]  # no positives at all: recall 0 (zero_division=0)
    for y, p in cases:
        ours = M.precision_recall_f1(y, p)
        ref = skm.precision_recall_fscore_support(y, p, average="binary", zero_division=0)[:3]
        assert_allclose(ours, ref, err_msg=f"y={y} pred={p}: ours vs sklearn")
    s = np.array([0.5, 0.2, 0.7, 0.5])
    assert M.at_threshold([1, 0, 1, 0], s) == M.precision_recall_f1([1, 0, 1, 0], (s >= 0.5).astype(int))


def test_pr_auc_with_a_single_positive_matches_sklearn():
    y, s = np.array([0, 1, 0, 0]), np.array([0.9, 0.8, 0.1, 0.3])
    assert M.pr_auc(y, s) == pytest.approx(skm.average_precision_score(y, s), rel=1e-12)
    with pytest.raises(ValueError, match=r"^PR-AUC needs at least one positive in y_true$"):
        M.pr_auc([0, 0], [0.1, 0.2])


def test_hard_boolean_flags_are_valid_scores():
    # a classifier's True/False flags used as scores: one threshold, so AP is sklearn's on 0/1
    y = np.array([0, 1, 1, 0, 1, 0])
    flags = np.array([False, True, False, False, True, True])
    assert M.pr_auc(y, flags) == pytest.approx(skm.average_precision_score(y, flags.astype(float)), rel=1e-12)
    assert M.roc_auc(y, flags) == pytest.approx(skm.roc_auc_score(y, flags.astype(float)), rel=1e-12)


def test_error_messages_name_the_argument_and_show_the_values():
    with pytest.raises(ValueError, match=r"^y_true must hold only 0 and 1, got values \[0 1 2 3 4\]$"):
        M.roc_auc([0, 1, 2, 3, 4, 5], np.zeros(6))  # at most five distinct values are listed
    with pytest.raises(ValueError, match=r"^y_pred must hold only 0 and 1, got values \[0 2\]$"):
        M.precision_recall_f1([0, 1], [0, 2])
    with pytest.raises(ValueError, match=r"^y_pred has shape \(3,\), y_true has \(2,\)$"):
        M.precision_recall_f1([0, 1], [0, 1, 1])
    with pytest.raises(ValueError, match=r"^y_score has shape \(1,\), y_true has \(2,\)$"):
        M.roc_auc([0, 1], [0.5])
    with pytest.raises(ValueError, match=r"^ROC-AUC needs both classes in y_true$"):
        M.roc_auc([1, 1], [0.1, 0.2])


def test_auc_rows_gives_nan_for_a_single_class_row_without_a_warning():
    # documented: a bootstrap row holding one class gives NaN (0/0), silently
    Y = np.array([[0, 1, 1], [1, 1, 1], [0, 0, 0]])
    S = np.array([[0.1, 0.2, 0.3], [0.3, 0.2, 0.1], [0.3, 0.2, 0.1]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        auc = M.roc_auc_rows(Y, S)
    assert auc[0] == 1.0 and np.isnan(auc[1:]).all()


def test_ndcg_error_messages_name_the_bad_argument():
    with pytest.raises(ValueError, match=r"^k must be >= 1, got 0$"):
        M.ndcg_at_k(["a"], {"a": 1}, 0)
    with pytest.raises(ValueError, match=r"^gain must be 'exponential' or 'linear', got 'log'$"):
        M.ndcg_at_k(["a"], {"a": 1}, 1, gain="log")
