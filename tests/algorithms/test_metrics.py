"""Metrics from definitions vs scikit-learn, and the catalogue's worked examples (AL-13)."""

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
    assert_allclose(M.roc_auc(y, s), skm.roc_auc_score(y, s), rtol=0, atol=1e-12,
                    err_msg=f"ours {M.roc_auc(y, s)} vs sklearn {skm.roc_auc_score(y, s)}")
    assert_allclose(M.pr_auc(y, s), skm.average_precision_score(y, s), rtol=0, atol=1e-12,
                    err_msg=f"ours {M.pr_auc(y, s)} vs sklearn {skm.average_precision_score(y, s)}")


@pytest.mark.parametrize("threshold", [0.0, 0.3, 0.5, 1.01])
def test_precision_recall_f1_match_sklearn(threshold):
    y, s = _data(np.random.default_rng(1), 200, False)
    pred = (s >= threshold).astype(int)
    ours = M.at_threshold(y, s, threshold)
    ref = (skm.precision_score(y, pred, zero_division=0), skm.recall_score(y, pred),
           skm.f1_score(y, pred, zero_division=0))
    assert_allclose(ours, ref, atol=1e-12, err_msg=f"ours {ours} vs sklearn {ref}")


def test_top_fraction_flags_ceil_k_n_highest():
    y = np.array([1, 0, 1, 0, 0, 0, 0, 0, 0, 1])
    s = np.array([.9, .8, .7, .1, .2, .3, .4, .5, .05, .01])
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


@pytest.mark.parametrize("call, match", [
    (lambda: M.roc_auc([1, 1, 1], [0.1, 0.2, 0.3]), "both classes"),
    (lambda: M.roc_auc([0, 2], [0.1, 0.2]), "only 0 and 1"),
    (lambda: M.roc_auc([0, 1], [0.1]), "shape"),
    (lambda: M.roc_auc([0, 1], [0.1, np.nan]), "non-finite"),
    (lambda: M.roc_auc([], []), "non-empty"),
    (lambda: M.recall_at_k(["a"], set(), 10), "no relevant"),
    (lambda: M.top_k_mask([0.1], 0), "fraction"),
])
def test_bad_input_names_the_problem(call, match):
    with pytest.raises(ValueError, match=match):
        call()
