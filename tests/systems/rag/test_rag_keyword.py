"""BM25: bm25s (engine) agrees with rank-bm25 (reference) on the same tokens; tokenizer and edge cases."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from systems.rag.keyword import BM25Index, tokenize

# every term appears in fewer than half of the documents, so both idf conventions agree
CORPUS = [
    "generic copay mail order ninety day supply plan MB-1111",
    "specialty pharmacy injection training coordinator delivery",
    "prior authorization criteria lab results renewal months",
    "interaction warfarin ibuprofen bleeding risk monitoring",
    "replacement identification card portal mailed business days",
    "appeal denial expedited decision hours grievance",
    "travel abroad emergency receipt reimbursed vacation override",
    "generic generic generic copay retail thirty day",
]
QUERIES = [
    "generic copay",
    "warfarin bleeding",
    "identification card mailed",
    "MB-1111 mail order",
    "lab renewal months criteria",
]


@pytest.mark.parametrize(("k1", "b"), [(1.2, 0.75), (1.5, 0.65), (2.0, 0.85)])
def test_bm25s_matches_rank_bm25(k1, b):
    fast = BM25Index(k1, b, engine="bm25s").fit(CORPUS)
    ref = BM25Index(k1, b, engine="rank_bm25").fit(CORPUS)
    for q in QUERIES:
        ours, theirs = fast.scores(q), ref.scores(q)
        # bm25s stores float32 scores: rtol 1e-5
        assert_allclose(
            ours, theirs, rtol=1e-5, atol=1e-6, err_msg=f"query {q!r}: bm25s {ours} vs rank-bm25 {theirs}"
        )
        assert list(fast.search(q, 3)[0]) == list(ref.search(q, 3)[0])


def test_tokenizer_keeps_codes_and_drops_stop_words():
    assert tokenize("What is the copay for MB-4821 at $45?") == ["copay", "mb-4821", "$45"]
    assert tokenize("Ist Metformin mit Lisinopril sicher?") == [
        "ist",
        "metformin",
        "mit",
        "lisinopril",
        "sicher",
    ]
    assert tokenize("糖尿病 の 薬") == ["糖尿病", "の", "薬"]


def test_stop_word_only_query_scores_zero_and_returns_nothing():
    idx = BM25Index().fit(CORPUS)
    assert np.all(idx.scores("what is the of and") == 0)
    ids, scores = idx.search("what is the of and", 5)
    assert ids.size == 0 and scores.size == 0


def test_unknown_terms_and_search_order():
    idx = BM25Index().fit(CORPUS)
    assert np.all(idx.scores("zzzunknown") == 0)
    ids, scores = idx.search("generic copay", 8)
    assert np.all(np.diff(scores) <= 0) and ids[0] in (0, 7)


def test_empty_corpus_and_bad_engine():
    with pytest.raises(ValueError, match="corpus is empty"):
        BM25Index().fit([])
    with pytest.raises(ValueError, match="unknown engine"):
        BM25Index(engine="lucene").fit(CORPUS)


def test_ties_at_the_cut_go_to_the_lowest_indices():
    # 400 identical chunks and 5 better ones scattered among 3,000: the top k are the 5 best,
    # then the lowest-indexed copies (argpartition alone picks among tied copies at random
    # positions at this size); a brute-force sort by (-score, index) is the reference
    rng = np.random.default_rng(0)
    texts = np.array(["deductible"] * 3000, dtype=object)
    texts[rng.choice(3000, 400, replace=False)] = "copay tier"
    texts[rng.choice(3000, 5, replace=False)] = "copay copay tier"
    index = BM25Index().fit(texts.tolist())
    s = index.scores("copay")
    for k in (3, 10, 20, 100):
        ids, _ = index.search("copay", k)
        assert ids.tolist() == sorted(range(len(texts)), key=lambda i: (-s[i], i))[:k], k
