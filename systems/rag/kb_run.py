"""The quick/full run on the synthetic knowledge base: every step that feeds a RAG claim.

Order: data -> chunking study (RAG-01) -> index -> BM25 grid on validation (RAG-04) ->
ablation on validation (RAG-08) -> configuration table on test, touched once (RAG-07/09/15)
-> caches (RAG-10) -> latency (RAG-11) -> fallbacks (RAG-12) -> swaps (RAG-13) ->
IVF sweep (RAG-03) -> embedding throughput (RAG-02) -> RRF example (RAG-05).
"""

from __future__ import annotations

import time

from data.member_kb import generate
from systems.core.encoder import model_tag
from systems.core.plotting import figure
from systems.rag import claims as C
from systems.rag import experiments as X
from systems.rag import operations as O
from systems.rag.cache import EmbeddingCacheAdapter, TTLCache
from systems.rag.dense import DenseIndex, recall_vs_exact
from systems.rag.embedding import Encoder, PrecomputedQueries, load_model
from systems.rag.evaluate import per_query, retrieval_composite, summary
from systems.rag.ivf_sweep import sweep
from systems.rag.keyword import BM25Index
from systems.rag.pipeline import build_retriever, chunk_corpus
from systems.rag.rerank import reranker_or_reason
from systems.rag.retriever import normalise
from systems.rag.rrf import rrf
from systems.rag.service import CachedRag, DocStore, replay_log, run_replay


class _Clock:
    """Prints the seconds each step took, so a slow run shows where its time went."""

    def __init__(self):
        self.t = time.perf_counter()

    def step(self, name: str) -> None:
        now = time.perf_counter()
        print(f"rag: {name} done in {now - self.t:.1f} s", flush=True)
        self.t = now


def _metrics(run, scope: str, values: dict) -> None:
    for k, v in values.items():
        run.metric(k, v, scope=scope)


def run_kb(cfg, run) -> None:
    clock = _Clock()
    kb = generate(cfg.n_plans, cfg.n_pairs, cfg.n_filler, cfg.n_questions, seed=cfg.seed)
    model = load_model(kind=cfg.encoder)
    tok = model.tokenizer
    encoder = Encoder(model, tag=model_tag(cfg.encoder), cache_dir=cfg.cache_dir, batch_size=cfg.batch_size)
    docs = {d.doc_id: (d.title, d.text) for d in kb.documents}
    corpus = chunk_corpus(docs, tok, cfg.chunk_tokens, cfg.chunk_overlap)
    print(
        f"rag: {len(docs)} documents -> {len(corpus.texts)} chunks; {len(kb.questions)} questions", flush=True
    )
    run.metric("documents", len(docs))
    run.metric("chunks", len(corpus.texts))

    chunk_m = X.chunking_study({d: t for d, (_, t) in docs.items()}, tok, model.max_seq_length, corpus.chunks)
    _metrics(run, "chunking", chunk_m)
    clock.step("model load, chunking and the chunking study")

    val = kb.split("validation")
    grid = X.bm25_grid(corpus.texts, corpus.doc_of, val, cfg.depth)
    run.write_table(grid, "bm25_grid.md")
    best = X.best_of_grid(grid, (cfg.bm25_k1, cfg.bm25_b))
    default = next(r for r in grid if r["k1"] == cfg.bm25_k1 and r["b"] == cfg.bm25_b)

    reranker, rerank_reason = reranker_or_reason(cfg.reranker_path)
    retriever, vectors = build_retriever(
        corpus, encoder, cfg.nprobe, best["k1"], best["b"], cfg.depth, cfg.rrf_k, reranker, cfg.seed
    )
    test_split = X.HeldOutTest(kb)
    test = test_split.get()
    clock.step("BM25 grid and index build (corpus encoding)")
    retriever.encoder = PrecomputedQueries(encoder, [q.text for q in val + test])
    modes = ["bm25", "dense", "hybrid"] + (["hybrid_rerank"] if reranker is not None else [])

    ablation = _ablation(retriever, vectors, val, cfg)
    run.write_table(ablation, "ablation.md")

    per_mode = X.evaluate_modes(retriever, test, modes)
    if cfg.eval_512:  # RAG-01: the story's 512/50 windows, truncated by the encoder at 256 tokens
        per_mode["dense_512_50"] = _dense_512(docs, tok, encoder, test, cfg)
        chunk_m["dense_512_ndcg_at_10"] = float(per_mode["dense_512_50"]["ndcg_at_10"].mean())
        chunk_m["dense_ndcg_at_10"] = float(per_mode["dense"]["ndcg_at_10"].mean())
    default_bm25 = BM25Index(k1=cfg.bm25_k1, b=cfg.bm25_b).fit(corpus.texts)
    test_qrels = {q.qid: q.relevance for q in test}
    test_default_pq = per_query(X.bm25_rankings(default_bm25, corpus.doc_of, test, cfg.depth), test_qrels)
    test_default = summary(test_default_pq)
    iv = X.claim_intervals(per_mode, test_default_pq, cfg.seed)
    rows = X.table_rows(per_mode, test)
    run.write_table(rows, "config_table.md")
    by = {r["config"]: r for r in rows}
    for r in rows:
        _metrics(run, r["config"], {k: v for k, v in r.items() if isinstance(v, float)})
    sig = X.significance(per_mode, "hybrid", "dense")
    _metrics(run, "paired_hybrid_vs_dense", sig)

    clock.step("ablation and configuration table")
    cache_m = _caches(kb, retriever, encoder, corpus, cfg)
    clock.step("cache replay")
    _metrics(run, "caches", cache_m)
    retriever.encoder = encoder
    lat_rows, lat = O.latency_table(retriever, [q.text for q in test[:30]])
    run.write_table(lat_rows, "latency.md")
    _metrics(run, "latency", lat)
    fb = O.fallback_drill(retriever, test[0].text, "an unseen question about hearing aids abroad")
    swap = O.swap_drill({d: t for d, (_, t) in list(docs.items())[:300]})
    _metrics(run, "fallback", fb)
    _metrics(run, "swap", swap)

    clock.step("latency, fallback and swap drills")
    sweep_rows = sweep(cfg.sweep_vectors, cfg.sweep_queries, seed=cfg.seed)
    run.write_table(sweep_rows, "ivf_sweep.md")
    plot = _plot_sweep(run, sweep_rows)
    flat = DenseIndex("flat").fit(vectors)
    qv = encoder.encode([q.text for q in val], cache=False)
    _, exact = flat.search(qv, 10)
    _, approx = retriever.dense.search(qv, 10)
    emb = O.embedding_throughput(encoder, corpus.texts[:12], [q.text for q in test[:20]])
    _metrics(run, "embedding", emb)
    retriever.close()
    clock.step("IVF sweep and embedding throughput")

    cell = {(r["nlist"], r["nprobe"]): r for r in sweep_rows}
    ivf_m = {
        "recall_256_10": cell[(256, 10)]["recall_at_10"],
        "searched_256_10": cell[(256, 10)]["searched_fraction"],
        "recall_128_10": cell[(128, 10)]["recall_at_10"],
        "recall_512_10": cell[(512, 10)]["recall_at_10"],
        "ms_128_10": cell[(128, 10)]["ms_per_query"],
        "ms_256_10": cell[(256, 10)]["ms_per_query"],
        "ms_512_10": cell[(512, 10)]["ms_per_query"],
        "ms_flat": cell[(0, 0)]["ms_per_query"],
        "n_vectors": float(cfg.sweep_vectors),
        "corpus_nlist": float(retriever.dense.nlist_),
        "corpus_recall_at_10": recall_vs_exact(approx, exact),
    }
    _metrics(run, "ivf", ivf_m)

    ex = rrf([["A", "B"], ["B", "C"]], k=60, top_n=20)
    d, h, b = by["dense"], by["hybrid"], by["bm25"]
    run.add(
        C.rag01(chunk_m),
        C.rag02(
            {
                k: emb[k]
                for k in (
                    "query_ms_p50",
                    "batch_speedup",
                    "docs_per_s_batched",
                    "docs_per_s_single",
                    "hours_for_2m_docs_batched_here",
                )
            }
        ),
        C.rag03(ivf_m, [plot, "ivf_sweep.md"]),
        C.rag04(
            {
                "best_k1": best["k1"],
                "best_b": best["b"],
                "recall_default": default["recall_at_10"],
                "recall_best": best["recall_at_10"],
                "test_recall_default": test_default["recall_at_10"],
                "test_recall_tuned": b["recall_at_10"],
                "best_is_default": float(best is default),
            },
            iv.bm25_lift,
            ["bm25_grid.md"],
        ),
        C.rag05(dict(ex), [x for x, _ in ex]),
        C.rag06(
            None
            if "hybrid_rerank" not in by
            else {
                "mrr_before": h["mrr"],
                "mrr_after": by["hybrid_rerank"]["mrr"],
                "rerank_ms": 1e3 * _rerank_seconds(retriever, test[:20]),
            },
            rerank_reason,
        ),
        C.rag07(
            {
                f"{p}_{k}": r[k]
                for p, r in (("dense", d), ("hybrid", h))
                for k in ("recall_at_5", "mrr", "ndcg_at_10")
            }
            | {"dense_composite": d["composite_retrieval"], "hybrid_composite": h["composite_retrieval"]},
            iv.hybrid_minus_dense,
            ["config_table.md"],
        ),
        C.rag08(
            {"hybrid_gain": h["composite_retrieval"] / d["composite_retrieval"] - 1},
            iv.hybrid_gain,
            ["config_table.md", "ablation.md"],
        ),
        C.rag09(
            {
                "bm25_to_dense_ratio": b["composite_retrieval"] / d["composite_retrieval"],
                "bm25_composite": b["composite_retrieval"],
                "dense_composite": d["composite_retrieval"],
            },
            iv.bm25_minus_dense_composite,
        ),
        C.rag10(cache_m),
        C.rag11(
            {
                k: lat[k]
                for k in (
                    "concurrent_retrieve_p50_ms",
                    "sequential_retrieve_p50_ms",
                    "concurrent_total_p50_ms",
                    "concurrent_total_p95_ms",
                    "sequential_total_p50_ms",
                    "concurrent_encode_p50_ms",
                    "concurrent_bm25_p50_ms",
                    "concurrent_faiss_p50_ms",
                )
            }
        ),
        C.rag12(fb),
        C.rag13(swap),
        C.rag14(),
        C.rag15({"n_queries": sig["ndcg_at_10_n"]} | {k: v for k, v in sig.items() if not k.endswith("_n")}),
        C.rag16(X.gold_stats(kb, test_split.touches)),
    )


def _dense_512(docs, tok, encoder, questions, cfg) -> dict:
    """Dense-only scores over fixed 512/50 token windows (what the story indexed)."""
    corpus = chunk_corpus(docs, tok, 512, 50, strategy="fixed")
    r, _ = build_retriever(corpus, encoder, cfg.nprobe, depth=cfg.depth, seed=cfg.seed, kind="flat")
    r.encoder = PrecomputedQueries(encoder, [q.text for q in questions])
    out = X.evaluate_modes(r, questions, ["dense"])["dense"]
    r.close()
    return out


def _rerank_seconds(retriever, questions) -> float:
    import numpy as np

    return float(np.median([retriever.search(q.text, "hybrid_rerank").timings["rerank"] for q in questions]))


def _ablation(retriever, vectors, val, cfg) -> list[dict]:
    """Validation-split ablation of the hybrid's knobs and of IVF vs Flat for dense search."""
    rows = []
    base_k, base_depth = retriever.rrf_k, retriever.depth
    for k, depth in (
        (cfg.rrf_k, cfg.depth),
        (10.0, cfg.depth),
        (100.0, cfg.depth),
        (cfg.rrf_k, 10),
        (cfg.rrf_k, 50),
    ):
        retriever.rrf_k, retriever.depth = k, depth
        m = summary(X.evaluate_modes(retriever, val, ["hybrid"], answers=False)["hybrid"])
        rows.append(
            {
                "variant": f"hybrid rrf_k={k:g} depth={depth}",
                "recall_at_5": m["recall_at_5"],
                "mrr": m["mrr"],
                "ndcg_at_10": m["ndcg_at_10"],
                "composite": retrieval_composite(m),
            }
        )
    retriever.rrf_k, retriever.depth = base_k, base_depth
    ivf = retriever.dense
    for name, index in (
        (f"dense IVF (nlist rule, nprobe {cfg.nprobe})", ivf),
        ("dense Flat (exact)", DenseIndex("flat").fit(vectors)),
    ):
        retriever.dense = index
        m = summary(X.evaluate_modes(retriever, val, ["dense"], answers=False)["dense"])
        rows.append(
            {
                "variant": name,
                "recall_at_5": m["recall_at_5"],
                "mrr": m["mrr"],
                "ndcg_at_10": m["ndcg_at_10"],
                "composite": retrieval_composite(m),
            }
        )
    retriever.dense = ivf
    return rows


def _caches(kb, retriever, encoder, corpus, cfg) -> dict[str, float]:
    """Replay a query log with and without invalidation (RAG-10)."""
    import numpy as np

    from systems.core.seeding import rng

    qs = kb.split("train")
    log = replay_log(
        [q.text for q in qs],
        [sorted(q.relevance, key=lambda d: -q.relevance[d]) for q in qs],
        cfg.replay_requests,
        rng(cfg.seed, "replay"),
    )
    retriever.encoder = PrecomputedQueries(encoder, [q for _, q, _ in log])
    results = {}
    for invalidate in (True, False):

        def make(clock, invalidate=invalidate):
            emb = TTLCache(ttl=24 * 3600, max_size=5000, clock=clock)
            retriever.embed_cache = EmbeddingCacheAdapter(emb)
            resp = TTLCache(ttl=3600, max_size=2000, clock=clock)
            return CachedRag(retriever, DocStore(set(corpus.doc_of)), resp, invalidate=invalidate), emb

        results[invalidate] = run_replay(make, log)
    retriever.embed_cache = None
    on, off = results[True], results[False]
    return {
        "response_hit_rate": on.response_hit_rate,
        "embedding_hit_rate": on.embedding_hit_rate,
        "stale_answers": float(on.stale_answers),
        "stale_without_invalidation": float(off.stale_answers),
        "requests": float(on.requests),
        "updates": float(on.updates),
        "invalidated": float(on.invalidated),
        "distinct_questions": float(len({normalise(q) for _, q, _ in log})),
        "novel_share": float(np.mean(["(request" in q for _, q, _ in log])),
    }


def _plot_sweep(run, rows) -> str:
    fig, (ax1, ax2) = figure(10, 4, ncols=2)
    for nlist in sorted({r["nlist"] for r in rows if r["nlist"]}):
        rs = [r for r in rows if r["nlist"] == nlist]
        ax1.plot(
            [r["nprobe"] for r in rs], [r["recall_at_10"] for r in rs], marker="o", label=f"nlist {nlist}"
        )
        ax2.plot(
            [r["ms_per_query"] for r in rs],
            [r["recall_at_10"] for r in rs],
            marker="o",
            label=f"nlist {nlist}",
        )
    flat = next(r for r in rows if r["nlist"] == 0)
    ax2.axvline(flat["ms_per_query"], color="grey", ls="--", label="Flat (exact)")
    ax1.set(xlabel="nprobe", ylabel="recall@10 vs Flat", title="IVF recall by nprobe")
    ax2.set(
        xlabel="ms per query (1 thread)", ylabel="recall@10 vs Flat", xscale="log", title="recall vs latency"
    )
    ax1.legend()
    ax2.legend()
    return run.save_figure(fig, "ivf_sweep.png")
