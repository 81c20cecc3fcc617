"""Claim functions: the story's own arithmetic decides RAG-05 and RAG-07; out-of-scope needs a reason."""

from systems.core.ledger import Verdict, verdict
from systems.rag import claims as C
from systems.rag.rrf import rrf


def test_rrf_example_is_inconsistent_because_of_c():
    ex = rrf([["A", "B"], ["B", "C"]], k=60)
    claim = C.rag05(dict(ex), [d for d, _ in ex])
    assert verdict(claim) is Verdict.INCONSISTENT
    assert [c.agrees() for c in claim.checks] == [True, True, False]


def test_composite_baseline_is_inconsistent():
    m = {f"{p}_{k}": v for p in ("dense", "hybrid") for k, v in
         (("recall_at_5", 0.8), ("mrr", 0.8), ("ndcg_at_10", 0.8))} | {"dense_composite": 0.8,
                                                                        "hybrid_composite": 0.8}
    claim = C.rag07(m, [])
    assert [c.agrees() for c in claim.checks] == [False, True]
    assert verdict(claim) is Verdict.INCONSISTENT


def test_reranker_claim_scope():
    assert verdict(C.rag06(None, "no model")) is Verdict.OUT_OF_SCOPE
    measured = {"mrr_before": 0.70, "mrr_after": 0.60, "rerank_ms": 30.0}
    assert verdict(C.rag06(measured, "tiny")) is Verdict.NOT_REPRODUCED
    assert verdict(C.rag14()) is Verdict.OUT_OF_SCOPE


def test_cache_claim_fails_on_a_stale_answer():
    m = {"response_hit_rate": 0.35, "embedding_hit_rate": 0.6, "stale_answers": 1.0,
         "stale_without_invalidation": 3.0}
    assert verdict(C.rag10(m)) is Verdict.NOT_REPRODUCED
    assert verdict(C.rag10(m | {"stale_answers": 0.0})) is Verdict.REPRODUCED
