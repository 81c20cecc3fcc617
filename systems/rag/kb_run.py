"""The quick/full run on the synthetic knowledge base: every step that feeds a RAG claim.

Stages, in order (each returns a frozen result; the order fixes every seeded draw and fit):

    load_corpus        data, encoder, chunks
    chunking_study     what 512-token windows lose (RAG-01)
    tune_bm25_units    the (k1, b) grid on validation, per BM25 unit (RAG-04)
    build_index        IVF + BM25 over the chunks; the test split is fetched here, once
    evaluate_configs   ablation on validation (RAG-08), configuration table on test (RAG-07/09/15)
    bm25_units         whole-document vs chunk BM25 alone on train and validation (design check)
    replay_caches      response and embedding caches on a replayed log (RAG-10)
    ivf_study          IVF sweep on synthetic vectors and IVF vs Flat on ours (RAG-03)
    encoding_speeds    corpus batching schedules and the query-encoding variants (RAG-02;
                       ``make bench`` calls the same stage)
    serving_drills     latency, fallbacks, blue-green swaps (RAG-11/12/13), queries encoded
                       by the variant ``encoding_speeds`` chose, as a server would run it
then ``claims`` turns the results into RAG-01..16.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass, replace

import numpy as np

from data.member_kb import KnowledgeBase, Question, generate
from systems.core.encoder import model_tag, quantize_dynamic_int8
from systems.core.ledger import Claim, Interval
from systems.core.plotting import figure
from systems.core.seeding import rng
from systems.rag import claims as C
from systems.rag import experiments as X
from systems.rag import operations as O
from systems.rag.cache import EmbeddingCacheAdapter, TTLCache
from systems.rag.dense import DenseIndex, recall_vs_exact
from systems.rag.embedding import Encoder, PrecomputedQueries, load_model
from systems.rag.encoding_speed import EmbeddingThroughput, embedding_throughput
from systems.rag.evaluate import MeanScores, QueryScores, per_query
from systems.rag.ivf_sweep import SweepRow, story_cells, sweep
from systems.rag.keyword import BM25Index
from systems.rag.pipeline import Corpus, build_retriever, chunk_corpus
from systems.rag.query_latency import QueryLatencyStudy, query_latency_study, serving_encoder
from systems.rag.rerank import reranker_or_reason
from systems.rag.retriever import HybridRetriever, normalise
from systems.rag.rrf import rrf
from systems.rag.service import CachedRag, DocStore, replay_log, run_replay

log = logging.getLogger(__name__)


class _Clock:
    """Logs the seconds each step took, so a slow run shows where its time went."""

    def __init__(self):
        self.t = time.perf_counter()

    def step(self, name: str) -> None:
        now = time.perf_counter()
        log.info("%s done in %.1f s", name, now - self.t)
        self.t = now


def _metrics(run, scope: str, values: dict) -> None:
    for k, v in values.items():
        run.metric(k, v, scope=scope)


@dataclass(frozen=True)
class KbCorpus:
    """The generated knowledge base, the encoder over it and its chunks."""

    kb: KnowledgeBase
    model: object  # the sentence-transformers model (tokenizer, max_seq_length, encode)
    encoder: Encoder
    docs: dict[str, tuple[str, str]]  # doc_id -> (title, text)
    corpus: Corpus

    def texts(self) -> dict[str, str]:
        return {d: t for d, (_, t) in self.docs.items()}


def knowledge_base(cfg) -> tuple[KnowledgeBase, dict[str, tuple[str, str]]]:
    """The generated knowledge base and its documents as doc_id -> (title, text)."""
    kb = generate(cfg.n_plans, cfg.n_pairs, cfg.n_filler, cfg.n_questions, seed=cfg.seed)
    return kb, {d.doc_id: (d.title, d.text) for d in kb.documents}


def load_corpus(cfg) -> KbCorpus:
    kb, docs = knowledge_base(cfg)
    model = load_model(kind=cfg.encoder)
    encoder = Encoder(model, tag=model_tag(cfg.encoder), cache_dir=cfg.cache_dir, batch_size=cfg.batch_size)
    corpus = chunk_corpus(docs, model.tokenizer, cfg.chunk_tokens, cfg.chunk_overlap)
    log.info("%d documents -> %d chunks; %d questions", len(docs), len(corpus.texts), len(kb.questions))
    return KbCorpus(kb, model, encoder, docs, corpus)


@dataclass(frozen=True)
class Bm25Tuning:
    """The validation grid, its winner and the configured default (RAG-04)."""

    grid: list[X.GridRow]
    best: X.GridRow
    default: X.GridRow
    unit: str = "documents"  # what the grid's BM25 ranks: whole "documents" or "chunks"

    @property
    def best_is_default(self) -> bool:
        return self.best == self.default


def tune_bm25(cfg, kc: KbCorpus, unit: str) -> Bm25Tuning:
    """The (k1, b) grid of BM25 over ``unit`` on validation. Each BM25 index takes the winner on
    its own unit: RAG-04 judges the one BM25 alone serves (``cfg.bm25_unit``) against the same
    ranker untuned, and hybrid's chunk index keeps the chunk grid's winner."""
    texts, doc_of = kc.corpus.units(unit)
    grid = X.bm25_grid(texts, doc_of, kc.kb.split("validation"), cfg.depth)
    best = X.best_of_grid(grid, (cfg.bm25_k1, cfg.bm25_b))
    default = next(r for r in grid if r.k1 == cfg.bm25_k1 and r.b == cfg.bm25_b)
    return Bm25Tuning(grid, best, default, unit)


def tune_bm25_units(cfg, kc: KbCorpus) -> tuple[Bm25Tuning, Bm25Tuning]:
    """(BM25 alone's tuning, the chunk index's tuning): one grid when both rank chunks."""
    alone = tune_bm25(cfg, kc, cfg.bm25_unit)
    return alone, alone if cfg.bm25_unit == "chunks" else tune_bm25(cfg, kc, "chunks")


@dataclass(frozen=True)
class Index:
    """The live retriever (tuned BM25 + IVF), its chunk vectors and the held-out test questions."""

    retriever: HybridRetriever
    vectors: np.ndarray  # (n_chunks, dim)
    modes: list[str]
    rerank_reason: str
    test_split: X.HeldOutTest
    test: list[Question]  # the test questions, fetched once


def build_index(cfg, kc: KbCorpus, alone: Bm25Tuning, chunks: Bm25Tuning) -> Index:
    """``alone`` tunes what BM25 alone ranks, ``chunks`` the chunk index hybrid fuses."""
    reranker, rerank_reason = reranker_or_reason(cfg.reranker_path)
    retriever, vectors = build_retriever(
        kc.corpus,
        kc.encoder,
        cfg.nprobe,
        chunks.best.k1,
        chunks.best.b,
        cfg.depth,
        cfg.rrf_k,
        reranker,
        cfg.seed,
        kind=cfg.index,
        bm25_unit=cfg.bm25_unit,
        doc_k1_b=(alone.best.k1, alone.best.b),
    )
    test_split = X.HeldOutTest(kc.kb)
    test = test_split.get()
    modes = ["bm25", "dense", "hybrid"] + (["hybrid_rerank"] if reranker is not None else [])
    return Index(retriever, vectors, modes, rerank_reason, test_split, test)


@dataclass(frozen=True)
class ConfigResults:
    """The configuration table on test and everything judged from it."""

    ablation: list[dict]  # validation split, table rows
    per_mode: dict[str, QueryScores]
    rows: list[X.ConfigRow]
    test_default_bm25: MeanScores  # BM25 with the untuned (k1, b)
    intervals: X.ClaimIntervals
    significance: X.Significance
    chunking: X.ChunkingStudy  # with the dense 512/50 scores when they were measured

    def row(self, config: str) -> X.ConfigRow | None:
        return next((r for r in self.rows if r.config == config), None)


def evaluate_configs(cfg, kc: KbCorpus, index: Index, chunking: X.ChunkingStudy) -> ConfigResults:
    val, test = kc.kb.split("validation"), index.test
    index.retriever.encoder = PrecomputedQueries(kc.encoder, [q.text for q in val + test])
    ablation = _ablation(index.retriever, index.vectors, val, cfg)
    per_mode = X.evaluate_modes(index.retriever, test, index.modes)
    if cfg.eval_512:  # RAG-01: the story's 512/50 windows, truncated by the encoder at 256 tokens
        per_mode["dense_512_50"] = _dense_512(kc, test, cfg)
        chunking = replace(
            chunking,
            dense_512_ndcg_at_10=float(per_mode["dense_512_50"].ndcg_at_10.mean()),
            dense_ndcg_at_10=float(per_mode["dense"].ndcg_at_10.mean()),
        )
    texts, doc_of = kc.corpus.units(cfg.bm25_unit)  # the unit the tuned "bm25" mode ranks
    default_bm25 = BM25Index(k1=cfg.bm25_k1, b=cfg.bm25_b).fit(texts)
    test_qrels = {q.qid: q.relevance for q in test}
    test_default = per_query(X.bm25_rankings(default_bm25, doc_of, test, cfg.depth), test_qrels)
    return ConfigResults(
        ablation=ablation,
        per_mode=per_mode,
        test_default_bm25=test_default.mean(),
        intervals=X.claim_intervals(per_mode, test_default, cfg.seed),
        rows=X.table_rows(per_mode, test),
        significance=X.significance(per_mode, "hybrid", "dense"),
        chunking=chunking,
    )


def _dense_512(kc: KbCorpus, questions, cfg) -> QueryScores:
    """Dense-only scores over fixed 512/50 token windows (what the story indexed)."""
    corpus = chunk_corpus(kc.docs, kc.model.tokenizer, 512, 50, strategy="fixed")
    r, _ = build_retriever(corpus, kc.encoder, cfg.nprobe, depth=cfg.depth, seed=cfg.seed, kind="flat")
    r.encoder = PrecomputedQueries(kc.encoder, [q.text for q in questions])
    out = X.evaluate_modes(r, questions, ["dense"])["dense"]
    r.close()
    return out


def _ablation(retriever, vectors, val, cfg) -> list[dict]:
    """Validation-split ablation of the hybrid's knobs and of IVF vs Flat for dense search."""

    def row(variant: str, mode: str) -> dict:
        m = X.evaluate_modes(retriever, val, [mode], answers=False)[mode].mean()
        return {
            "variant": variant,
            "recall_at_5": m.recall_at_5,
            "mrr": m.mrr,
            "ndcg_at_10": m.ndcg_at_10,
            "composite": m.composite,
        }

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
        rows.append(row(f"hybrid rrf_k={k:g} depth={depth}", "hybrid"))
    retriever.rrf_k, retriever.depth = base_k, base_depth
    ours = retriever.dense  # whichever kind the run chose; both are scored here
    for name, kind in (
        (f"dense IVF (nlist rule, nprobe {cfg.nprobe})", "ivf"),
        ("dense Flat (exact)", "flat"),
    ):
        retriever.dense = corpus_index(cfg, ours, vectors, kind)
        rows.append(row(name, "dense"))
    retriever.dense = ours
    return rows


def bm25_units(cfg, kc: KbCorpus, retriever) -> list[X.UnitEffect]:
    """Whole-document against chunk BM25 alone on the train and validation questions, with the
    run's own indexes (one with the chunk (k1, b) stands in when the run serves chunks)."""
    texts, doc_ids = kc.corpus.units("documents")
    documents = retriever.doc_bm25
    if documents is None:
        documents = BM25Index(retriever.bm25.k1, retriever.bm25.b).fit(texts)
    splits = {s: kc.kb.split(s) for s in ("train", "validation")}
    return X.bm25_unit_study(retriever.bm25, kc.corpus.doc_of, documents, doc_ids, splits, cfg.depth)


def corpus_index(cfg, ours: DenseIndex, vectors: np.ndarray, kind: str) -> DenseIndex:
    """An index of ``kind`` over the chunk vectors: the run's own when it is of that kind (built
    with the same nlist rule, ``cfg.nprobe`` and seed), else one fitted here."""
    if ours.kind_ == kind:
        return ours
    return DenseIndex(kind, nprobe=cfg.nprobe, seed=cfg.seed).fit(vectors)


@dataclass(frozen=True)
class CacheReplay:
    """A replayed query log with invalidation, and the control without it (RAG-10)."""

    response_hit_rate: float
    embedding_hit_rate: float
    stale_answers: float
    stale_without_invalidation: float
    requests: float
    updates: float
    invalidated: float
    distinct_questions: float
    novel_share: float  # one-off questions the log generator made up


def replay_caches(cfg, kc: KbCorpus, retriever: HybridRetriever) -> CacheReplay:
    """Replay a query log with and without invalidation (RAG-10)."""
    qs = kc.kb.split("train")
    log_ = replay_log(
        [q.text for q in qs],
        [sorted(q.relevance, key=lambda d: -q.relevance[d]) for q in qs],
        cfg.replay_requests,
        rng(cfg.seed, "replay"),
    )
    retriever.encoder = PrecomputedQueries(kc.encoder, [q for _, q, _ in log_])
    results = {}
    for invalidate in (True, False):

        def make(clock, invalidate=invalidate):
            emb = TTLCache(ttl=24 * 3600, max_size=5000, clock=clock)
            retriever.embed_cache = EmbeddingCacheAdapter(emb)
            resp = TTLCache(ttl=3600, max_size=2000, clock=clock)
            return CachedRag(retriever, DocStore(set(kc.corpus.doc_of)), resp, invalidate=invalidate), emb

        results[invalidate] = run_replay(make, log_)
    retriever.embed_cache = None
    on, off = results[True], results[False]
    return CacheReplay(
        response_hit_rate=on.response_hit_rate,
        embedding_hit_rate=on.embedding_hit_rate,
        stale_answers=float(on.stale_answers),
        stale_without_invalidation=float(off.stale_answers),
        requests=float(on.requests),
        updates=float(on.updates),
        invalidated=float(on.invalidated),
        distinct_questions=float(len({normalise(q) for _, q, _ in log_})),
        novel_share=float(np.mean(["(request" in q for _, q, _ in log_])),
    )


@dataclass(frozen=True)
class ServingDrills:
    latency: O.LatencyTable
    fallback: O.FallbackDrill
    swap: O.SwapDrill


def serving_drills(kc: KbCorpus, index: Index, query_model) -> ServingDrills:
    """Latency per stage, the fallback chain and blue-green swaps, all on live encoding.

    ``query_model`` encodes the queries (sentence-transformers API: the chosen variant).
    """
    # no disk cache: the drills time live encoding of each query
    index.retriever.encoder = Encoder(query_model, tag="served-query-encoder", progress=False)
    # timing reads no labels, so every train question serves: ~400 paired differences bound
    # the concurrent - sequential mean to about +-0.1 ms (30 questions gave +-0.5 ms, and a
    # verdict that flipped between runs)
    lat = O.latency_table(index.retriever, [q.text for q in kc.kb.split("train")])
    fb = O.fallback_drill(index.retriever, index.test[0].text, "an unseen question about hearing aids abroad")
    swap = O.swap_drill({d: t for d, (_, t) in list(kc.docs.items())[:300]})
    return ServingDrills(lat, fb, swap)


@dataclass(frozen=True)
class IvfStudy:
    """IVF recall and speed by (nlist, nprobe) on synthetic vectors, and IVF vs Flat on ours (RAG-03)."""

    recall_256_10: float
    searched_256_10: float
    recall_128_10: float
    recall_512_10: float
    ms_128_10: float
    ms_256_10: float
    ms_512_10: float
    ms_flat: float
    n_vectors: float
    corpus_nlist: float
    corpus_recall_at_10: float
    # the story's relations at nprobe 10, paired on the same queries / interleaved rounds
    recall_512_minus_256_10: float
    recall_512_minus_256_10_lo: float
    recall_512_minus_256_10_hi: float
    ms_128_over_256_10: float
    ms_128_over_256_10_lo: float
    ms_128_over_256_10_hi: float

    def intervals(self) -> dict[str, Interval]:
        """The relations' figures with their intervals, for the ledger."""
        return {
            "recall_512_minus_256_10": Interval(
                self.recall_512_minus_256_10_lo,
                self.recall_512_minus_256_10_hi,
                "paired t interval over queries",
            ),
            "ms_128_over_256_10": Interval(
                self.ms_128_over_256_10_lo,
                self.ms_128_over_256_10_hi,
                "exp of the t interval of log time ratios over interleaved rounds",
            ),
        }


def ivf_study(cfg, kc: KbCorpus, index: Index) -> tuple[IvfStudy, list[SweepRow]]:
    """The study and the sweep's table rows (one per (nlist, nprobe); nlist 0 is Flat)."""
    sweep_rows = sweep(cfg.sweep_vectors, cfg.sweep_queries, seed=cfg.seed)
    cells = story_cells(cfg.sweep_vectors, cfg.sweep_queries, seed=cfg.seed)
    flat = corpus_index(cfg, index.retriever.dense, index.vectors, "flat")
    qv = kc.encoder.encode([q.text for q in kc.kb.split("validation")], cache=False)
    _, exact = flat.search(qv, 10)
    ivf = corpus_index(cfg, index.retriever.dense, index.vectors, "ivf")
    _, approx = ivf.search(qv, 10)
    cell = {(r.nlist, r.nprobe): r for r in sweep_rows}
    study = IvfStudy(
        recall_256_10=cell[(256, 10)].recall_at_10,
        searched_256_10=cell[(256, 10)].searched_fraction,
        recall_128_10=cell[(128, 10)].recall_at_10,
        recall_512_10=cell[(512, 10)].recall_at_10,
        ms_128_10=cell[(128, 10)].ms_per_query,
        ms_256_10=cell[(256, 10)].ms_per_query,
        ms_512_10=cell[(512, 10)].ms_per_query,
        ms_flat=cell[(0, 0)].ms_per_query,
        n_vectors=float(cfg.sweep_vectors),
        corpus_nlist=float(ivf.nlist_),
        corpus_recall_at_10=recall_vs_exact(approx, exact),
        recall_512_minus_256_10=cells.recall_512_minus_256,
        recall_512_minus_256_10_lo=cells.recall_512_minus_256_lo,
        recall_512_minus_256_10_hi=cells.recall_512_minus_256_hi,
        ms_128_over_256_10=cells.ms_128_over_256,
        ms_128_over_256_10_lo=cells.ms_128_over_256_lo,
        ms_128_over_256_10_hi=cells.ms_128_over_256_hi,
    )
    return study, sweep_rows


@dataclass(frozen=True)
class EncodingSpeeds:
    """Corpus batching schedules and query-encoding variants, measured side by side (RAG-02)."""

    throughput: EmbeddingThroughput
    queries: QueryLatencyStudy
    models: dict[str, object]  # "fp32"/"int8" -> the loaded models the variants were built on


def encoder_models(kind: str, model) -> dict[str, object]:
    """The FP32 and the dynamic-INT8 model, reusing the run's own ``model`` (of ``kind``)."""
    fp32 = model if kind == "fp32" else load_model(kind="fp32")
    return {"fp32": fp32, "int8": model if kind == "int8" else quantize_dynamic_int8(fp32)}


def encoding_speeds(cfg, kc: KbCorpus, index: Index, n_texts: int = 64) -> EncodingSpeeds:
    """Batching schedules on a seeded sample of chunks, then the query-encoding study."""
    pick = rng(cfg.seed, "encoding-speed").choice(
        len(kc.corpus.texts), size=min(n_texts, len(kc.corpus.texts)), replace=False
    )
    texts = [kc.corpus.texts[i] for i in sorted(pick)]
    throughput = embedding_throughput(kc.model, texts, batch_size=cfg.batch_size)
    models = encoder_models(cfg.encoder, kc.model)
    study = query_latency_study(
        index.retriever,
        models,
        kc.kb.split("validation"),
        index.test,
        held_out=kc.kb.split("train"),  # choose nothing: they only check the choice's quality
    )
    return EncodingSpeeds(throughput, study, models)


def run_kb(cfg, run) -> None:
    clock = _Clock()
    kc = load_corpus(cfg)
    run.metric("documents", len(kc.docs))
    run.metric("chunks", len(kc.corpus.texts))
    chunking = X.chunking_study(kc.texts(), kc.model.tokenizer, kc.model.max_seq_length, kc.corpus.chunks)
    _metrics(run, "chunking", chunking.to_json())
    clock.step("model load, chunking and the chunking study")

    tuning, chunks = tune_bm25_units(cfg, kc)  # RAG-04 judges the first
    grids = [chunks] if chunks is tuning else [chunks, tuning]
    run.write_table([{"unit": t.unit, **asdict(r)} for t in grids for r in t.grid], "bm25_grid.md")
    index = build_index(cfg, kc, tuning, chunks)
    clock.step("BM25 grid and index build (corpus encoding)")

    configs = evaluate_configs(cfg, kc, index, chunking)
    run.write_table(configs.ablation, "ablation.md")
    units = bm25_units(cfg, kc, index.retriever)
    run.write_table([asdict(u) for u in units], "bm25_unit.md")
    for u in units:
        _metrics(run, f"bm25_unit_{u.split}", {k: v for k, v in asdict(u).items() if k != "split"})
    run.write_table([r.to_json() for r in configs.rows], "config_table.md")
    for r in configs.rows:
        _metrics(run, r.config, {k: v for k, v in r.to_json().items() if isinstance(v, float)})
    _metrics(run, "paired_hybrid_vs_dense", configs.significance.to_json())
    clock.step("ablation and configuration table")

    caches = replay_caches(cfg, kc, index.retriever)
    clock.step("cache replay")
    _metrics(run, "caches", asdict(caches))

    ivf, sweep_rows = ivf_study(cfg, kc, index)
    run.write_table([asdict(r) for r in sweep_rows], "ivf_sweep.md")
    plot = _plot_sweep(run, sweep_rows)
    _metrics(run, "ivf", asdict(ivf))
    clock.step("IVF sweep")

    speeds = encoding_speeds(cfg, kc, index)
    _metrics(run, "embedding", asdict(speeds.throughput))
    run.write_table(speeds.queries.table(), "query_encoding.md")
    numeric = {k: v for k, v in asdict(speeds.queries).items() if isinstance(v, float)}
    _metrics(run, "query_encoding", numeric)  # the variant names are in query_encoding.md
    _metrics(run, "query_encoding_check", asdict(speeds.queries.check))
    clock.step("corpus batching and query-encoding variants")

    # rebuilt from the loaded models (an ONNX export, ~4 s): the study keeps figures, not sessions
    drills = serving_drills(kc, index, serving_encoder(speeds.models, speeds.queries.chosen))
    index.retriever.close()
    run.write_table(drills.latency.table(), "latency.md")
    _metrics(run, "latency", drills.latency.to_json())
    _metrics(run, "fallback", asdict(drills.fallback))
    _metrics(run, "swap", asdict(drills.swap))
    clock.step("latency, fallback and swap drills (the chosen query encoder)")

    run.add(*claims(kc, tuning, index, configs, caches, drills, ivf, speeds, plot))


def claims(
    kc: KbCorpus,
    tuning: Bm25Tuning,
    index: Index,
    configs: ConfigResults,
    caches: CacheReplay,
    drills: ServingDrills,
    ivf: IvfStudy,
    speeds: EncodingSpeeds,
    plot: str,
) -> list[Claim]:
    """RAG-01..16 from the stage results (the reranker is timed here, on the closed-pool path)."""
    ex = rrf([["A", "B"], ["B", "C"]], k=60, top_n=20)
    d, h, b = configs.row("dense"), configs.row("hybrid"), configs.row("bm25")
    reranked = configs.row("hybrid_rerank")
    iv = configs.intervals
    return [
        C.rag01(configs.chunking),
        C.rag02(speeds.throughput, speeds.queries),
        C.rag03(ivf, [plot, "ivf_sweep.md"]),
        C.rag04(
            tuning,
            configs.test_default_bm25.recall_at_10,
            b.recall_at_10,
            iv.bm25_lift,
            ["bm25_grid.md"],
        ),
        C.rag05(dict(ex), [x for x, _ in ex]),
        C.rag06(
            None
            if reranked is None
            else C.RerankGain(h.mrr, reranked.mrr, 1e3 * _rerank_seconds(index.retriever, index.test[:20])),
            index.rerank_reason,
        ),
        C.rag07(d, h, iv.hybrid_minus_dense, ["config_table.md"]),
        C.rag08(d, h, iv.hybrid_gain, ["config_table.md", "ablation.md"]),
        C.rag09(b, d, iv.bm25_minus_dense_composite),
        C.rag10(caches),
        C.rag11(drills.latency, speeds.queries.chosen),
        C.rag12(drills.fallback),
        C.rag13(drills.swap),
        C.rag14(),
        C.rag15(configs.significance),
        C.rag16(X.gold_stats(kc.kb, index.test_split.touches)),
    ]


def _rerank_seconds(retriever, questions) -> float:
    return float(np.median([retriever.search(q.text, "hybrid_rerank").timings["rerank"] for q in questions]))


def _plot_sweep(run, rows: list[SweepRow]) -> str:
    fig, (ax1, ax2) = figure(10, 4, ncols=2)
    for nlist in sorted({r.nlist for r in rows if r.nlist}):
        rs = [r for r in rows if r.nlist == nlist]
        ax1.plot([r.nprobe for r in rs], [r.recall_at_10 for r in rs], marker="o", label=f"nlist {nlist}")
        ax2.plot(
            [r.ms_per_query for r in rs], [r.recall_at_10 for r in rs], marker="o", label=f"nlist {nlist}"
        )
    flat = next(r for r in rows if r.nlist == 0)
    ax2.axvline(flat.ms_per_query, color="grey", ls="--", label="Flat (exact)")
    ax1.set(xlabel="nprobe", ylabel="recall@10 vs Flat", title="IVF recall by nprobe")
    ax2.set(
        xlabel="ms per query (1 thread)", ylabel="recall@10 vs Flat", xscale="log", title="recall vs latency"
    )
    ax1.legend()
    ax2.legend()
    return run.save_figure(fig, "ivf_sweep.png")
