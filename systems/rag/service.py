"""The answering service with its two caches, and a query-log replay (RAG-10).

    answer(q): response cache hit -> served (and checked for staleness)
               miss -> hybrid retrieval (query-embedding cache inside) -> extractive answer
                    -> stored under the normalised query, tagged with its source doc_ids

A document update bumps the document's version and, when invalidation is on, drops
every response built from it (reverse index). A *stale answer* is a cache hit whose
source documents have changed since it was built; with invalidation it must be zero.

Replay log (the synthetic shape that decides the hit rates, stated here): ``n`` requests
spread uniformly over ``hours``; with probability ``novel`` a one-off question never seen
again, else a gold question drawn by Zipf popularity (weight 1 / rank^s) and written with
random case, spacing and trailing "?" (normalisation must fold those); one document
update every ``update_every`` requests, on a document that popular questions cite.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from systems.rag.answer import extract_answer
from systems.rag.cache import TTLCache, cache_key


class DocStore:
    """Document versions (the text itself stays in the index; only freshness is tracked here)."""

    def __init__(self, doc_ids):
        self.version = dict.fromkeys(doc_ids, 0)

    def update(self, doc_id: str) -> int:
        if doc_id not in self.version:
            raise KeyError(f"unknown document {doc_id!r}")
        self.version[doc_id] += 1
        return self.version[doc_id]


@dataclass(frozen=True)
class Answer:
    """What the service returns: the answer, the ranked documents and where it came from."""

    answer: str
    docs: list[str]  # ranked document ids
    versions: dict[str, int]  # version of each source document when the answer was built
    cached: bool = False  # served from the response cache


class CachedRag:
    """Hybrid retrieval behind a response cache (see module docstring)."""

    def __init__(
        self,
        retriever,
        store: DocStore,
        response_cache: TTLCache,
        invalidate: bool = True,
        mode: str = "hybrid",
    ):
        self.retriever, self.store, self.cache = retriever, store, response_cache
        self.invalidate, self.mode = invalidate, mode
        self.stale_served = 0

    def answer(self, query: str) -> Answer:
        key = cache_key(query)
        hit = self.cache.get(key)
        if hit is not None:
            if any(self.store.version[d] != v for d, v in hit.versions.items()):
                self.stale_served += 1
            return replace(hit, cached=True)
        res = self.retriever.search(query, self.mode, k=10)
        texts = [self.retriever.texts[c] for c in res.chunks[:3]]
        docs = sorted({self.retriever.doc_of[c] for c in res.chunks[:3]})
        out = Answer(
            answer=extract_answer(query, texts),
            docs=[d for d, _ in res.docs],
            versions={d: self.store.version[d] for d in docs},
        )
        self.cache.put(key, out, docs)
        return out

    def update_doc(self, doc_id: str) -> None:
        self.store.update(doc_id)
        if self.invalidate:
            self.cache.invalidate_doc(doc_id)


@dataclass(frozen=True)
class ReplayResult:
    requests: int
    response_hit_rate: float
    embedding_hit_rate: float
    stale_answers: int
    updates: int
    invalidated: int


def replay_log(
    questions: list[str],
    cited_docs: list[list[str]],
    n: int,
    rng: np.random.Generator,
    hours: float = 24.0,
    novel: float = 0.3,
    zipf_s: float = 1.1,
    update_every: int = 25,
) -> list[tuple[float, str, str | None]]:
    """A time-ordered log of (time in s, query text, doc to update after it or None)."""
    weights = 1.0 / np.arange(1, len(questions) + 1) ** zipf_s
    order = rng.permutation(len(questions))  # which question is most popular
    times = np.sort(rng.uniform(0, hours * 3600, size=n))
    log = []
    for i, t in enumerate(times):
        if rng.random() < novel:
            q = f"{questions[int(rng.integers(len(questions)))]} (request {i})"
        else:
            j = order[rng.choice(len(questions), p=weights / weights.sum())]
            q = questions[j]
            if rng.random() < 0.5:
                q = q.upper() if rng.random() < 0.2 else q.lower()
            if rng.random() < 0.3:
                q = "  ".join(q.split()) + " ?"
        upd = None
        if update_every and (i + 1) % update_every == 0:
            j = order[int(rng.integers(min(20, len(order))))]
            upd = cited_docs[j][0]
        log.append((float(t), q, upd))
    return log


def run_replay(make_service, log) -> ReplayResult:
    """Replay ``log`` through ``make_service(clock) -> (CachedRag, embedding TTLCache)``."""
    now = [0.0]
    service, emb_cache = make_service(lambda: now[0])
    updates = 0
    for t, q, upd in log:
        now[0] = t
        service.answer(q)
        if upd is not None:
            service.update_doc(upd)
            updates += 1
    return ReplayResult(
        len(log),
        service.cache.hit_rate,
        emb_cache.hit_rate,
        service.stale_served,
        updates,
        service.cache.invalidations,
    )
