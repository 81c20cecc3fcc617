"""The RAG story's claims (RAG-01 .. RAG-16): its figures, our measurements, the verdicts.

Every claimed figure below names the part of the story it comes from (the story itself is
not part of this repository; each claim states its figures). Tolerances are declared here, before the run,
and are not tuned to the outcome. Measured values arrive as the stages' typed results
(``kb_run``, ``experiments``, ``operations``); each claim picks the figures it judges.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from systems.core.ledger import Claim, Interval, Recompute, Relation, Tolerance

if TYPE_CHECKING:
    from systems.rag.encoding_speed import EmbeddingThroughput
    from systems.rag.experiments import ChunkingStudy, ConfigRow, GoldStats, Significance
    from systems.rag.kb_run import Bm25Tuning, CacheReplay, IvfStudy
    from systems.rag.operations import FallbackDrill, LatencyTable, SwapDrill
    from systems.rag.query_latency import QueryLatencyStudy

WEIGHTS = (0.3, 0.2, 0.2, 0.15, 0.15)  # R@5, MRR, NDCG@10, ROUGE-L, faithfulness (eval follow-up 4)
BASELINE = (0.72, 0.64, 0.71, 0.58, 0.82)  # eval follow-ups 4 and 8
IMPROVED = (0.89, 0.81, 0.89, 0.74, 0.93)


def _dot(w, x) -> float:
    return sum(a * b for a, b in zip(w, x, strict=True))


@dataclass(frozen=True)
class RerankGain:
    """MRR of the hybrid before and after the cross-encoder, and its median cost (RAG-06)."""

    mrr_before: float
    mrr_after: float
    rerank_ms: float


def rag01(m: ChunkingStudy) -> Claim:
    # story: architecture answer + follow-ups 1 and 12 (512/50, overlap 25/50/100, 94%, +10%)
    return Claim(
        "RAG-01",
        "512-token chunks with 50-token overlap fit all-MiniLM-L6-v2's window; overlap 50 catches "
        "94% of boundary cases for +10% index size",
        claimed={"context_window_tokens": 512, "caught_50": 0.94, "size_increase_50": 0.10},
        measured={
            "context_window_tokens": m.max_seq_length,
            "caught_50": m.caught_50,
            "size_increase_50": m.size_increase_50,
        }
        | m.to_json(),
        tolerance=Tolerance(abs=0.05),
        unit="tokens / fraction",
        supporting=("caught_50", "size_increase_50"),
        # The claim is that 512-token chunks fit the window: an exact property of the model.
        # The overlap study supports the chunking choice but cannot make the chunks fit.
        relations=[
            Relation("context_window_tokens", ">=", 512),
            Relation("caught_100", ">=", "caught_50", central=False),
            Relation("caught_50", ">=", "caught_25", central=False),
        ],
        checks=[
            Recompute(
                "size_increase_50 on long documents",
                0.10,
                50 / (512 - 50),
                Tolerance(abs=0.01),
                "a long document cut in windows of 512 with stride 462 has 512/462 - 1 more chunks",
            )
        ],
        note=f"The model reads {m.max_seq_length:.0f} tokens, not 512: a 512-token chunk loses "
        f"{m.chunk_512_token_loss:.0%} of its tokens and "
        f"{m.chunk_512_unseen_sentence_share:.0%} of its "
        "sentences start where the encoder no longer reads; our chunks stay within "
        f"{m.main_chunk_max_tokens:.0f} tokens + title. Boundary cases are sentences cut by "
        f"512-token "
        f"windows in documents longer than 512 tokens ({m.boundary_cases:.0f} cases); our short "
        "documents add few chunks with overlap, unlike the story's long PDFs."
        + (
            f" Dense-only NDCG@10 on 512/50 windows {m.dense_512_ndcg_at_10:.3f} vs "
            f"{m.dense_ndcg_at_10:.3f} on our chunks."
            if m.dense_512_ndcg_at_10 is not None
            else " (Dense retrieval over 512/50 windows is measured in the full profile, --eval-512 true.)"
        ),
    )


def rag02(m: EmbeddingThroughput, q: QueryLatencyStudy) -> Claim:
    # story: follow-ups 6 (2 ms per query, 5x faster than mpnet) and 20 (8 h -> 45 min for 2M docs)
    base, chosen = q.row(q.baseline), q.row(q.chosen)
    return Claim(
        "RAG-02",
        "all-MiniLM-L6-v2 encodes a query in about 2 ms; batching 256 per pass took 2M documents "
        "from 8 h to 45 min",
        claimed={"query_ms_p50": 2.0, "batch_speedup": 8 * 60 / 45},
        measured={
            "query_ms_p50": base.encode_p50_ms,
            "batch_speedup": m.batch_speedup,
            "query_ms_p50_fastest": chosen.encode_p50_ms,
            "fastest_test_ndcg_delta": chosen.test_delta,
            "fastest_ndcg_delta_unchosen": q.check.delta,
            "fastest_ndcg_delta_unchosen_lo": q.check.delta_lo,
            "fastest_ndcg_delta_unchosen_hi": q.check.delta_hi,
            "padded_speedup": m.padded_speedup,
            "padded_share_padded": m.padded_share_padded,
            "padded_share_sorted": m.padded_share_sorted,
            "docs_per_s_sorted": m.docs_per_s_sorted,
            "docs_per_s_single": m.docs_per_s_single,
            "hours_for_2m_docs_batched_here": m.hours_for_2m_docs_batched_here,
        },
        tolerance=Tolerance(rel=0.5),
        unit="ms / ratio",
        # decided on the interval over paired rounds: batching helps only when it lies above 1
        relations=[("batch_speedup", ">", 1.0)],
        intervals={"batch_speedup": m.batch_speedup_interval()},
        note=f"Measured on 2 shared CPU cores. query_ms_p50 is the model as shipped (FP32, "
        f"sentence-transformers encode); the fastest variant whose validation nDCG@10 loss is shown "
        f"(interval) to be within {q.max_ndcg_loss} of it is {q.chosen!r} (query_encoding.md has every variant); on the "
        f"{q.check.n_questions} questions that chose nothing (test and train) its nDCG@10 differs "
        f"from FP32's by {q.check.delta:+.4f} [{q.check.delta_lo:+.4f}, {q.check.delta_hi:+.4f}], "
        f"{'inside' if q.check.within_loss else 'not shown inside'} the {q.max_ndcg_loss} loss budget. "
        f"batch_speedup is length-sorted batches of {m.sorted_batch_size} over one text at a time on "
        f"{m.n_texts} chunks (geometric mean of paired rounds, with its interval); one padded batch of all of them gives padded_speedup "
        "(systems/rag/encoding_speed.py explains the padding). "
        "The story's 8 h -> 45 min also used 4 workers on 16 cores, so its speedup mixes batching "
        "with parallelism; ours is batching alone. hours_for_2m_docs_batched_here is an "
        "extrapolation of our batched rate, not a measurement. The 5x-vs-mpnet comparison is not "
        "measured: no mpnet model is available offline.",
        timed=True,
    )


def rag03(m: IvfStudy, evidence: list[str]) -> Claim:
    # story: follow-ups 2 and 16 (256 lists, nprobe 10 -> 4%, 95% recall, 128 slower,
    # 512 lower recall, trained on a 5% sample)
    return Claim(
        "RAG-03",
        "FAISS IVF with 256 lists and nprobe 10 scans ~4% of vectors at 95% recall of exact "
        "search; "
        "128 lists are slower, 512 lists lose recall",
        claimed={"recall_256_10": 0.95, "searched_256_10": 0.04},
        measured=asdict(m),
        tolerance=Tolerance(abs=0.03),
        unit="recall@10 / fraction",
        # decided on paired intervals (ivf_sweep.story_cells): 128 lists slower by a time ratio
        # above 1, 512 lists lower in recall by a per-query difference below 0
        relations=[("ms_128_over_256_10", ">", 1.0), ("recall_512_minus_256_10", "<", 0.0)],
        intervals=m.intervals(),
        checks=[
            Recompute("searched fraction", 0.04, 10 / 256, Tolerance(abs=0.005), "nprobe / nlist = 10/256"),
            Recompute("training sample", 0.05, 100_000 / 2_000_000, Tolerance(abs=0.001), "100K of 2M"),
        ],
        evidence=evidence,
        note=f"Synthetic clustered unit vectors (dim 384, {m.n_vectors:.0f} of them; `make bench` "
        f"runs 1M), "
        "not the story's 2M documents; recall depends on how clustered the vectors are "
        "(see ivf_sweep.py). On our real chunk vectors, IVF with the quick nlist rule "
        f"(nlist {m.corpus_nlist:.0f}, nprobe 10) has recall@10 {m.corpus_recall_at_10:.3f} "
        f"vs Flat.",
        timed=True,
    )


def rag04(
    tuning: Bm25Tuning,
    test_recall_default: float,
    test_recall_tuned: float,
    lift: Interval,
    evidence: list[str],
) -> Claim:
    # story: follow-up 17 (grid, best k1 1.5 b 0.75, recall@10 0.68 -> 0.72)
    m = {
        "best_k1": tuning.best.k1,
        "best_b": tuning.best.b,
        "recall_default": tuning.default.recall_at_10,
        "recall_best": tuning.best.recall_at_10,
        "test_recall_default": test_recall_default,
        "test_recall_tuned": test_recall_tuned,
        "best_is_default": float(tuning.best_is_default),
    }
    return Claim(
        "RAG-04",
        "BM25 grid k1 in {1.2, 1.5, 2.0} x b in {0.65, 0.75, 0.85} on validation: best k1 1.5, "
        "b 0.75; recall@10 0.68 -> 0.72",
        claimed={"best_k1": 1.5, "best_b": 0.75, "recall_default": 0.68, "recall_best": 0.72},
        measured=m,
        tolerance=Tolerance(abs=0.05),
        unit="parameter / recall@10",
        # Which (k1, b) wins and the recall levels are properties of the corpus; the claim that
        # travels is that tuning lifts recall, judged on held-out questions.
        supporting=("best_k1", "best_b", "recall_default", "recall_best"),
        relations=[Relation("test_recall_tuned", ">", "test_recall_default", interval=lift)],
        evidence=evidence,
        note=f"Grid over {tuning.unit} (what BM25 alone ranks), chosen on validation questions (ties go "
        "to the default); the lift is judged on the test "
        "questions. When the grid keeps the default, tuned and default are the same ranker and the "
        "lift is exactly zero, so the claim fails rather than holding by identity"
        + (" (on this draw the grid kept the default)" if tuning.best_is_default else ""),
    )


def rag05(scores: dict[str, float], order: list[str]) -> Claim:
    # story: follow-ups 3 and 13 (k = 60, top-20 lists, worked example)
    return Claim(
        "RAG-05",
        "RRF with k = 60: A = 1/61 = 0.0164, B = 1/62 + 1/61 = 0.0325, C = 1/62 = 0.0159, order B, A, C",
        measured={
            "A": scores["A"],
            "B": scores["B"],
            "C": scores["C"],
            "rank_of_B": float(order.index("B") + 1),
            "rank_of_A": float(order.index("A") + 1),
            "rank_of_C": float(order.index("C") + 1),
        },
        relations=[("B", ">", "A"), ("A", ">", "C"), ("rank_of_B", "<", "rank_of_A")],
        checks=[
            Recompute("A", 0.0164, 1 / 61, Tolerance(abs=5e-5), "1/61, rounded to 4 places"),
            Recompute("B", 0.0325, 1 / 62 + 1 / 61, Tolerance(abs=5e-5), "1/62 + 1/61"),
            Recompute("C", 0.0159, 1 / 62, Tolerance(abs=5e-5), "1/62 = 0.01613"),
        ],
        unit="RRF score",
        note="Scores measured by systems/rag/rrf.py on the story's two lists; the story's "
        "C = 0.0159 is 1/63, not 1/62 (the ranking B, A, C still holds).",
    )


def rag06(m: RerankGain | None, reason: str) -> Claim:
    # story: follow-ups 9 and 18 (ms-marco-MiniLM-L-6-v2 on top 50: MRR 0.76 -> 0.81, +40 ms)
    if m is None:
        return Claim(
            "RAG-06",
            "a cross-encoder reranking the top 50 lifts MRR 0.76 -> 0.81 for +40 ms",
            scope_reason=reason,
        )
    return Claim(
        "RAG-06",
        "a cross-encoder reranking the top 50 lifts MRR 0.76 -> 0.81 for +40 ms",
        claimed={"mrr_before": 0.76, "mrr_after": 0.81, "rerank_ms": 40.0},
        measured=asdict(m),
        tolerance=Tolerance(abs=0.05, rel=0.5),
        relations=[("mrr_after", ">", "mrr_before")],
        unit="MRR / ms",
        note=reason,
        timed=True,
    )


def rag07(dense: ConfigRow, hybrid: ConfigRow, diffs: dict[str, Interval], evidence: list[str]) -> Claim:
    # story: evaluation answer + follow-ups 4 and 8 (metric table and composite)
    base, imp = _dot(WEIGHTS, BASELINE), _dot(WEIGHTS, IMPROVED)
    m = {
        f"{p}_{k}": getattr(r, k)
        for p, r in (("dense", dense), ("hybrid", hybrid))
        for k in ("recall_at_5", "mrr", "ndcg_at_10")
    } | {"dense_composite": dense.composite_retrieval, "hybrid_composite": hybrid.composite_retrieval}
    return Claim(
        "RAG-07",
        "dense baseline -> hybrid: Recall@5 0.72 -> 0.89, MRR 0.64 -> 0.81, NDCG@10 0.71 -> 0.89; "
        "composite 0.62 -> 0.855 (+38%)",
        claimed={
            "dense_recall_at_5": 0.72,
            "dense_mrr": 0.64,
            "dense_ndcg_at_10": 0.71,
            "hybrid_recall_at_5": 0.89,
            "hybrid_mrr": 0.81,
            "hybrid_ndcg_at_10": 0.89,
        },
        measured=m,
        tolerance=Tolerance(abs=0.05),
        unit="metric (test split)",
        relations=[
            Relation(f"hybrid_{k}", ">", f"dense_{k}", interval=diffs[k])
            for k in ("recall_at_5", "mrr", "ndcg_at_10")
        ],
        checks=[
            Recompute(
                "baseline composite",
                0.62,
                base,
                Tolerance(abs=0.005),
                "the composite weights dotted with the baseline row (eval follow-up 8)",
            ),
            Recompute(
                "improved composite",
                0.855,
                imp,
                Tolerance(abs=0.005),
                "the same weights dotted with the improved row",
            ),
        ],
        evidence=evidence,
        note=f"The story's baseline components give {base:.3f}, not 0.62 (so +{imp / base - 1:.0%}, not "
        f"+38%). "
        "ROUGE-L and faithfulness need an LLM and an NLI model (RAG-14); our composite is the "
        "retrieval part "
        f"renormalised: dense {dense.composite_retrieval:.3f} -> hybrid {hybrid.composite_retrieval:.3f}.",
    )


def rag08(dense: ConfigRow, hybrid: ConfigRow, gain: Interval, evidence: list[str]) -> Claim:
    # story: eval follow-up 9 (hybrid alone 0.62 -> 0.715, reranking alone 0.685, GPT-4 alone 0.77)
    return Claim(
        "RAG-08",
        "ablation: hybrid search alone lifts the composite by 15.3% (0.62 -> 0.715)",
        claimed={"hybrid_gain": 0.715 / 0.62 - 1},
        measured={"hybrid_gain": hybrid.composite_retrieval / dense.composite_retrieval - 1},
        tolerance=Tolerance(abs=0.05),
        intervals={"hybrid_gain": gain},
        relations=[("hybrid_gain", ">", 0.0)],
        checks=[
            Recompute("hybrid gain", 0.153, 0.715 / 0.62 - 1, Tolerance(abs=0.002), "0.715 / 0.62 - 1"),
            Recompute("rerank gain", 0.105, 0.685 / 0.62 - 1, Tolerance(abs=0.002), "0.685 / 0.62 - 1"),
            Recompute("GPT-4 gain", 0.242, 0.77 / 0.62 - 1, Tolerance(abs=0.002), "0.77 / 0.62 - 1"),
        ],
        evidence=evidence,
        unit="relative composite gain",
        note="Our gain is on the retrieval composite over the dense baseline (test split); the LLM upgrade "
        "cannot be ablated offline and reranking only with a cross-encoder path. RRF k, list depth and "
        "IVF-vs-Flat ablations are in ablation.md (validation split).",
    )


def rag09(bm25: ConfigRow, dense: ConfigRow, diff: Interval) -> Claim:
    # story: eval follow-up 18 (pure keyword search ~40% composite vs 62% baseline)
    return Claim(
        "RAG-09",
        "pure keyword search would score about 0.40 composite against the 0.62 dense baseline",
        claimed={"bm25_to_dense_ratio": 0.40 / 0.62},
        measured={
            "bm25_to_dense_ratio": bm25.composite_retrieval / dense.composite_retrieval,
            "bm25_composite": bm25.composite_retrieval,
            "dense_composite": dense.composite_retrieval,
        },
        tolerance=Tolerance(abs=0.1),
        relations=[Relation("bm25_composite", "<", "dense_composite", interval=diff)],
        unit="ratio of composites",
        note="On our corpus a third of the questions use codes and drug names, where keyword search is "
        "strong, and BM25 alone ranks whole documents (bm25_unit; chunks with MAX roll-up score lower, "
        "bm25_unit.md); the story's corpus and questions are not available, so the ratio is specific "
        "to the planted mix.",
    )


def rag10(m: CacheReplay) -> Claim:
    # story: architecture answer + follow-up 4 (35% / 60% hit rates, TTL 1 h / 24 h, reverse index, LRU)
    return Claim(
        "RAG-10",
        "response cache (TTL 1 h) hits 35%, query-embedding cache (TTL 24 h) hits 60%; updates "
        "invalidate through a doc_id -> keys reverse index",
        claimed={"response_hit_rate": 0.35, "embedding_hit_rate": 0.60},
        measured=asdict(m),
        tolerance=Tolerance(abs=0.10),
        unit="hit rate",
        relations=[("stale_answers", "<=", 0), ("stale_without_invalidation", ">", 0)],
        by_construction="the hit rates follow from the query log this rebuild replays (Zipf popularity, "
        "30% one-off questions, 24 h, one document update per 25 requests; service.py), "
        "so matching the story's 35% / 60% is no evidence; what is measured is that no "
        "stale answer is served after an update (and that the check fires without "
        "invalidation)",
        note="The embedding cache is "
        "consulted only on response-cache misses. The control run without invalidation shows the stale "
        "check can fire.",
    )


def rag11(lat: LatencyTable, served: str) -> Claim:
    # story: architecture answer + follow-ups 5 and 15 (50 vs 80 ms, p95 alert 300 ms, sub-200 ms)
    return Claim(
        "RAG-11",
        "dense and BM25 in parallel take 50 ms vs 80 ms sequential; end to end under 200 ms, p95 "
        "alert at 300 ms",
        claimed={"concurrent_retrieve_p50_ms": 50.0, "sequential_retrieve_p50_ms": 80.0},
        measured={
            "concurrent_retrieve_p50_ms": lat.p50("concurrent", "retrieve"),
            "sequential_retrieve_p50_ms": lat.p50("sequential", "retrieve"),
            "concurrent_total_p50_ms": lat.p50("concurrent", "total"),
            "concurrent_total_p95_ms": lat.p95("concurrent", "total"),
            "sequential_total_p50_ms": lat.p50("sequential", "total"),
            "concurrent_encode_p50_ms": lat.p50("concurrent", "encode"),
            "concurrent_bm25_p50_ms": lat.p50("concurrent", "bm25"),
            "concurrent_faiss_p50_ms": lat.p50("concurrent", "faiss"),
            "concurrent_minus_sequential_ms": lat.retrieve_diff_ms,
        },
        intervals={"concurrent_minus_sequential_ms": lat.retrieve_diff},
        tolerance=Tolerance(rel=0.5),
        unit="ms",
        relations=[
            # decided on the paired interval of the difference: faster only when it lies below 0
            ("concurrent_minus_sequential_ms", "<", 0.0),
            ("concurrent_total_p50_ms", "<", 200.0),
            ("concurrent_total_p95_ms", "<", 300.0),
        ],
        note="Our index is small (about three thousand chunks, in-process BM25) while the story queried 2M "
        "vectors and an Elasticsearch cluster; query encoding dominates our retrieval time and BM25 "
        "takes well under a millisecond, so running the two concurrently has almost nothing to overlap, "
        "the 2-thread encoder already keeps both cores busy, and the thread hand-off can cost more than "
        "it saves: the difference is about +-0.1 ms, its sign following the machine's state. Queries are encoded by the variant "
        f"RAG-02's study chose ({served}), as a server would run it. No LLM generation is timed.",
        timed=True,
    )


def rag12(drill: FallbackDrill) -> Claim:
    # story: follow-up 14 (fallback chain, last known good index)
    m = asdict(drill)
    return Claim(
        "RAG-12",
        "dense down -> BM25 only; both down -> cached popular answers; novel query -> clear error; "
        "last known good index kept",
        measured=m,
        relations=[(k, ">=", 1.0) for k in sorted(m)],
        unit="drill passed (1/0)",
        note="Each failure injected into the live retriever (operations.fallback_drill); the last-good index "
        "is kept by the blue-green slots (RAG-13).",
    )


def rag13(m: SwapDrill) -> Claim:
    # story: follow-up 7 (blue-green slots, 5 min or 1,000 updates, atomic swap, <= 5 min stale)
    return Claim(
        "RAG-13",
        "blue-green index slots with atomic swap: no downtime, no half-built index served",
        measured=asdict(m),
        unit="count",
        relations=[
            ("blue_green_failed", "<=", 0),
            ("swaps", ">=", 1),
            ("update_visible_after_swap", ">=", 1),
            ("in_place_failed", ">", 0),
            ("blue_green_queries", ">", 0),
        ],
        note="Readers hammer the index from threads during repeated rebuilds; the control rebuilds in place "
        "and readers do hit the half-built state, so the check can fail. Staleness is bounded by the "
        "rebuild trigger (max_pending or max_age), not measured in wall minutes here.",
        timed=True,
    )


def rag14() -> Claim:
    # story: eval answer + follow-ups 6, 13, 16 (ROUGE-L, BLEU, NLI faithfulness with DeBERTa-v3, GPT-4)
    return Claim(
        "RAG-14",
        "ROUGE-L/BLEU on GPT-4 answers and NLI faithfulness (DeBERTa-v3 on MNLI, 30 ms/pair)",
        scope_reason="no LLM and no NLI model are available offline; an extractive answer (best "
        "supporting sentence of the top chunks) with ROUGE-L against reference answers stands "
        "in and is "
        "reported in the configuration table, but it measures retrieval, not generation or "
        "faithfulness",
    )


def rag15(sig: Significance) -> Claim:
    # story: follow-up 8 and eval follow-up 7 (paired t-tests on 500 queries, p < 0.001; A/B 82% vs 68%)
    return Claim(
        "RAG-15",
        "paired t-tests of improved vs baseline on the same queries give p < 0.001",
        claimed={"n_queries": 500},
        measured={"n_queries": sig.ndcg_at_10.n}
        | {k: v for k, v in sig.to_json().items() if not k.endswith("_n")},
        tolerance=Tolerance(rel=0.0),
        relations=[("ndcg_at_10_t_p_value", "<", 0.001), ("ndcg_at_10_mean_diff", ">", 0.0)],
        unit="queries / p-value",
        note="Hybrid vs dense on our test split (per-query NDCG@10, Recall@5, MRR; Wilcoxon as a check). "
        "Our test split is a tenth of a 500-question gold set, as the story's 8/1/1 split implies; "
        "the story's 500 test queries would need 5,000 gold questions. The A/B test with users is "
        "out of scope.",
    )


def rag16(m: GoldStats) -> Claim:
    # story: eval follow-ups 5, 11, 15 (500 gold pairs, months 1-8 / 9 / 10, test touched twice)
    return Claim(
        "RAG-16",
        "500 gold Q&A pairs, chronological 8/1/1 split, test set touched only twice",
        claimed={"n_gold": 500, "validation_fraction": 0.1, "test_fraction": 0.1},
        measured=asdict(m),
        tolerance=Tolerance(abs=0.03),
        unit="count / fraction",
        relations=[("test_touches", "<=", 2), ("chronological", ">=", 1)],
        by_construction="the gold-set size and the month of each question are set by the generator "
        "(--n-questions, data/member_kb.py); the checks that do measure something are "
        "the split discipline: chronological order and how often the run reads the test "
        "split",
        note="Months are drawn uniformly per question, so split fractions vary around 0.8/0.1/0.1. The story "
        "says 500 pairs form the test set and also that they were split 8/1/1; we follow the split.",
    )
