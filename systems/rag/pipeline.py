"""Ingestion: documents -> sentence-aware chunks -> (embeddings -> FAISS IVF) + BM25 -> retriever.

Each chunk is indexed as ``title + newline + chunk text`` so a chunk from the middle of a
plan document still names its plan (for both retrievers). Chunk ids are positions in the
returned lists; ``doc_of[i]`` maps chunk i back to its document for the roll-up.
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
    texts, doc_of, chunks = [], [], []
    items = (
        progress_bar(docs.items(), desc=f"chunking ({strategy})", unit="doc") if progress else docs.items()
    )
    for doc_id, (title, text) in items:
        for c in fn(doc_id, text, tokenizer, size, overlap):
            head = title.strip()
            texts.append(c.text if not head or c.text.lstrip("# ").startswith(head) else f"{head}\n{c.text}")
            doc_of.append(doc_id)
            chunks.append(c)
    if not texts:
        raise ValueError("the corpus has no text to index (every document is empty)")
    return Corpus(texts, doc_of, chunks)


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
) -> tuple[HybridRetriever, np.ndarray]:
    """The retriever over ``corpus`` and the chunk vectors, shape (n_chunks, dim)."""
    vectors = encoder.encode(corpus.texts)
    dense = DenseIndex(kind=kind, nprobe=nprobe, seed=seed).fit(vectors)
    bm25 = BM25Index(k1=k1, b=b).fit(corpus.texts)
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
    ), vectors
