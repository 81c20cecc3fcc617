"""Caches (RAG-10): TTL, LRU, normalised keys, doc_id reverse index, and no stale answer after an update."""

import numpy as np
import pytest

from systems.rag.cache import EmbeddingCacheAdapter, TTLCache, cache_key
from systems.rag.retriever import Result
from systems.rag.service import CachedRag, DocStore, replay_log, run_replay


class Clock:
    def __init__(self):
        self.t = 0.0

    def __call__(self):
        return self.t


def test_keys_fold_case_space_and_trailing_punctuation():
    assert (
        cache_key("Copay for  MB-1234?") == cache_key("copay for mb-1234") != cache_key("copay for mb-1235")
    )


def test_ttl_expiry():
    clock = Clock()
    c = TTLCache(ttl=10, clock=clock)
    c.put("k", 1)
    clock.t = 10
    assert c.get("k") == 1
    clock.t = 10.5
    assert c.get("k") is None and c.expirations == 1 and len(c) == 0


def test_lru_evicts_least_recently_used():
    c = TTLCache(ttl=100, max_size=2)
    c.put("a", 1)
    c.put("b", 2)
    c.get("a")
    c.put("c", 3)
    assert c.get("b") is None and c.get("a") == 1 and c.get("c") == 3 and c.evictions == 1


def test_reverse_index_invalidation():
    c = TTLCache(ttl=100)
    c.put("q1", "x", docs=["d1", "d2"])
    c.put("q2", "y", docs=["d2"])
    c.put("q3", "z", docs=["d3"])
    assert c.keys_for("d2") == {"q1", "q2"}
    assert c.invalidate_doc("d2") == 2
    assert c.get("q1") is None and c.get("q2") is None and c.get("q3") == "z"
    assert c.keys_for("d1") == set(), "dropping q1 must clean every doc's key list"


def test_bad_parameters():
    with pytest.raises(ValueError, match="ttl > 0"):
        TTLCache(ttl=0)


class FakeRetriever:
    texts = ["plan A copay is $10.", "plan B copay is $20."]
    doc_of = ["dA", "dB"]

    def __init__(self):
        self.calls = 0

    def search(self, query, mode, k=10):
        self.calls += 1
        c = 0 if "A" in query.upper().split() else 1
        return Result([(self.doc_of[c], 1.0)], mode, {}, [c])


@pytest.mark.parametrize("invalidate", [True, False])
def test_no_stale_answer_after_update(invalidate):
    r = FakeRetriever()
    svc = CachedRag(r, DocStore(["dA", "dB"]), TTLCache(ttl=3600), invalidate=invalidate)
    assert svc.answer("copay plan A").cached is False
    assert svc.answer("Copay plan A?").cached is True and r.calls == 1
    svc.update_doc("dA")
    second = svc.answer("copay plan A")
    if invalidate:
        assert second.cached is False and svc.stale_served == 0 and r.calls == 2
    else:  # the control: without invalidation the old answer is served and counted as stale
        assert second.cached is True and svc.stale_served == 1


def test_replay_is_deterministic_and_counts():
    qs = ["copay plan A", "copay plan B"]
    log1 = replay_log(qs, [["dA"], ["dB"]], 200, np.random.default_rng(0), update_every=20)
    log2 = replay_log(qs, [["dA"], ["dB"]], 200, np.random.default_rng(0), update_every=20)
    assert log1 == log2 and sum(u is not None for *_, u in log1) == 10

    def make(clock):
        emb = TTLCache(ttl=86400, clock=clock)
        return CachedRag(FakeRetriever(), DocStore(["dA", "dB"]), TTLCache(ttl=3600, clock=clock)), emb

    res = run_replay(make, log1)
    assert res.requests == 200 and res.updates == 10 and res.stale_answers == 0
    assert 0 < res.response_hit_rate < 1


def test_embedding_adapter_round_trip():
    a = EmbeddingCacheAdapter(TTLCache(ttl=10))
    assert a.get("q") is None
    a.put("q", np.ones(3))
    assert np.array_equal(a.get("q"), np.ones(3))
