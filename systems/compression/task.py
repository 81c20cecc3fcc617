"""The retrieval task every model variant is scored on, and the encoding they share.

Corpus: the RAG system's synthetic knowledge base (``data.member_kb``), each document cut
at its ``## `` section headings into chunks, each chunk prefixed with the document title
(so a section still names its plan or drug). This is deliberately simpler than RAG's
token-aware chunker: systems do not import each other, and every variant here sees the
same chunks, which is all a comparison between variants needs.

Scoring: cosine of the unit-normalised mean-pooled embeddings (the sentence-transformers
recipe for all-MiniLM-L6-v2), a document scores the max over its chunks, and the top 10
documents per question give recall@10 and nDCG@10 (gain 2^grade - 1) from
``algorithms.metrics``. Scores are kept per query so two variants can be compared on a
paired bootstrap over the same questions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import torch

from algorithms.metrics import ndcg_at_k, recall_at_k
from data.member_kb import generate


@dataclass(frozen=True)
class Task:
    chunks: tuple[str, ...]
    doc_of: np.ndarray  # (n_chunks,) document index of each chunk
    doc_ids: tuple[str, ...]
    queries: tuple[str, ...]  # evaluation questions
    qrels: tuple[dict[str, int], ...]
    train_pairs: tuple[tuple[str, str], ...]  # (question, its grade-2 chunk text): LoRA's task
    sentences: tuple[str, ...]  # corpus sentences for calibration and distillation


@dataclass(frozen=True)
class Quality:
    """Per-query retrieval scores, each shape (n_queries,)."""

    ndcg_at_10: np.ndarray
    recall_at_10: np.ndarray

    @property
    def ndcg(self) -> float:
        return float(self.ndcg_at_10.mean())

    @property
    def recall(self) -> float:
        return float(self.recall_at_10.mean())


def _sections(title: str, text: str) -> list[str]:
    parts = [p.strip() for p in re.split(r"\n(?=## )", text) if p.strip()]
    return [p if p.lstrip("# ").startswith(title) else f"{title}\n{p}" for p in parts]


def build_task(n_plans: int, n_pairs: int, n_filler: int, n_questions: int, seed: int) -> Task:
    kb = generate(n_plans, n_pairs, n_filler, n_questions, seed=seed)
    chunks, doc_of, doc_ids = [], [], []
    first_chunk: dict[str, str] = {}
    for i, d in enumerate(kb.documents):
        doc_ids.append(d.doc_id)
        for c in _sections(d.title, d.text):
            chunks.append(c)
            doc_of.append(i)
        first_chunk[d.doc_id] = " ".join(c for c in _sections(d.title, d.text)[:3])
    # months 1-5 train LoRA (the one stage that learns from questions); months 6-10 score every variant
    train = [q for q in kb.questions if q.month <= 5]
    evals = [q for q in kb.questions if q.month > 5] or train
    pairs = tuple((q.text, first_chunk[next(d for d, g in q.relevance.items() if g == 2)]) for q in train)
    sents = [
        s.strip()
        for c in chunks
        for s in re.split(r"(?<=[.?!])\s+|\n+", c)
        if len(s.split()) >= 5 and not s.startswith("#")
    ]
    sents = list(dict.fromkeys(sents))
    order = np.random.default_rng(seed).permutation(len(sents))
    return Task(
        tuple(chunks),
        np.asarray(doc_of),
        tuple(doc_ids),
        tuple(q.text for q in evals),
        tuple(q.relevance for q in evals),
        pairs,
        tuple(sents[i] for i in order),
    )


def mean_pool(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    m = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)


def forward(bert, tokenizer, texts: list[str], max_len: int) -> torch.Tensor:
    """Unit-normalised embeddings (n, dim) with gradients (for training)."""
    batch = tokenizer(list(texts), padding=True, truncation=True, max_length=max_len, return_tensors="pt")
    # single sentences: token types are all 0, the default, so any encoder (BERT, MPNet) fits
    out = bert(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"])
    return torch.nn.functional.normalize(mean_pool(out.last_hidden_state, batch["attention_mask"]), dim=-1)


def embed(bert, tokenizer, texts, max_len: int, batch_size: int = 32) -> np.ndarray:
    """Unit-normalised embeddings (n, dim), float32, no gradients."""
    texts = list(texts)
    order = np.argsort([len(t) for t in texts], kind="stable")  # similar lengths: less padding
    out = []
    with torch.inference_mode():
        for i in range(0, len(texts), batch_size):
            batch = [texts[j] for j in order[i : i + batch_size]]
            out.append(forward(bert, tokenizer, batch, max_len).float().numpy())
    vecs = np.empty((len(texts), out[0].shape[1]), dtype=np.float32)
    vecs[order] = np.concatenate(out)
    return vecs


def rank_documents(
    chunk_vecs: np.ndarray, query_vecs: np.ndarray, doc_of: np.ndarray, n_docs: int, k: int = 10
) -> np.ndarray:
    """Top-k document indices per query (n_queries, k): max chunk cosine per document."""
    sims = query_vecs @ chunk_vecs.T
    doc_scores = np.full((len(query_vecs), n_docs), -np.inf)
    np.maximum.at(doc_scores.T, doc_of, sims.T)
    # ties broken by document index so the ranking is deterministic
    return np.argsort(-doc_scores, axis=1, kind="stable")[:, :k]


def evaluate(bert, tokenizer, task: Task, max_len: int, batch_size: int = 32) -> tuple[Quality, np.ndarray]:
    """Quality of one model variant on the task, and its chunk embeddings."""
    chunk_vecs = embed(bert, tokenizer, task.chunks, max_len, batch_size)
    query_vecs = embed(bert, tokenizer, task.queries, max_len, batch_size)
    return score(chunk_vecs, query_vecs, task), chunk_vecs


def score(chunk_vecs: np.ndarray, query_vecs: np.ndarray, task: Task) -> Quality:
    top = rank_documents(chunk_vecs, query_vecs, task.doc_of, len(task.doc_ids))
    ndcg, rec = [], []
    for row, rel in zip(top, task.qrels, strict=True):
        ranked = [task.doc_ids[i] for i in row]
        ndcg.append(ndcg_at_k(ranked, rel, 10))
        rec.append(recall_at_k(ranked, {d for d, g in rel.items() if g > 0}, 10))
    return Quality(np.asarray(ndcg), np.asarray(rec))
