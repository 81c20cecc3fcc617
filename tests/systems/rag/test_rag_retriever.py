"""The hybrid retriever on a tiny corpus with a fake encoder: modes, roll-up, bad input, fallbacks."""

import pytest

from systems.rag.pipeline import build_retriever, chunk_corpus
from systems.rag.retriever import MAX_QUERY_CHARS, RetrievalUnavailable, check_query, normalise, roll_up


@pytest.fixture
def retriever(small_docs, tokenizer, fake_encoder):
    corpus = chunk_corpus(small_docs, tokenizer, size=24, overlap=8, progress=False)
    r, _ = build_retriever(corpus, fake_encoder, kind="flat", depth=10)
    yield r
    r.close()


def test_roll_up_takes_the_max_chunk_score():
    assert roll_up([0, 1, 2, -1], [0.2, 0.9, 0.5, 9.0], ["a", "a", "b"]) == [("a", 0.9), ("b", 0.5)]


def test_chunks_name_their_document(small_docs, tokenizer):
    corpus = chunk_corpus(small_docs, tokenizer, size=24, overlap=8, progress=False)
    assert len(corpus.texts) > len(small_docs)
    for text, doc in zip(corpus.texts, corpus.doc_of, strict=True):
        assert text.startswith(small_docs[doc][0]) or text.lstrip("# ").startswith(small_docs[doc][0])


@pytest.mark.parametrize("mode", ["bm25", "dense", "hybrid"])
def test_modes_find_the_code(retriever, mode):
    res = retriever.search("MB-2222 generic copay retail", mode, k=3)
    assert res.mode == mode and res.docs[0][0] == "sum-MB-2222"
    assert len({d for d, _ in res.docs}) == len(res.docs), "documents are rolled up, never repeated"


def test_concurrent_equals_sequential(retriever):
    q = "metformin lisinopril interaction"
    assert retriever.search(q, concurrent=True).docs == retriever.search(q, concurrent=False).docs


def test_dense_runs_on_the_calling_thread_and_bm25_beside_it(retriever):
    import threading

    seen = {}
    encode, search = retriever.encoder.encode_query, retriever.bm25.search

    def encode_logged(text):
        seen["dense"] = threading.get_ident()
        return encode(text)

    def search_logged(query, k):
        seen["bm25"] = threading.get_ident()
        return search(query, k)

    retriever.encoder.encode_query, retriever.bm25.search = encode_logged, search_logged
    retriever.search("metformin lisinopril interaction", concurrent=True)
    assert seen["dense"] == threading.get_ident(), "torch work stays on the caller's thread"
    assert seen["bm25"] != threading.get_ident(), "BM25 overlaps on a worker"
    retriever.search("metformin lisinopril interaction", concurrent=False)
    assert seen["bm25"] == threading.get_ident(), "the sequential path uses no worker"


@pytest.mark.parametrize("query", ["", "   \n\t"])
def test_empty_query_is_a_clear_error(retriever, query):
    with pytest.raises(ValueError, match="empty query"):
        retriever.search(query)


def test_long_non_english_and_stop_word_queries(retriever):
    long_q = "generic " * 5000
    assert len(check_query(long_q)) == MAX_QUERY_CHARS
    res = retriever.search(long_q)
    assert res.docs and res.warnings == [f"query cut to its first {MAX_QUERY_CHARS} characters"]
    assert retriever.search("¿Cuánto cuesta metformina con lisinopril?").docs  # dense still answers
    stop = retriever.search("what is the of and", "bm25")
    assert stop.docs == [], "a stop-word-only query matches nothing by keyword"
    assert "no query word is in the keyword index" in stop.warnings[0]
    assert retriever.search("what is the of and", "hybrid").docs, "hybrid falls back on the dense list"
    with pytest.raises(TypeError):
        retriever.search(None)


def test_bad_mode_and_missing_reranker(retriever):
    with pytest.raises(ValueError, match="unknown mode"):
        retriever.search("copay", "sparse")
    with pytest.raises(ValueError, match="needs a reranker"):
        retriever.search("copay", "hybrid_rerank")


def test_empty_corpus(tokenizer, fake_encoder):
    with pytest.raises(ValueError, match="corpus is empty"):
        chunk_corpus({}, tokenizer, 24, 8)
    with pytest.raises(ValueError, match="no text"):
        chunk_corpus({"d": ("", "   ")}, tokenizer, 24, 8)


class Boom:
    def __getattr__(self, name):
        def fail(*a, **k):
            raise RuntimeError("injected")

        return fail


def test_fallback_chain(retriever):
    retriever.encoder = Boom()
    res = retriever.search("MB-2222 generic copay")
    assert res.mode == "bm25_fallback" and res.docs[0][0] == "sum-MB-2222"
    bm25 = retriever.bm25
    retriever.bm25 = Boom()
    retriever.popular = {normalise("What is MB-2222's copay?"): [("sum-MB-2222", 1.0)]}
    res = retriever.search("what is mb-2222's copay")
    assert res.mode == "popular" and res.docs == [("sum-MB-2222", 1.0)]
    with pytest.raises(RetrievalUnavailable, match="both retrievers failed"):
        retriever.search("a novel question")
    retriever.bm25 = bm25


def test_dense_fallback_when_bm25_fails(retriever):
    retriever.bm25 = Boom()
    assert retriever.search("identification card").mode == "dense_fallback"
