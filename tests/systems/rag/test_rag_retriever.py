"""The hybrid retriever on a tiny corpus with a fake encoder: modes, roll-up, bad input, fallbacks."""

import numpy as np
import pytest

from systems.rag.keyword import BM25Index
from systems.rag.pipeline import build_retriever, chunk_corpus
from systems.rag.retriever import (
    MAX_QUERY_CHARS,
    HybridRetriever,
    RetrievalUnavailable,
    check_query,
    normalise,
    roll_up,
)


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


QUERIES = ["MB-2222 generic copay retail", "identification card", "metformin lisinopril interaction"]


def test_documents_are_kept_whole_beside_their_chunks(small_docs, tokenizer):
    docs = small_docs | {"empty": ("A title only", "  ")}
    corpus = chunk_corpus(docs, tokenizer, size=24, overlap=8, progress=False)
    assert corpus.units("chunks") == (corpus.texts, corpus.doc_of)
    texts, ids = corpus.units("documents")
    assert ids == list(small_docs), "corpus order, and a document without chunks is left out"
    for text, d in zip(texts, ids, strict=True):
        title, body = small_docs[d]
        assert text == f"{title}\n{body}", "title + text, as the plain BM25 baseline indexes a document"
    with pytest.raises(ValueError, match="unknown BM25 unit 'passages'"):
        corpus.units("passages")


def test_bm25_alone_ranks_whole_documents_each_backed_by_its_best_chunk(small_docs, tokenizer, retriever):
    corpus = chunk_corpus(small_docs, tokenizer, size=24, overlap=8, progress=False)
    texts, ids = corpus.units("documents")
    reference = BM25Index(k1=1.5, b=0.75).fit(texts)  # build_retriever's default (k1, b)
    for q in QUERIES:
        res = retriever.search(q, "bm25", k=3)
        found, scores = reference.search(q, 3)
        expected = [(ids[i], float(s)) for i, s in zip(found, scores, strict=True)]
        assert res.docs == expected, (q, res.docs, expected)
        chunk_scores = retriever.bm25.scores(q)
        for (d, _), c in zip(res.docs, res.chunks, strict=True):
            own = [i for i, x in enumerate(corpus.doc_of) if x == d]
            assert corpus.doc_of[c] == d
            assert c == own[int(np.argmax(chunk_scores[own]))], "the first of the best chunks"


def test_bm25_unit_chunks_keeps_the_max_roll_up(small_docs, tokenizer, fake_encoder):
    corpus = chunk_corpus(small_docs, tokenizer, size=24, overlap=8, progress=False)
    r, _ = build_retriever(corpus, fake_encoder, kind="flat", depth=10, bm25_unit="chunks")
    assert r.doc_bm25 is None
    for q in QUERIES:
        ids, scores = r.bm25.search(q, 10)
        expected = [d for d, _ in roll_up(ids, scores, corpus.doc_of)[:3]]
        assert [d for d, _ in r.search(q, "bm25", k=3).docs] == expected, q
    r.close()


def test_bad_bm25_unit_is_refused_before_encoding(small_docs, tokenizer, fake_encoder_class):
    corpus = chunk_corpus(small_docs, tokenizer, size=24, overlap=8, progress=False)
    encoder = fake_encoder_class()
    with pytest.raises(ValueError, match="unknown BM25 unit 'passages'; use 'documents' or 'chunks'"):
        build_retriever(corpus, encoder, kind="flat", bm25_unit="passages")
    assert encoder.calls == 0


def test_document_index_needs_its_ids_and_a_chunk_for_each(retriever):
    with pytest.raises(ValueError, match="give doc_bm25 and doc_ids together"):
        HybridRetriever(retriever.texts, retriever.doc_of, None, None, None, doc_bm25=retriever.doc_bm25)
    with pytest.raises(
        ValueError, match="1 documents of the BM25 document index have no chunk, e.g. 'ghost'"
    ):
        HybridRetriever(
            retriever.texts,
            retriever.doc_of,
            None,
            None,
            None,
            doc_bm25=retriever.doc_bm25,
            doc_ids=["ghost"],
        )


def test_dense_down_serves_whole_documents_then_chunks_if_that_index_fails(retriever, caplog):
    q = QUERIES[0]
    alone = retriever.search(q, "bm25")
    retriever.encoder = Boom()
    res = retriever.search(q)
    assert (res.mode, res.docs, res.chunks) == ("bm25_fallback", alone.docs, alone.chunks)
    retriever.doc_bm25 = Boom()
    res = retriever.search(q)
    assert "document BM25 failed (RuntimeError('injected')); serving the chunk BM25 list" in caplog.text
    ids, scores = retriever.bm25.search(q, retriever.depth)
    assert res.mode == "bm25_fallback" and res.chunks == ids.tolist(), "the chunk list, not documents"
    assert [d for d, _ in res.docs] == [d for d, _ in roll_up(ids, scores, retriever.doc_of)[:10]]
