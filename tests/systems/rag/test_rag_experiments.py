"""Experiment helpers on a tiny knowledge base with a fake encoder: grid, split discipline, drills."""

from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pytest

from data.member_kb import generate
from systems.core.uncertainty import paired_mean_ci
from systems.rag import experiments as X
from systems.rag import operations as O
from systems.rag.pipeline import build_retriever, chunk_corpus


@pytest.fixture(scope="module")
def setup(tokenizer, fake_encoder_class):
    kb = generate(n_plans=4, n_pairs=10, n_filler=5, n_questions=120, seed=1)
    docs = {d.doc_id: (d.title, d.text) for d in kb.documents}
    corpus = chunk_corpus(docs, tokenizer, 224, 50, progress=False)
    r, vectors = build_retriever(corpus, fake_encoder_class(), kind="flat")
    yield kb, corpus, r
    r.close()


def test_grid_covers_the_story_grid_and_ties_keep_the_default(setup):
    kb, corpus, _ = setup
    rows = X.bm25_grid(corpus.texts, corpus.doc_of, kb.split("validation"))
    assert [(r.k1, r.b) for r in rows] == [(k, b) for k in X.K1_GRID for b in X.B_GRID]
    flat = [replace(r, recall_at_10=0.5, mrr=0.5) for r in rows]
    assert (X.best_of_grid(flat).k1, X.best_of_grid(flat).b) == (1.2, 0.75)
    flat[4] = replace(flat[4], recall_at_10=0.6)
    assert (X.best_of_grid(flat).k1, X.best_of_grid(flat).b) == (1.5, 0.75)


def test_held_out_test_counts_touches_and_gold_stats(setup):
    kb, _, _ = setup
    guard = X.HeldOutTest(kb)
    guard.get()
    stats = X.gold_stats(kb, guard.touches)
    assert stats.test_touches == 1 and stats.n_gold == 120 and stats.chronological == 1
    assert stats.train_fraction + stats.validation_fraction + stats.test_fraction == pytest.approx(1)


def test_table_rows_and_significance(setup):
    kb, _, r = setup
    qs = kb.split("validation")
    per_mode = X.evaluate_modes(r, qs, ["bm25", "hybrid"])
    rows = X.table_rows(per_mode, qs)
    assert [row.config for row in rows] == ["bm25", "hybrid"]
    for row in rows:
        assert 0 <= row.ndcg_at_10 <= 1 and 0 <= row.rouge_l_extractive <= 1
        assert row.n == len(qs)
    sig = X.significance(per_mode, "hybrid", "bm25")
    assert sig.ndcg_at_10.mean_diff == pytest.approx(
        per_mode["hybrid"].ndcg_at_10.mean() - per_mode["bm25"].ndcg_at_10.mean()
    )
    assert sig.to_json()["ndcg_at_10_mean_diff"] == sig.ndcg_at_10.mean_diff


def test_chunking_study_on_long_documents(setup, tokenizer):
    kb, corpus, _ = setup
    docs = {d.doc_id: d.text for d in kb.documents}
    m = X.chunking_study(docs, tokenizer, 256, corpus.chunks)
    assert m.max_seq_length == 256 and m.long_docs >= 1
    assert 0 < m.chunk_512_token_loss < 0.5 and m.main_chunk_token_loss == 0
    assert m.caught_25 <= m.caught_50 <= m.caught_100
    assert "dense_512_ndcg_at_10" not in m.to_json(), "unset fields stay out of the ledger"


def test_fallback_drill_and_latency_table(setup):
    kb, _, r = setup
    out = O.fallback_drill(r, kb.questions[0].text, "hearing aids and mail order while abroad")
    assert out == O.FallbackDrill(
        dense_down_served_by_bm25=1.0,
        both_down_served_popular=1.0,
        both_down_novel_clear_error=1.0,
        bm25_down_served_by_dense=1.0,
    )
    assert r.search("copay").mode == "hybrid", "the drill restores the live retriever"
    lat = O.latency_table(r, [q.text for q in kb.questions[:3]])
    assert {row.path for row in lat.rows} == {"sequential", "concurrent"}
    assert all(np.isfinite(v) and v >= 0 for v in lat.to_json().values())
    assert lat.p50("concurrent", "total") <= lat.p95("concurrent", "total")


class ScriptedTimings:
    """A retriever whose stages take scripted seconds: concurrent ``gain`` s faster, plus jitter."""

    def __init__(self, gain: float, seed: int = 0):
        self.gain, self.rng = gain, np.random.default_rng(seed)

    def search(self, query, mode="hybrid", concurrent=True):
        retrieve = 0.010 - (self.gain if concurrent else 0.0) + self.rng.normal(0, 0.001)
        return SimpleNamespace(timings={"retrieve": retrieve, "total": retrieve + 0.0005})


def test_latency_decides_overlap_on_the_paired_interval():
    queries = [f"q{i}" for i in range(40)]
    faster = O.latency_table(ScriptedTimings(gain=0.002), queries)
    assert faster.retrieve_diff.low <= faster.retrieve_diff_ms <= faster.retrieve_diff.high < 0
    assert faster.retrieve_diff_ms == pytest.approx(-2.0, abs=0.6), faster
    same = O.latency_table(ScriptedTimings(gain=0.0), queries)
    assert same.retrieve_diff.low < 0 < same.retrieve_diff.high, "no gain: the interval straddles 0"


@pytest.mark.parametrize("unit", ["documents", "chunks"])
def test_rag04_grid_tunes_the_unit_bm25_alone_ranks(setup, unit):
    from systems.rag.kb_run import tune_bm25, tune_bm25_units

    kb, corpus, _ = setup
    cfg = SimpleNamespace(bm25_unit=unit, bm25_k1=1.2, bm25_b=0.75, depth=20)
    tuning = tune_bm25(cfg, SimpleNamespace(corpus=corpus, kb=kb), unit)
    assert tuning.unit == unit
    assert tuning.grid == X.bm25_grid(*corpus.units(unit), kb.split("validation"), 20)
    alone, chunks = tune_bm25_units(cfg, SimpleNamespace(corpus=corpus, kb=kb))
    assert (alone, chunks.unit) == (tuning, "chunks"), "BM25 alone's grid first, the chunk index's second"


def test_bm25_unit_study_scores_what_bm25_alone_serves_in_each_unit(setup, fake_encoder_class):
    from systems.rag.evaluate import per_query
    from systems.rag.kb_run import bm25_units

    kb, corpus, _ = setup
    splits = {s: kb.split(s) for s in ("train", "validation")}
    served = {}
    for unit in ("chunks", "documents"):
        r, _ = build_retriever(corpus, fake_encoder_class(), kind="flat", bm25_unit=unit)
        served[unit] = r
    kc, cfg = SimpleNamespace(corpus=corpus, kb=kb), SimpleNamespace(depth=20)
    for run_unit, r in served.items():  # a run serving chunks builds the document index itself
        effects = bm25_units(cfg, kc, r)
        assert [(e.split, e.n) for e in effects] == [(s, len(q)) for s, q in splits.items()]
        for e in effects:
            qs = splits[e.split]
            qrels = {q.qid: q.relevance for q in qs}
            by_unit = {
                u: per_query(
                    {q.qid: [d for d, _ in s.search(q.text, "bm25").docs] for q in qs}, qrels
                ).ndcg_at_10
                for u, s in served.items()
            }
            assert e.chunks_ndcg_at_10 == pytest.approx(by_unit["chunks"].mean()), (run_unit, e)
            assert e.documents_ndcg_at_10 == pytest.approx(by_unit["documents"].mean()), (run_unit, e)
            d = by_unit["documents"] - by_unit["chunks"]
            ci = paired_mean_ci(d)
            assert (e.documents_minus_chunks, e.low, e.high) == pytest.approx((d.mean(), ci.low, ci.high))
    for r in served.values():
        r.close()
