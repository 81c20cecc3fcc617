"""The hybrid retriever: dense + BM25 over chunks, RRF fusion, optional rerank, doc roll-up.

    query -> [encode -> FAISS top-20]  ||  [BM25 top-20]      (concurrently: dense on the
                                                                calling thread, BM25 on a worker)
          -> RRF (k = 60) -> optional rerank of the top 50 -> chunk -> document roll-up

Roll-up: a document's score is the MAX over its chunks' scores (one strong passage makes
a document relevant; summing would favour long documents with many weak chunks).

BM25 on its own (mode "bm25", and the fallback below) ranks whole documents when a
document index is given (``pipeline`` says why); each returned document is then backed by
its chunk with the highest chunk BM25 score, the passage an answer is read from.

Fallback chain (RAG-12), per query:

    dense raises            -> BM25 results alone              (mode "bm25_fallback"; the
                                                                chunk list if the document
                                                                index raises too)
    dense and BM25 raise    -> the cached popular answer, if the normalised query has one
    otherwise               -> RetrievalUnavailable naming both failures
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from systems.rag.rrf import rrf

MAX_QUERY_CHARS = 2000
log = logging.getLogger(__name__)


class RetrievalUnavailable(RuntimeError):
    """Both retrievers failed and no cached popular answer exists for the query."""


def check_query(query: str) -> str:
    """The query stripped; empty queries are an error, over-long ones are cut (and reported)."""
    if not isinstance(query, str):
        raise TypeError(f"query must be a string, got {type(query).__name__}")
    q = query.strip()
    if not q:
        raise ValueError("empty query: type a question (the query was empty or only whitespace)")
    return q[:MAX_QUERY_CHARS]


def normalise(query: str) -> str:
    """The cache-key form of a query: lower case, single spaces, no trailing punctuation."""
    return " ".join(query.lower().split()).rstrip("?!. ")


@dataclass
class Result:
    docs: list[tuple[str, float]]  # (doc_id, score), best first
    mode: str  # bm25 | dense | hybrid | hybrid_rerank | *_fallback | popular
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage
    chunks: list[int] = field(default_factory=list)  # chunk ids behind the ranking
    warnings: list[str] = field(default_factory=list)  # handled input problems, reported


def roll_up(chunk_ids, scores, doc_of: list[str]) -> list[tuple[str, float]]:
    """Document ranking from chunk results: max chunk score per document, best first."""
    best: dict[str, float] = {}
    for c, s in zip(chunk_ids, scores, strict=True):
        if c < 0:
            continue
        d = doc_of[int(c)]
        if d not in best or s > best[d]:
            best[d] = float(s)
    return sorted(best.items(), key=lambda kv: -kv[1])


class HybridRetriever:
    """Search chunks with any of four modes and return documents.

    Parameters
    ----------
    texts : list of str            chunk texts, shape (n_chunks,)
    doc_of : list of str           document id of each chunk
    encoder : Encoder-like         ``encode(list[str]) -> (n, dim)`` unit vectors
    dense : DenseIndex             fitted on the chunk vectors
    bm25 : BM25Index               fitted on the chunk texts
    reranker : object or None      ``score(query, texts) -> ndarray`` (higher is better)
    doc_bm25 : BM25Index or None   fitted on whole documents, ``doc_ids`` order; when given,
                                   BM25 alone ranks documents with it instead of chunks
    doc_ids : list of str or None  the document id of each ``doc_bm25`` entry
    """

    def __init__(
        self,
        texts,
        doc_of,
        encoder,
        dense,
        bm25,
        reranker=None,
        depth: int = 20,
        rrf_k: float = 60.0,
        rerank_top: int = 50,
        popular: dict | None = None,
        embed_cache=None,
        doc_bm25=None,
        doc_ids=None,
    ):
        if not texts:
            raise ValueError("the corpus is empty: nothing to retrieve from")
        if (doc_bm25 is None) != (doc_ids is None):
            raise ValueError("give doc_bm25 and doc_ids together (the document index and its ids)")
        self.texts, self.doc_of = list(texts), list(doc_of)
        self.doc_bm25, self.doc_ids = doc_bm25, None if doc_ids is None else list(doc_ids)
        self._chunks_of = _chunks_by_document(self.doc_of)
        if self.doc_ids is not None and (missing := set(self.doc_ids) - self._chunks_of.keys()):
            raise ValueError(
                f"{len(missing)} documents of the BM25 document index have no chunk, e.g. {min(missing)!r}"
            )
        self.encoder, self.dense, self.bm25, self.reranker = encoder, dense, bm25, reranker
        self.depth, self.rrf_k, self.rerank_top = depth, rrf_k, rerank_top
        self.popular = popular or {}
        self.embed_cache = embed_cache
        self._pool = ThreadPoolExecutor(max_workers=1)  # BM25's worker

    def _dense(self, query: str, t: dict) -> list[int]:
        t0 = time.perf_counter()
        key = normalise(query)
        qv = None if self.embed_cache is None else self.embed_cache.get(key)
        if qv is None:
            qv = self.encoder.encode_query(query)
            if self.embed_cache is not None:
                self.embed_cache.put(key, qv)
        t1 = time.perf_counter()
        _, ids = self.dense.search(qv, self.depth)
        t["encode"], t["faiss"] = t1 - t0, time.perf_counter() - t1
        return [int(i) for i in ids[0] if i >= 0]

    def _bm25(self, query: str, t: dict) -> list[int]:
        t0 = time.perf_counter()
        ids, _ = self.bm25.search(query, self.depth)
        t["bm25"] = time.perf_counter() - t0
        return [int(i) for i in ids]

    def _documents(self, query: str, mode: str, t: dict, start: float, k: int) -> Result:
        """Whole-document BM25, each document backed by its best chunk by chunk BM25."""
        t0 = time.perf_counter()
        ids, scores = self.doc_bm25.search(query, max(k, self.depth))
        t["bm25"] = time.perf_counter() - t0
        docs = [(self.doc_ids[i], float(s)) for i, s in zip(ids[:k], scores[:k], strict=True)]
        chunk_scores = self.bm25.scores(query)
        # argmax picks the first of tied chunks: the earlier passage of the document
        chunks = [int(c[np.argmax(chunk_scores[c])]) for c in (self._chunks_of[d] for d, _ in docs)]
        t["total"] = time.perf_counter() - start
        return Result(docs, mode, t, chunks)

    def _retrieve_both(self, query: str, t: dict, concurrent: bool):
        # The dense branch (torch) always runs on the calling thread and only BM25 goes to a
        # worker: torch's intra-op threads serve the thread that started them, and a 2-thread
        # INT8 encode measured 7.6 ms from a pool thread against 3.0 ms from the caller.
        if not concurrent:
            return [self._attempt(self._dense, query, t), self._attempt(self._bm25, query, t)]
        fb = self._pool.submit(self._bm25, query, t)
        dense = self._attempt(self._dense, query, t)
        try:
            bm25 = fb.result()
        except Exception as err:  # noqa: BLE001 - a failure is data for the fallback chain
            bm25 = err
        return [dense, bm25]

    @staticmethod
    def _attempt(fn, query: str, t: dict):
        try:
            return fn(query, t)
        except Exception as err:  # noqa: BLE001 - a failure is data for the fallback chain
            return err

    def search(self, query: str, mode: str = "hybrid", k: int = 10, concurrent: bool = True) -> Result:
        """Top-``k`` documents for ``query`` (see the module docstring for modes and fallbacks)."""
        if mode not in ("bm25", "dense", "hybrid", "hybrid_rerank"):
            raise ValueError(f"unknown mode {mode!r}; use bm25, dense, hybrid or hybrid_rerank")
        if mode == "hybrid_rerank" and self.reranker is None:
            raise ValueError("mode 'hybrid_rerank' needs a reranker (give --reranker-path)")
        q = check_query(query)
        cut = len(query.strip()) > len(q)
        notes = [f"query cut to its first {MAX_QUERY_CHARS} characters"] if cut else []
        res = self._search(q, mode, k, concurrent)
        if mode in ("bm25", "hybrid", "hybrid_rerank") and not self.bm25_terms(q):
            notes.append("no query word is in the keyword index (stop words or unseen terms only)")
        res.warnings = notes
        return res

    def bm25_terms(self, query: str) -> bool:
        try:
            return bool(self.bm25.known_terms(query))
        except Exception:  # noqa: BLE001 - a failing BM25 is handled by the fallback chain
            return True

    def _search(self, q: str, mode: str, k: int, concurrent: bool) -> Result:
        t: dict[str, float] = {}
        start = time.perf_counter()
        if mode == "bm25" and self.doc_bm25 is not None:
            return self._documents(q, mode, t, start, k)
        if mode == "bm25":
            ids = self._bm25(q, t)
            return self._finish(ids, None, mode, t, start, k)
        if mode == "dense":
            ids = self._dense(q, t)
            return self._finish(ids, None, mode, t, start, k)
        t0 = time.perf_counter()
        dense_ids, bm25_ids = self._retrieve_both(q, t, concurrent)
        t["retrieve"] = time.perf_counter() - t0
        if isinstance(dense_ids, Exception) and isinstance(bm25_ids, Exception):
            key = normalise(q)
            if key in self.popular:
                return Result(list(self.popular[key]), "popular", t)
            raise RetrievalUnavailable(
                f"both retrievers failed (dense: {dense_ids!r}; bm25: {bm25_ids!r}) and no cached "
                "answer exists for this query; retry later or check the index files"
            )
        if isinstance(dense_ids, Exception):
            return self._keyword_fallback(q, bm25_ids, t, start, k)
        if isinstance(bm25_ids, Exception):
            return self._finish(dense_ids, None, "dense_fallback", t, start, k)
        t0 = time.perf_counter()
        fused = rrf([dense_ids, bm25_ids], k=self.rrf_k, top_n=self.depth)
        t["rrf"] = time.perf_counter() - t0
        ids, scores = [c for c, _ in fused], [s for _, s in fused]
        if mode == "hybrid_rerank":
            t0 = time.perf_counter()
            ids = ids[: self.rerank_top]
            scores = list(self.reranker.score(q, [self.texts[i] for i in ids]))
            t["rerank"] = time.perf_counter() - t0
        return self._finish(ids, scores, mode, t, start, k)

    def _keyword_fallback(self, q: str, chunk_ids: list[int], t: dict, start: float, k: int) -> Result:
        """Dense is down: whole-document BM25 when there is one, else (or if it raises) chunks."""
        if self.doc_bm25 is not None:
            try:
                return self._documents(q, "bm25_fallback", t, start, k)
            except Exception as err:  # noqa: BLE001 - the chunk list already in hand still serves
                log.warning("document BM25 failed (%r); serving the chunk BM25 list", err)
        return self._finish(chunk_ids, None, "bm25_fallback", t, start, k)

    def _finish(self, ids, scores, mode, t, start, k) -> Result:
        if scores is None:  # a single list: its rank order is the score
            scores = [-r for r in range(len(ids))]
        docs = roll_up(ids, scores, self.doc_of)[:k]
        t["total"] = time.perf_counter() - start
        return Result(docs, mode, t, list(ids))

    def close(self) -> None:
        self._pool.shutdown(wait=False)


def _chunks_by_document(doc_of: list[str]) -> dict[str, np.ndarray]:
    """Chunk ids of each document, ascending, shape (n_chunks_of_doc,) each."""
    out: dict[str, list[int]] = {}
    for i, d in enumerate(doc_of):
        out.setdefault(d, []).append(i)
    return {d: np.asarray(ids) for d, ids in out.items()}


def rankings(
    retriever: HybridRetriever, queries: dict[str, str], mode: str, k: int = 10
) -> dict[str, list[str]]:
    """Document rankings for every query id."""
    return {qid: [d for d, _ in retriever.search(q, mode, k).docs] for qid, q in queries.items()}
