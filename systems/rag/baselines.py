"""Plain library baselines on a BEIR folder, and one-change-at-a-time steps from ours to them.

The plain rows are what anyone rebuilds with the libraries alone:

    BM25    bm25s.tokenize(title + " " + text, stopwords="en"): lower case, English stop
            words, no stemmer, tokens of two or more word characters; bm25s.BM25() defaults
            (Lucene idf, k1 = 1.5, b = 0.75); one entry per document
    dense   MiniLM on title + " " + text, truncated at the model's window (256 tokens),
            cosine similarity, exact search
    hybrid  RRF (k = 60) over the top 100 documents of each

Our pipeline differs from them in a few places, so each family gets rows that change one
thing at a time, from ours to plain (each row keeps the changes of the rows above it):

    bm25    chunks: what hybrid fuses, chunks + MAX roll-up, our tokenizer, Robertson idf,
            configured k1 and b -> whole documents (= ours: what BM25 alone ranks, unless
            the run sets bm25_unit="chunks", then ours is the first row and this one is
            named "whole documents") -> bm25s tokenizer -> Lucene idf, k1 = 1.5, b = 0.75 (= plain)
    dense   ours: chunks + MAX roll-up through our index [-> exact search, if ours is IVF]
            -> whole documents (= plain)
    hybrid  ours: RRF over the top ``depth`` chunks of each -> top 100 chunks of each
            -> RRF of the plain document lists (= plain)

A ranked list of chunks becomes a document ranking by MAX roll-up, which for a list is the
order of first appearance. A row scores the mean nDCG@10 over the judged queries; a step's
effect is the mean of the per-query differences with its t interval (same queries), so a
step is a gain or a loss only when its interval excludes 0.

With validation qrels (``dev.tsv``, else ``train.tsv``) each family also gets a row chosen
on them: the highest validation nDCG@10 over that family's rows (ties: the earlier row),
plus, for BM25, a k1 x b grid on the chosen tokenizer and unit, and for hybrid, RRF over
the chosen BM25 and dense rows. The test qrels choose nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import bm25s
import numpy as np

from systems.rag.dense import DenseIndex
from systems.rag.keyword import tokenize
from systems.rag.rrf import rrf

PLAIN_DEPTH = 100  # documents (or chunks) per list, as the plain hybrid baseline fuses
PLAIN_RRF_K = 60.0
K1_GRID = (0.9, 1.2, 1.5)
B_GRID = (0.4, 0.75)


def bm25s_tokens(texts: list[str]) -> list[list[str]]:
    """bm25s's own tokenizer with English stop words and no stemmer (its plain use)."""
    return bm25s.tokenize(texts, stopwords="en", return_ids=False, show_progress=False)


TOKENIZERS: dict[str, Callable[[list[str]], list[list[str]]]] = {
    "ours": lambda texts: [tokenize(t) for t in texts],
    "bm25s": bm25s_tokens,
}


@dataclass(frozen=True)
class Units:
    """What a retriever ranks: chunk or document texts, and the document of each unit."""

    name: str  # "chunks" or "documents"
    texts: list[str]
    doc_of: list[str]


@dataclass(frozen=True)
class Lists:
    """Ranked unit ids per query, best first (``depth`` long at most), over ``units``."""

    units: Units
    ids: dict[str, list[int]]

    def docs(self, qid: str, k: int = 10) -> list[str]:
        """The query's top-``k`` documents by MAX roll-up (first appearance in the list)."""
        seen = dict.fromkeys(self.units.doc_of[i] for i in self.ids[qid])
        return list(seen)[:k]

    def rankings(self, k: int = 10) -> dict[str, list[str]]:
        return {q: self.docs(q, k) for q in self.ids}

    def head(self, depth: int) -> Lists:
        """The first ``depth`` units of every list."""
        return Lists(self.units, {q: ids[:depth] for q, ids in self.ids.items()})


@dataclass(frozen=True)
class Row:
    """One configuration of a family, the change it makes from the row above, and its lists."""

    family: str  # bm25 | dense | hybrid
    name: str
    change: str
    lists: Lists


def _top(scores: np.ndarray, depth: int, positive_only: bool) -> list[int]:
    order = np.argsort(-scores, kind="stable")[:depth]  # ties by unit index: deterministic
    return [int(i) for i in order if not positive_only or scores[i] > 0]


def bm25_lists(
    units: Units,
    queries: dict[str, str],
    tokenizer: str = "ours",
    k1: float = 1.5,
    b: float = 0.75,
    method: str = "robertson",
    depth: int = PLAIN_DEPTH,
) -> Lists:
    """BM25 (bm25s engine) over ``units``: each query's top ``depth`` units scoring above 0."""
    tok = TOKENIZERS[tokenizer]
    model = bm25s.BM25(k1=k1, b=b, method=method)
    model.index(tok(units.texts), show_progress=False)
    ids = {}
    for qid, terms in zip(queries, tok(list(queries.values())), strict=True):
        known = model.get_tokens_ids(terms)
        scores = model.get_scores_from_ids(known) if known else np.zeros(len(units.texts))
        ids[qid] = _top(np.asarray(scores, dtype=np.float64), depth, positive_only=True)
    return Lists(units, ids)


def dense_lists(
    vectors: np.ndarray,
    units: Units,
    query_vectors: np.ndarray,
    qids: list[str],
    depth: int = PLAIN_DEPTH,
    index: DenseIndex | None = None,
) -> Lists:
    """Top ``depth`` units by inner product of unit vectors; exact unless ``index`` is given.

    vectors : (n_units, dim) unit vectors; query_vectors : (n_queries, dim), rows in ``qids`` order.
    """
    if index is not None:
        _, found = index.search(query_vectors, depth)
        return Lists(units, {q: [int(i) for i in row if i >= 0] for q, row in zip(qids, found, strict=True)})
    sims = query_vectors.astype(np.float64) @ vectors.astype(np.float64).T
    return Lists(units, {q: _top(s, depth, positive_only=False) for q, s in zip(qids, sims, strict=True)})


def fuse(a: Lists, b: Lists, depth: int, documents: Units, k: float = PLAIN_RRF_K) -> Lists:
    """RRF of two lists over the top ``depth`` of each; equal scores keep ``a``'s order first.

    Pass the dense list as ``a``, as the retriever does: ties between ranks are common in RRF
    (rank r in one list scores like rank r in the other), so the order of the lists matters.

    Lists over the same units fuse as they are (chunk ids: the retriever's fusion); lists over
    different units are first rolled up to ``documents`` (one unit per document).
    """
    if a.units is not b.units:
        a, b = as_documents(a, documents), as_documents(b, documents)
    return Lists(a.units, {q: [i for i, _ in rrf([a.ids[q], b.ids[q]], k=k, top_n=depth)] for q in a.ids})


def as_documents(lists: Lists, documents: Units) -> Lists:
    """The same rankings over ``documents``' ids (MAX roll-up), for fusing across units."""
    if lists.units is documents:
        return lists
    pos = {d: i for i, d in enumerate(documents.doc_of)}
    return Lists(documents, {q: [pos[d] for d in lists.docs(q, k=len(pos))] for q in lists.ids})


@dataclass(frozen=True)
class Bm25Config:
    """One BM25 configuration: which units, which tokenizer, which idf, k1, b, list depth."""

    unit: str  # "chunks" or "documents"
    tokenizer: str  # "ours" or "bm25s"
    method: str  # "robertson" or "lucene"
    k1: float
    b: float
    depth: int = PLAIN_DEPTH

    def describe(self) -> str:
        return f"{self.unit}, {self.tokenizer} tokenizer, {self.method} idf, k1 = {self.k1:g}, b = {self.b:g}"


@dataclass(frozen=True)
class Inputs:
    """Everything the rows read: both unit sets, their vectors, the queries and ours' settings.

    chunk_vectors : (n_chunks, dim), doc_vectors : (n_docs, dim), query_vectors : (n_queries, dim)
    in ``queries`` order; ``index`` is our fitted chunk index (Flat or IVF, ``dense.index_kind``).
    """

    chunks: Units
    documents: Units
    queries: dict[str, str]
    chunk_vectors: np.ndarray
    doc_vectors: np.ndarray
    query_vectors: np.ndarray
    index: DenseIndex
    k1: float
    b: float
    bm25_unit: str  # what our BM25 alone ranks: "documents" or "chunks"
    depth: int
    rrf_k: float

    def bm25(self, c: Bm25Config) -> Lists:
        units = self.chunks if c.unit == "chunks" else self.documents
        lists = bm25_lists(units, self.queries, c.tokenizer, c.k1, c.b, c.method, depth=PLAIN_DEPTH)
        return lists.head(c.depth)

    def dense(self, unit: str, exact: bool) -> Lists:
        units, vecs = (
            (self.chunks, self.chunk_vectors) if unit == "chunks" else (self.documents, self.doc_vectors)
        )
        index = None if exact else self.index
        return dense_lists(vecs, units, self.query_vectors, list(self.queries), PLAIN_DEPTH, index)


def bm25_steps(x: Inputs) -> list[tuple[Bm25Config, str, str]]:
    """(configuration, row name, change) from chunks to plain, one change per row; "ours" names
    the row our BM25 alone serves (``x.bm25_unit``)."""
    chunks = Bm25Config("chunks", "ours", "robertson", x.k1, x.b, x.depth)
    docs = replace(chunks, unit="documents", depth=PLAIN_DEPTH)
    tok = replace(docs, tokenizer="bm25s")
    plain = replace(tok, method="lucene", k1=1.5, b=0.75)
    by_docs = x.bm25_unit == "documents"
    return [
        (
            chunks,
            "chunks (hybrid's list)" if by_docs else "ours",
            f"chunks + MAX roll-up over the top {x.depth}, our tokenizer, Robertson idf",
        ),
        (docs, "ours" if by_docs else "whole documents", "one entry per document instead of chunks"),
        (tok, "bm25s tokenizer", "bm25s.tokenize with English stop words instead of ours"),
        (plain, "plain", "Lucene idf, k1 = 1.5, b = 0.75 (bm25s defaults)"),
    ]


def rows(x: Inputs) -> list[Row]:
    """Every family's step rows, ours first and plain last (module docstring)."""
    steps = bm25_steps(x)
    out = [Row("bm25", name, change, x.bm25(c)) for c, name, change in steps]
    ours, exact, whole = x.dense("chunks", False), x.dense("chunks", True), x.dense("documents", True)
    out.append(
        Row(
            "dense",
            "ours",
            f"chunks + MAX roll-up over the top {x.depth}, {x.index.describe()}",
            ours.head(x.depth),
        )
    )
    if x.index.kind_ != "flat":  # an exact index has no step to exact search
        out.append(Row("dense", "exact search", "exact inner product instead of IVF", exact))
    out.append(
        Row("dense", "plain", "whole documents (truncated at the model's window) instead of chunks", whole)
    )
    bm25_chunks = x.bm25(replace(steps[0][0], depth=PLAIN_DEPTH))  # hybrid's, cut by RRF's depth below
    bm25_plain = out[len(steps) - 1].lists
    out += [
        Row(
            "hybrid",
            "ours",
            f"RRF (k = {x.rrf_k:g}) over the top {x.depth} chunks of each",
            fuse(ours, bm25_chunks, x.depth, x.documents, x.rrf_k),
        ),
        Row(
            "hybrid",
            "top 100 of each",
            "RRF over the top 100 chunks of each",
            fuse(ours, bm25_chunks, PLAIN_DEPTH, x.documents, x.rrf_k),
        ),
        Row(
            "hybrid",
            "plain",
            "RRF (k = 60) over the top 100 of the plain BM25 and dense documents",
            fuse(whole, bm25_plain, PLAIN_DEPTH, x.documents, PLAIN_RRF_K),
        ),
    ]
    return out
