"""``python -m systems.rag --beir DIR``: every configuration on a BEIR-format dataset.

Documents are indexed as ``title + text`` chunks (same chunker, same caches as the
synthetic run); chunk results roll up to document ids by the MAX chunk score, the level
the qrels judge. Writes config_table.md, per-query scores and the paired test into
``OUT/rag_beir/``; the story's claims are not judged on foreign data.
"""

from __future__ import annotations

import json
import logging

from systems.core.encoder import model_tag
from systems.rag import experiments as X
from systems.rag.beir import load_beir
from systems.rag.embedding import Encoder, PrecomputedQueries, load_model
from systems.rag.pipeline import build_retriever, chunk_corpus
from systems.rag.rerank import reranker_or_reason

log = logging.getLogger(__name__)


class _Q:
    """The fields of a gold question that the evaluation reads."""

    def __init__(self, qid: str, text: str, relevance: dict[str, int]):
        self.qid, self.text, self.relevance, self.kind = qid, text, relevance, "beir"


def run_beir(cfg, run, model=None) -> list[X.ConfigRow]:
    data = load_beir(cfg.beir)
    log.info(
        "%d documents indexed (%d empty dropped), %d judged queries (%d empty dropped), "
        "%d qrels rows dropped (unknown or empty query or document)",
        len(data.corpus),
        data.empty_documents,
        len(data.queries),
        data.empty_queries,
        data.dropped_qrels,
    )
    model = model or load_model(kind=cfg.encoder)
    encoder = Encoder(model, tag=model_tag(cfg.encoder), cache_dir=cfg.cache_dir, batch_size=cfg.batch_size)
    docs = data.corpus  # empty documents were dropped (and counted) by load_beir
    corpus = chunk_corpus(docs, model.tokenizer, cfg.chunk_tokens, cfg.chunk_overlap)
    reranker, reason = reranker_or_reason(cfg.reranker_path)
    retriever, _ = build_retriever(
        corpus, encoder, cfg.nprobe, cfg.bm25_k1, cfg.bm25_b, cfg.depth, cfg.rrf_k, reranker, cfg.seed
    )
    questions = [_Q(q, data.queries[q], data.qrels[q]) for q in sorted(data.qrels)]
    retriever.encoder = PrecomputedQueries(encoder, [q.text for q in questions])
    modes = ["bm25", "dense", "hybrid"] + (["hybrid_rerank"] if reranker is not None else [])
    per_mode = X.evaluate_modes(retriever, questions, modes, answers=False)
    retriever.close()
    rows = X.table_rows(per_mode, questions)
    run.write_table([r.to_json(by_kind=False) for r in rows], "config_table.md")
    for r in rows:
        for k, v in r.to_json(by_kind=False).items():
            if isinstance(v, float):
                run.metric(k, v, scope=r.config)
    run.metric("documents", len(docs))
    run.metric("empty_documents", data.empty_documents)
    run.metric("chunks", len(corpus.texts))
    run.metric("dropped_qrels", data.dropped_qrels)
    if len(questions) >= 2:
        for k, v in X.significance(per_mode, "hybrid", "dense").to_json().items():
            run.metric(k, v, scope="paired_hybrid_vs_dense")
    per_query = {m: s.to_json() for m, s in per_mode.items()}
    run.path("per_query.json").write_text(
        json.dumps({"qids": [q.qid for q in questions], "scores": per_query}, indent=1) + "\n"
    )
    log.info("%s", reason)
    return rows
