"""Ingestion: documents -> sentence-aware chunks -> (embeddings -> FAISS IVF) + BM25 -> retriever.

Each chunk is indexed as ``title + newline + chunk text`` so a chunk from the middle of a
plan document still names its plan (for both retrievers). Chunk ids are positions in the
returned lists; ``doc_of[i]`` maps chunk i back to its document for the roll-up.

BM25 has two units. Hybrid fuses chunk BM25 with chunk dense lists (same units, one RRF).
BM25 on its own (mode "bm25" and the fallback when dense is down) ranks whole documents,
``title + newline + text`` (as BEIR's BM25 baseline indexes them): a term's frequency and
the document's length are then counted over the document the qrels judge instead of over
a window of it. Against chunks with MAX roll-up, on the knowledge base's ~400 train
questions of each of seeds 0 to 4, that scored nDCG@10 +0.030 to +0.038 (every
interval above 0; the ~50 validation questions of a seed are too few to separate it), and
on the BEIR export +0.028 on test. ``bm25_unit="chunks"`` restores chunk BM25 everywhere;
``make rag`` measures both units on the train and validation questions each run
(``bm25_unit.md``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from systems.core.cli import progress as progress_bar
from systems.rag.chunking import Chunk, fixed_chunks, sentence_chunks
from systems.rag.dense import DenseIndex
from systems.rag.keyword import BM25Index
from systems.rag.retriever import HybridRetriever


@dataclass
class Corpus:
    texts: list[str]  # indexed text of each chunk
    doc_of: list[str]  # document id of each chunk
    chunks: list[Chunk]
    doc_ids: list[str]  # documents with at least one chunk, in corpus order
    doc_texts: list[str]  # title + newline + text of each of them

    def units(self, unit: str) -> tuple[list[str], list[str]]:
        """(texts, document of each text) for BM25 over ``"chunks"`` or whole ``"documents"``."""
        if unit == "chunks":
            return self.texts, self.doc_of
        if unit == "documents":
            return self.doc_texts, self.doc_ids
        raise ValueError(f"unknown BM25 unit {unit!r}; use 'documents' or 'chunks'")


def chunk_corpus(
    docs: dict[str, tuple[str, str]],
    tokenizer,
    size: int,
    overlap: int,
    strategy: str = "sentence",
    progress: bool = True,
) -> Corpus:
    """Chunk every document; ``docs`` maps doc_id -> (title, text)."""
    if not docs:
        raise ValueError("the corpus is empty: give at least one document")
    fn = {"sentence": sentence_chunks, "fixed": fixed_chunks}.get(strategy)
    if fn is None:
        raise ValueError(f"unknown chunking strategy {strategy!r}; use 'sentence' or 'fixed'")
    texts, doc_of, chunks, doc_ids, doc_texts = [], [], [], [], []
    items = (
        progress_bar(docs.items(), desc=f"chunking ({strategy})", unit="doc") if progress else docs.items()
    )
    for doc_id, (title, text) in items:
        head = title.strip()
        pieces = fn(doc_id, text, tokenizer, size, overlap)
        for c in pieces:
            texts.append(c.text if not head or c.text.lstrip("# ").startswith(head) else f"{head}\n{c.text}")
            doc_of.append(doc_id)
            chunks.append(c)
        if pieces:
            doc_ids.append(doc_id)
            # title + text as BEIR's BM25 indexes it, even when the text opens with the title
            doc_texts.append(f"{head}\n{text}" if head else text)
    if not texts:
        raise ValueError("the corpus has no text to index (every document is empty)")
    return Corpus(texts, doc_of, chunks, doc_ids, doc_texts)


def build_retriever(
    corpus: Corpus,
    encoder,
    nprobe: int = 10,
    k1: float = 1.5,
    b: float = 0.75,
    depth: int = 20,
    rrf_k: float = 60.0,
    reranker=None,
    seed: int = 0,
    kind: str = "auto",
    embed_cache=None,
    bm25_unit: str = "documents",
    doc_k1_b: tuple[float, float] | None = None,
) -> tuple[HybridRetriever, np.ndarray]:
    """The retriever over ``corpus`` and the chunk vectors, shape (n_chunks, dim).

    ``bm25_unit`` is what BM25 ranks on its own (module docstring); hybrid always fuses chunks.
    ``k1``, ``b`` set the chunk index, ``doc_k1_b`` the document index (default: the same).
    """
    texts, doc_ids = corpus.units(bm25_unit)  # checks the unit before the slow encoding
    vectors = encoder.encode(corpus.texts)
    dense = DenseIndex(kind=kind, nprobe=nprobe, seed=seed).fit(vectors)
    bm25 = BM25Index(k1=k1, b=b).fit(corpus.texts)
    dk1, db = doc_k1_b or (k1, b)
    documents = BM25Index(k1=dk1, b=db).fit(texts) if bm25_unit == "documents" else None
    return HybridRetriever(
        corpus.texts,
        corpus.doc_of,
        encoder,
        dense,
        bm25,
        reranker=reranker,
        depth=depth,
        rrf_k=rrf_k,
        embed_cache=embed_cache,
        doc_bm25=documents,
        doc_ids=doc_ids if documents is not None else None,
    ), vectors
