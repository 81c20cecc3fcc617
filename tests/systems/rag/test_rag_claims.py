"""Claim functions: the story's own arithmetic decides RAG-05 and RAG-07; out-of-scope needs a reason."""

from dataclasses import replace

import numpy as np

from systems.core.ledger import Interval, Verdict, verdict
from systems.rag import claims as C
from systems.rag.evaluate import QueryScores
from systems.rag.experiments import ChunkingStudy, ConfigRow, GridRow
from systems.rag.kb_run import Bm25Tuning, CacheReplay
from systems.rag.rrf import rrf


def test_rrf_example_is_inconsistent_because_of_c():
    ex = rrf([["A", "B"], ["B", "C"]], k=60)
    claim = C.rag05(dict(ex), [d for d, _ in ex])
    assert verdict(claim) is Verdict.INCONSISTENT
    assert [c.agrees() for c in claim.checks] == [True, True, False]


def test_composite_baseline_is_inconsistent():
    dense, hybrid = (
        ConfigRow(c, 50, 0.8, 0.8, 0.8, 0.8, 0.8, None, 0.8, 0.8, 0.8) for c in ("dense", "hybrid")
    )
    iv = {k: Interval(0.01, 0.05, "test") for k in ("recall_at_5", "mrr", "ndcg_at_10")}
    claim = C.rag07(dense, hybrid, iv, [])
    assert [c.agrees() for c in claim.checks] == [False, True]
    assert verdict(claim) is Verdict.INCONSISTENT


def test_reranker_claim_scope():
    assert verdict(C.rag06(None, "no model")) is Verdict.OUT_OF_SCOPE
    measured = C.RerankGain(mrr_before=0.70, mrr_after=0.60, rerank_ms=30.0)
    assert verdict(C.rag06(measured, "tiny")) is Verdict.NOT_REPRODUCED
    assert verdict(C.rag14()) is Verdict.OUT_OF_SCOPE


def test_cache_claim_fails_on_a_stale_answer():
    m = CacheReplay(
        response_hit_rate=0.35,
        embedding_hit_rate=0.6,
        stale_answers=1.0,
        stale_without_invalidation=3.0,
        requests=100.0,
        updates=4.0,
        invalidated=2.0,
        distinct_questions=40.0,
        novel_share=0.3,
    )
    assert verdict(C.rag10(m)) is Verdict.NOT_REPRODUCED
    # the hit rates come from the replayed log we generate: shown, never "reproduced"
    assert verdict(C.rag10(replace(m, stale_answers=0.0))) is Verdict.BY_CONSTRUCTION


def _chunk_m(window: float) -> ChunkingStudy:
    return ChunkingStudy(
        max_seq_length=window,
        chunk_512_token_loss=0.1,
        chunk_512_unseen_sentence_share=0.2,
        chunks_512=100.0,
        long_docs=10.0,
        boundary_cases=40.0,
        main_chunk_token_loss=0.0,
        main_chunk_max_tokens=200.0,
        caught_25=0.5,
        size_increase_25=0.05,
        caught_50=0.94,
        size_increase_50=0.10,
        caught_100=0.99,
        size_increase_100=0.25,
    )


def test_rag01_is_judged_on_the_window_not_the_overlap_study():
    # the overlap relations hold and the overlap figures match; the chunks still do not fit
    assert verdict(C.rag01(_chunk_m(256.0))) is Verdict.NOT_REPRODUCED
    assert verdict(C.rag01(_chunk_m(512.0))) is Verdict.REPRODUCED


def _tuning(same: bool) -> Bm25Tuning:
    default, best = GridRow(1.2, 0.75, 0.68, 0.5), GridRow(1.5, 0.75, 0.72, 0.5)
    return Bm25Tuning([default, best], default if same else best, default)


def test_rag04_grid_keeping_the_default_is_not_a_lift():
    zero = Interval(0.0, 0.0, "identical rankers")
    assert verdict(C.rag04(_tuning(True), 0.7, 0.7, zero, [])) is Verdict.NOT_REPRODUCED
    noisy = Interval(-0.02, 0.06, "bootstrap")
    assert verdict(C.rag04(_tuning(False), 0.70, 0.72, noisy, [])) is Verdict.INCONCLUSIVE
    clear = Interval(0.01, 0.06, "bootstrap")
    assert verdict(C.rag04(_tuning(False), 0.68, 0.72, clear, [])) is Verdict.REPRODUCED


def test_claim_intervals_are_paired_and_seeded():
    from systems.rag.experiments import claim_intervals

    rng = np.random.default_rng(0)

    def mk(shift):
        return QueryScores(
            **{
                k: np.clip(rng.random(60) + shift, 0, 1)
                for k in ("recall_at_5", "recall_at_10", "mrr", "ndcg_at_10")
            }
        )

    per_mode = {"hybrid": mk(0.2), "dense": mk(0.0), "bm25": mk(0.1)}
    a = claim_intervals(per_mode, per_mode["bm25"], seed=3, n_boot=300)
    b = claim_intervals(per_mode, per_mode["bm25"], seed=3, n_boot=300)
    assert a == b
    assert a.bm25_lift.low == a.bm25_lift.high == 0.0  # the same ranker: no lift at all
    assert a.hybrid_minus_dense["mrr"].low > 0


def _latency(diff_ms: float, low: float, high: float):
    from systems.rag.operations import LatencyTable, StageLatency

    rows = tuple(
        StageLatency(path, stage, ms, ms, 400)
        for path in ("sequential", "concurrent")
        for stage, ms in (("retrieve", 5.5), ("total", 6.0), ("encode", 5.0), ("bm25", 0.2), ("faiss", 0.4))
    )
    return LatencyTable(rows, diff_ms, Interval(low, high, "t interval of the mean, n=400"))


def test_rag11_is_decided_on_the_paired_interval_of_the_difference():
    # a point below 0 whose interval straddles 0 shows no gain; the same point with the interval below 0 does
    straddles = C.rag11(_latency(-0.05, -0.15, 0.05), "fp32 onnx 2t")
    below = C.rag11(_latency(-0.05, -0.09, -0.01), "fp32 onnx 2t")
    assert verdict(straddles) == Verdict.NOT_REPRODUCED, straddles.relation_states()
    assert verdict(below) == Verdict.DIRECTION_HOLDS, below.relation_states()
    assert "fp32 onnx 2t" in below.note
