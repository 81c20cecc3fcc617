"""ROUGE-L and extractive answers; per-query metrics, paired tests and the story's composite."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import stats

from systems.rag.answer import extract_answer, lcs_length, rouge_l
from systems.rag.evaluate import MeanScores, paired_test, per_query, story_composite


def test_lcs_and_rouge_l_by_hand():
    assert lcs_length("a b c d".split(), "a c d e".split()) == 3
    # candidate 4 words, reference 5, LCS 3: P = 3/4, R = 3/5, F = 2PR/(P+R) = 2/3
    assert rouge_l("the copay is twenty", "the generic copay is ten") == pytest.approx(2 * 0.75 * 0.6 / 1.35)
    assert rouge_l("same words", "Same words!") == 1.0
    assert rouge_l("", "x") == 0.0 and rouge_l("a", "b") == 0.0


def test_extract_answer_picks_the_supporting_sentence():
    chunks = [
        "# Plan\nThe deductible is $500. A generic drug costs $20 for a 90-day mail order fill.",
        "Unrelated text about travel.",
    ]
    assert (
        extract_answer("generic mail order cost", chunks)
        == "A generic drug costs $20 for a 90-day mail order fill."
    )
    assert extract_answer("zzz", chunks) == ""


def test_per_query_metrics_by_hand():
    qrels = {"q1": {"a": 2, "b": 1}, "q2": {"z": 1}}
    ranks = {"q1": ["x", "a", "y", "b"], "q2": ["z"]}
    s = per_query(ranks, qrels)
    assert_allclose(s.recall_at_5, [1.0, 1.0])
    assert_allclose(s.mrr, [0.5, 1.0])
    dcg = 3 / np.log2(3) + 1 / np.log2(5)
    ideal = 3 + 1 / np.log2(3)
    assert_allclose(s.ndcg_at_10, [dcg / ideal, 1.0], rtol=1e-12)
    assert s.mean().mrr == pytest.approx(0.75) and s.rouge_l is None
    with pytest.raises(ValueError, match="no judged"):
        per_query({}, {})


def test_paired_test_matches_scipy():
    rng = np.random.default_rng(0)
    a, b = rng.random(40), rng.random(40)
    out = paired_test(a, b)
    assert out.t_p_value == pytest.approx(stats.ttest_rel(a, b).pvalue)
    assert out.wilcoxon_p_value == pytest.approx(stats.wilcoxon(a - b).pvalue)
    assert paired_test(a, a).t_p_value == 1.0
    with pytest.raises(ValueError, match="equal-length"):
        paired_test(a, b[:5])


def test_story_composite_recomputed():
    base = {"recall_at_5": 0.72, "mrr": 0.64, "ndcg_at_10": 0.71, "rouge_l": 0.58, "faithfulness": 0.82}
    imp = {"recall_at_5": 0.89, "mrr": 0.81, "ndcg_at_10": 0.89, "rouge_l": 0.74, "faithfulness": 0.93}
    assert story_composite(base) == pytest.approx(0.696)  # the story prints 0.62
    assert story_composite(imp) == pytest.approx(0.8575)  # the story prints 0.855
    means = MeanScores(base["recall_at_5"], 0.0, base["mrr"], base["ndcg_at_10"], base["rouge_l"])
    assert means.composite == pytest.approx(
        np.dot([0.3, 0.2, 0.2], [base["recall_at_5"], base["mrr"], base["ndcg_at_10"]]) / 0.7
    )
